"""Behind a reverse proxy: which client sent a request, and whether it came over HTTPS.

A proxy in front (nginx terminating TLS) is every request's peer, so without help every
client shares its address — one portal rate limit for everyone, one sign-in throttle for
all staff — and a request the proxy received over HTTPS arrives as plain HTTP, which the
HTTPS redirect sends round again. REDRESS_TRUSTED_PROXY names the proxy's address. From
that peer only, the web server believes X-Forwarded-For (the last entry: the address the
proxy itself saw; entries before it are typed by the client) and X-Forwarded-Proto, and
sets REMOTE_ADDR and the URL scheme from them; from any other peer both headers are
dropped, so nobody who reaches the application directly can claim an address or HTTPS.

`redress serve` hands this to waitress (`trusted_proxy`, `trusted_proxy_headers`).
Another WSGI server runs `redress.wsgi:application`, which applies the same translation
(waitress's own middleware) when the setting is there. Everything else reads the one
answer: `client_address` (REMOTE_ADDR) and Django's `request.is_secure()`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})
HOPS = 1  # one proxy in front: the last X-Forwarded-For entry is the one it added


def waitress_options() -> dict:
    """The keyword arguments for waitress.serve; none without a trusted proxy (waitress
    then drops every forwarding header, as it does by default)."""
    proxy = settings.REDRESS_TRUSTED_PROXY
    if not proxy:
        return {}
    return {"trusted_proxy": proxy, "trusted_proxy_headers": set(HEADERS), "trusted_proxy_count": HOPS,
            "clear_untrusted_proxy_headers": True}


def trusting(app):
    """`app` behind the same translation waitress does, for other WSGI servers."""
    options = waitress_options()
    if not options:
        return app
    from waitress.proxy_headers import proxy_headers_middleware

    return proxy_headers_middleware(app, trusted_proxy=options["trusted_proxy"], trusted_proxy_count=HOPS,
                                    trusted_proxy_headers=options["trusted_proxy_headers"], clear_untrusted=True)


def client_address(request: HttpRequest | None) -> str:
    """The client's address as the web server worked it out (above): never a header read
    here, which anyone could type to get a fresh address for every guess."""
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""
