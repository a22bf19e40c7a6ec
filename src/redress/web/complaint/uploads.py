"""Evidence uploads on the complaint page: the form, and the limits applied while the
file streams in (the service, `services.evidence_add`, checks them again).

An upload over the limit is refused while it streams in: the upload handler below
drops the file at the first chunk past the limit (or at its header, for a type the
policy does not allow), so an oversized file is never written to memory or a
temporary file in full. Django's FILE_UPLOAD_MAX_MEMORY_SIZE only decides memory vs
temporary file, and DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts at all, so
neither would stop a 2 GB upload by itself.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.complaints.lifecycle import Action, allowed_actions
from redress.policy.loader import active_pack
from redress.web.complaint import words

# The roles evidence_add accepts; the upload form is shown only to them.
UPLOAD_ROLES = frozenset({"intake", "handler", "dept_head", "complaints_office"})


def upload_limit() -> int:
    """The smaller of the deployment's limit and the policy's."""
    return min(settings.REDRESS_MAX_ATTACHMENT_BYTES, active_pack().max_attachment_bytes)


def may_upload(staff, complaint) -> bool:
    return bool(staff.role_set() & UPLOAD_ROLES) and Action.ADD_EVIDENCE in allowed_actions(complaint.state)


class LimitedUpload(FileUploadHandler):
    """First in the handler chain: refuses a file part past the size limit or of a type
    the policy does not allow, and notes why on the request for the form to say."""

    def __init__(self, request, limit: int, types: list[str]):
        super().__init__(request)
        self.limit, self.types = limit, types
        request.upload_refused = None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if content_type.split(";")[0].strip().lower() not in self.types:
            self.request.upload_refused = ("type", file_name, content_type)
            raise SkipFile()
        if content_length is not None and content_length > self.limit:
            self.request.upload_refused = ("size", file_name, content_length)
            raise SkipFile()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_refused = ("size", self.file_name, start + len(raw_data))
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=list(words.EVIDENCE_SOURCES.items()), initial="staff")

    def __init__(self, *args, refused=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused
        if refused:  # the file was dropped while streaming in: say why, not "required"
            self.fields["file"].required = False

    def clean_file(self):
        if self.refused:
            raise forms.ValidationError(refusal_message(self.refused))
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit():  # a client that lied about the part's length
            raise forms.ValidationError(refusal_message(("size", upload.name, upload.size)))
        return upload


def refusal_message(refused) -> str:
    reason, name, value = refused
    if reason == "type":
        return _("%(name)s is of type %(type)s, which the policy does not allow; allowed: %(allowed)s") % {
            "name": name, "type": value or "?", "allowed": ", ".join(active_pack().attachment_types)}
    return _("%(name)s is larger than the limit of %(limit)s; nothing was stored") % {
        "name": name, "limit": words.file_size(upload_limit())}


def browser_messages() -> dict[str, str]:
    """The refusals the page says at the upload before a file is sent (static/web/complaint.js
    puts the file's name in place of %(name)s); the server says the same if one gets through."""
    name = "%(name)s"
    return {"type": _("%(name)s is of a type the policy does not allow; allowed: %(allowed)s") % {
                "name": name, "allowed": ", ".join(active_pack().attachment_types)},
            "size": refusal_message(("size", name, 0))}
