"""Administrators create and revoke integration tokens here; the token is shown once,
on the page after saving, and only its digest is kept."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from redress.api import tokens
from redress.api.models import ApiToken, Scope


class TokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["name", "institution", "unit", "staff", "scopes"]

    def clean(self):
        data = super().clean()
        staff, unit, institution = data.get("staff"), data.get("unit"), data.get("institution")
        if staff is not None and not staff.is_active:
            self.add_error("staff", _("This member of staff is deactivated."))
        if unit is not None and institution is not None and unit.institution_id != institution.pk:
            self.add_error("unit", _("The unit belongs to another institution."))
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = TokenForm
    list_display = ["name", "prefix", "staff", "unit", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "institution"]
    search_fields = ["name", "prefix", "staff__username"]
    actions = ["revoke_selected"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiToken) -> str:
        return ", ".join(obj.scopes)

    def get_readonly_fields(self, request, obj=None):
        # A token's identity and powers are fixed once issued: revoke and issue a new one
        # rather than widen a token an integration already holds.
        if obj is None:
            return ["prefix", "created_at", "last_used_at", "revoked_at"]
        return ["name", "institution", "unit", "staff", "scopes", "prefix", "created_at", "created_by",
                "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "institution", "unit", "staff", "scopes"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable
        issued = tokens.issue(name=obj.name, staff=obj.staff, scopes=form.cleaned_data["scopes"],
                              institution=obj.institution, unit=obj.unit, created_by=request.user)
        obj.pk = issued.token.pk
        obj.__dict__.update({k: v for k, v in issued.token.__dict__.items() if not k.startswith("_")})
        messages.warning(request, _("The token for %(name)s is shown only now; copy it into the integration: "
                                    "%(secret)s") % {"name": obj.name, "secret": issued.secret})

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays as the record of who had access when

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke(token)
            count += 1
        self.message_user(request, ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", count) % {"n": count})
