"""Text messages to a customer's phone. A gateway is anything with `send(to, text)`
returning the provider's reference for the message; `gateway()` builds the one the
settings name:

- ``REDRESS_SMS_GATEWAY=http``: `HttpGateway`, a JSON POST to ``REDRESS_SMS_URL`` with
  ``{"to": "+8613800138000", "from": REDRESS_SMS_SENDER, "text": "..."}``, a bearer
  token (``REDRESS_SMS_TOKEN``) or basic credentials (``REDRESS_SMS_USERNAME`` and
  ``REDRESS_SMS_PASSWORD``), and ``REDRESS_SMS_TIMEOUT`` seconds. Any 2xx is taken as
  accepted; the reference is the answer's ``id`` (or ``message_id``) when it has one.
  Providers that speak another shape sit behind a small relay, or a subclass.
- ``console``: writes the message to the log, for development and the demo.
- unset: no SMS; a message to a phone number stays in the in-app record only.

Anything but a 2xx, a timeout or a refused connection raises `SmsFailed`, so the
dispatcher records the attempt and retries it (notify/dispatch.py)."""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings

log = logging.getLogger(__name__)


class SmsFailed(Exception):
    """The gateway did not take the message (the text says why, without the message)."""


class Gateway(Protocol):
    name: str

    def send(self, to: str, text: str) -> str: ...


class ConsoleGateway:
    name = "console"

    def send(self, to: str, text: str) -> str:
        log.warning("SMS to %s: %s", to, text)
        return ""


class HttpGateway:
    name = "http"

    def __init__(self, url: str, *, sender: str = "", token: str = "", username: str = "", password: str = "",
                 timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"REDRESS_SMS_URL: must be an http:// or https:// address, not {url!r}")
        self.url, self.sender, self.timeout = url, sender, timeout
        self.headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        elif username:
            pair = base64.b64encode(f"{username}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {pair}"

    def send(self, to: str, text: str) -> str:
        body = json.dumps({"to": to, "from": self.sender, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 — the URL is the operator's
                raw = answer.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            raise SmsFailed(f"gateway answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsFailed(f"gateway not reached: {reason}") from None
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return ""  # accepted; the provider gave no reference we can read
        return str(data.get("id") or data.get("message_id") or "") if isinstance(data, dict) else ""


def gateway() -> Gateway | None:
    kind = settings.REDRESS_SMS_GATEWAY
    if kind == "http":
        return HttpGateway(settings.REDRESS_SMS_URL, sender=settings.REDRESS_SMS_SENDER,
                           token=settings.REDRESS_SMS_TOKEN, username=settings.REDRESS_SMS_USERNAME,
                           password=settings.REDRESS_SMS_PASSWORD, timeout=settings.REDRESS_SMS_TIMEOUT)
    if kind == "console":
        return ConsoleGateway()
    return None


def is_phone(address: str) -> bool:
    """A customer address the outbox holds is a phone number when it is not an email
    address (customers' phones are stored normalised: complaints/phones.py)."""
    return bool(address) and "@" not in address
