"""Sign-in, sign-out and password change: Django's auth views with our templates,
the failure throttle and a log line for each sign-in (username only, DESIGN rule 6)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from redress.complaints.models import Institution
from redress.web.auth import throttle
from redress.web.auth.forms import SignInForm

log = logging.getLogger("redress.web.auth")


def institution_name() -> str:
    inst = Institution.objects.order_by("pk").first()
    if inst is None:
        return ""
    return inst.name_en if get_language().startswith("en") and inst.name_en else inst.name


class SignInView(auth_views.LoginView):
    template_name = "web/auth/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        throttle.forget_username(user.get_username())
        log.info("signed in: username=%s", user.get_username())
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(institution=institution_name(), **kwargs)


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): a link or an image tag cannot sign anyone out."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            log.info("signed out: username=%s", request.user.get_username())
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/auth/password.html"
    success_url = "/"

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session signed in, ends the others
        log.info("password changed: username=%s", self.request.user.get_username())
        messages.success(self.request, _("Your password has been changed."))
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="password", **kwargs)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin sends whoever may not use it to its login page. Someone signed out signs
    in on the one sign-in page (/login/, with its throttle); someone signed in without the
    right is told so with a 403. Sending them to /login/ too would bounce them straight back
    to /admin/ as already signed in, and round again (ERR_TOO_MANY_REDIRECTS)."""
    if request.user.is_authenticated:
        raise PermissionDenied(_("The administration is for administrators; %(username)s is not one.")
                               % {"username": request.user.get_username()})
    query = request.META.get("QUERY_STRING", "")
    return redirect("/login/" + (f"?{query}" if query else ""))
