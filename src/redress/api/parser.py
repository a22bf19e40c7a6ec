"""Request bodies are JSON and say so: a body sent as a form, as text or with no
Content-Type is refused with 415 rather than parsed as if it were JSON (a client that
sends a form by mistake learns so, and a browser's cross-site form post is no JSON).
Uploads (multipart) never pass here: ninja reads them as form and file parameters."""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja.parser import Parser


class UnsupportedMediaType(Exception):
    pass


def is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


class JsonOnly(Parser):
    def parse_body(self, request: HttpRequest) -> dict:
        if not is_json(request.headers.get("Content-Type", "")):
            raise UnsupportedMediaType("send the body as JSON with 'Content-Type: application/json'")
        return json.loads(request.body)
