"""A piece of evidence sent over HTTP, the same from the workbench and the API: under
the name the sender gave it (Django writes Content-Disposition with RFC 5987
`filename*=utf-8''...` when the name is not ASCII, so a Chinese name arrives intact),
never under the short name it has on disk."""

from __future__ import annotations

from django.http import FileResponse

from redress.complaints.models import Evidence


def evidence_response(item: Evidence) -> FileResponse:
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                            content_type=item.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    # Opened directly anyway (a browser that ignores "attachment"), it may run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
