"""The sign-in form: Django's, with the failure throttle in front of the password check."""

from __future__ import annotations

import logging

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from redress.complaints.timesource import now as current_time
from redress.proxy import client_address
from redress.web.auth import throttle

log = logging.getLogger("redress.web.auth")


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # One message for a wrong password, an unknown username and a disabled account,
        # so the form does not tell a guesser which usernames exist.
        "invalid_login": _("The username or password is not correct. Both are case-sensitive."),
        "throttled": _("Too many failed sign-in attempts. Signing in is paused for security; "
                       "try again in %(minutes)d minutes, or ask an administrator for help."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        at = current_time()
        lock = throttle.lock_on(username, address, at)
        if lock is not None:
            log.warning("sign-in refused while throttled: username=%s", throttle.normalise(username))
            raise ValidationError(self.error_messages["throttled"], code="throttled",
                                  params={"minutes": lock.minutes_left(at)})
        try:
            return super().clean()
        except ValidationError:
            if username:
                throttle.record_failure(username, address, at)
                log.warning("sign-in failed: username=%s", throttle.normalise(username))
            raise
