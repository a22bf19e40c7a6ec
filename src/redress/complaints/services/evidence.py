"""Evidence files: type and size checked before anything is stored, SHA-256 recorded
in the ledger, stored through Django's storage API."""

from __future__ import annotations

import hashlib
import unicodedata

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from redress.complaints import filetypes
from redress.complaints.errors import NotFound, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import Complaint, Evidence, Staff
from redress.complaints.services.base import acting_on, require_role
from redress.complaints.services.pausing import end_on_answer
from redress.policy.loader import active_pack

SOURCES = ("staff", "customer", "call_recording", "email")
NAME_MAX = 255  # Evidence.original_name


def keep_name(name: str) -> tuple[str, bool]:
    """The name as the sender gave it, made safe to store and show: control characters
    (NUL and the like) removed, and a name longer than 255 characters cut short before
    its extension, marked with "…", so its start and its type survive: the customer's
    complaint is never refused over a file name. Returns (name, whether it was cut)."""
    name = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in name)
    name = unicodedata.normalize("NFC", name).strip()
    if len(name) <= NAME_MAX:
        return name, False
    stem, dot, ext = name.rpartition(".")
    ext = dot + ext if stem and len(ext) <= 16 else ""
    stem = name[: len(name) - len(ext)]
    return stem[: NAME_MAX - len(ext) - 1] + "…" + ext, True


# The file on disk is named by its digest and its type's extension, never by what the
# sender called it: a 300-character or Chinese name does not fit the storage column
# (100 characters) or every file system, and it is kept whole in original_name instead.
def disk_name(reference: str, digest: str, content_type: str) -> str:
    return f"evidence/{reference}/{digest[:16]}.{filetypes.stored_extension(content_type)}"


def check_attachment(name: str, content_type: str, data: bytes, pack) -> None:
    """The policy's size and type rules, on the bytes: callers that must refuse a file
    before anything is written (portal, mail-in) ask this first."""
    limit = pack.max_attachment_bytes
    if not name.strip() or "/" in name or "\\" in name or name.startswith("."):
        raise ValidationFailed("file.name", _("must be a plain file name"))
    if len(data) == 0:
        raise ValidationFailed("file", _("is empty"))
    if len(data) > limit:
        raise ValidationFailed("file", _("is %(data)s bytes; the limit is %(limit)s bytes") % {"data": format(len(data), ','), "limit": format(limit, ',')})
    if content_type not in pack.attachment_types:
        raise ValidationFailed("file.content_type", _("%(content_type)s is not allowed; allowed: %(attachment_types)s") % {"content_type": repr(content_type), "attachment_types": ', '.join(pack.attachment_types)})
    if not filetypes.name_fits(content_type, name):
        raise ValidationFailed("file.name", _("ends in .%(ext)s, which is not a %(content_type)s file; it may end in "
                                              "%(endings)s") % {
            "ext": filetypes.extension(name), "content_type": content_type,
            "endings": ", ".join("." + e for e in filetypes.EXTENSIONS[content_type])})
    if content_type in ("text/plain", "message/rfc822") and b"\x00" in data:
        raise ValidationFailed("file", _("claims to be text but holds binary data"))
    if not filetypes.matches(content_type, data):
        raise ValidationFailed("file", _("its content is not a %(content_type)s file") % {"content_type": content_type})


def evidence_add(complaint: Complaint | int, *, actor: Staff | None, name: str, content_type: str, data: bytes,
                 description: str = "", source: str = "staff", via: str = "web") -> Evidence:
    if source not in SOURCES:
        raise ValidationFailed("source", _("must be one of %(SOURCES)s") % {"SOURCES": ', '.join(SOURCES)})
    content_type = content_type.split(";")[0].strip().lower()
    name, shortened = keep_name(name)
    check_attachment(name, content_type, data, active_pack())  # before anything is stored
    digest = hashlib.sha256(data).hexdigest()
    stored = None
    try:
        with acting_on(complaint, Action.ADD_EVIDENCE, actor=actor, via=via) as step:
            if actor is not None:
                require_role(step, ["intake", "handler", "dept_head", "complaints_office"], _("adding evidence"))
            else:
                step.role = "customer"
            stored = default_storage.save(disk_name(step.complaint.reference, digest, content_type), ContentFile(data))
            item = Evidence.objects.create(complaint=step.complaint, file=stored, original_name=name,
                                           content_type=content_type, size=len(data), sha256=digest,
                                           description=description, source=source, uploaded_by=actor,
                                           uploaded_at=step.now)
            extra = {"name_shortened": True} if shortened else {}  # the ledger says the name was cut
            # Documents the customer sends are their answer: a pause waiting for them ends.
            resumed = end_on_answer(step) if source == "customer" else []
            step.record(EventType.EVIDENCE_ADDED, evidence=item.pk, name=name, sha256=digest, size=len(data),
                        content_type=content_type, source=source, resumed=resumed, **extra)
    except BaseException:
        # The transaction rolled back: do not leave an orphan file behind.
        if stored:
            default_storage.delete(stored)
        raise
    return item


def evidence_open(complaint: Complaint | int, *, actor: Staff, evidence_id: int, via: str = "web") -> Evidence:
    """A piece of evidence handed out to read, on the record: the customer's documents are
    personal data as much as the masked fields (002 保密原则), so the ledger says who took a
    copy of which file, as it does for a reveal. The caller checked the complaint is
    visible to `actor`; NotFound if the file is not this complaint's."""
    with acting_on(complaint, Action.DOWNLOAD_EVIDENCE, actor=actor, via=via, changes_case=False) as step:
        item = Evidence.objects.filter(pk=evidence_id, complaint=step.complaint).first()
        if item is None:
            raise NotFound(_("no evidence %(pk)s on this complaint") % {"pk": evidence_id})
        step.role = next(iter(sorted(actor.role_set())), "")
        step.record(EventType.EVIDENCE_DOWNLOADED, evidence=item.pk, name=item.original_name, sha256=item.sha256)
    return item
