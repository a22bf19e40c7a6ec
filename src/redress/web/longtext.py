"""A form field for free text with its stated maximum (complaints/limits.py), for the
workbench's forms and the portal's."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from redress.complaints import limits


def _stated(limit: int, help_text: str) -> str:
    """The form's help and the limit, in the language of the request (forms are made
    once, at import)."""
    said = _("At most %(limit)s characters.") % {"limit": f"{limit:,}"}
    return f"{help_text} {said}" if help_text else said


class LongText(forms.CharField):
    """Free text whose maximum is said under the box and refused past it with the count,
    never cut short by the browser (a maxlength attribute would drop the end of a pasted
    letter without a word). `field`: the service field whose limit applies; `limit`: a
    lower one of the form's own (the portal asks for less)."""

    def __init__(self, *, field: str, rows: int, limit: int | None = None, help_text: str = "", **kwargs):
        self.limit = min(limit or limits.limit_of(field), limits.limit_of(field))
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}),
                         help_text=lazy(_stated, str)(self.limit, help_text), **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            raise forms.ValidationError(_("At most %(limit)s characters; this has %(length)s. Shorten it, or add "
                                          "the rest as a document.")
                                        % {"limit": f"{self.limit:,}", "length": f"{len(value):,}"})
