"""Evidence files: multipart upload (checked and hashed by the service) and the list."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from redress.api.auth import PayloadTooLarge, TokenAuth
from redress.api.fields import Id
from redress.api.models import Scope
from redress.api.presenting import evidence_out
from redress.api.routes.common import error_responses, visible
from redress.api.schemas.complaints import EvidenceOut
from redress.complaints import services as svc
from redress.complaints.downloads import evidence_response
from redress.complaints.errors import ValidationFailed
from redress.policy.loader import active_pack

router = Router(tags=["evidence"])


@router.post("/complaints/{reference}/evidence", auth=TokenAuth(Scope.EVIDENCE_WRITE),
             response={201: EvidenceOut, **error_responses(400, 401, 403, 404, 409, 413, 422)},
             summary="Upload an evidence file (multipart/form-data)")
def upload_evidence(request: HttpRequest, reference: str, file: File[UploadedFile],
                    description: str = Form("", max_length=300),  # noqa: B008 (ninja's idiom)
                    source: Form[Literal["staff", "customer", "call_recording", "email"]] = "staff"):
    """The file's type must be one the policy allows and its first bytes must match it;
    the SHA-256 is recorded in the ledger."""
    if "\x00" in description:
        raise ValidationFailed("description", "must not contain NUL characters")
    complaint = visible(request.auth, reference)
    limit = active_pack().max_attachment_bytes
    if file.size is not None and file.size > limit:
        raise PayloadTooLarge("file", limit)
    item = svc.evidence_add(complaint, actor=request.auth.staff, name=file.name or "", data=file.read(),
                            content_type=file.content_type or "application/octet-stream",
                            description=description, source=source, via="api")
    return Status(201, evidence_out(item))


@router.get("/complaints/{reference}/evidence", auth=TokenAuth(Scope.COMPLAINTS_READ),
            response={200: list[EvidenceOut], **error_responses(401, 403, 404)}, summary="List the evidence files")
def list_evidence(request: HttpRequest, reference: str):
    complaint = visible(request.auth, reference)
    return [evidence_out(e) for e in complaint.evidence.select_related("uploaded_by").order_by("id")]


@router.get("/complaints/{reference}/evidence/{evidence_id}/file", auth=TokenAuth(Scope.COMPLAINTS_READ),
            response={200: None, **error_responses(401, 403, 404, 422)},
            summary="Download an evidence file, under the name it was sent with")
def download_evidence(request: HttpRequest, reference: str, evidence_id: Id):
    """The file's bytes; Content-Disposition carries the original name (RFC 5987
    `filename*` when it is not ASCII). The download is recorded in the ledger."""
    complaint = visible(request.auth, reference)
    item = svc.evidence_open(complaint, actor=request.auth.staff, evidence_id=evidence_id, via="api")
    return evidence_response(item)
