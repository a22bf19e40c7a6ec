"""Signing in and out, and where anonymous visitors are sent."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from redress.web.models import LoginFailure

PASSWORD = "x" * 12  # the cast's password (tests/conftest.py)


@pytest.mark.parametrize("page", ["/", "/policy/", "/password/", "/cases/", "/intake/"])
def test_anonymous_visitor_is_sent_to_sign_in(db, page):
    response = Client().get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_sign_in_page_in_chinese_by_default(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_sign_in_page_in_english(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/login/")
    assert "Sign in to the complaints workbench" in response.content.decode()


def test_handler_signs_in_and_lands_on_the_dashboard(org, caplog):
    client = Client()
    with caplog.at_level(logging.INFO, logger="redress.web.auth"):
        response = client.post("/login/", {"username": "handler", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "signed in: username=handler" in caplog.text


def test_sign_in_returns_to_the_page_asked_for(org):
    response = Client().post("/login/?next=/policy/", {"username": "handler", "password": PASSWORD,
                                                       "next": "/policy/"})
    assert response["Location"] == "/policy/"


def test_sign_in_does_not_follow_next_to_another_site(org):
    response = Client().post("/login/", {"username": "handler", "password": PASSWORD,
                                         "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_wrong_password_and_unknown_user_get_the_same_message(org, caplog):
    with caplog.at_level(logging.WARNING, logger="redress.web.auth"):
        wrong = Client(HTTP_ACCEPT_LANGUAGE="en").post("/login/", {"username": "handler", "password": "nope"})
        unknown = Client(HTTP_ACCEPT_LANGUAGE="en").post("/login/", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "The username or password is not correct" in wrong.content.decode()
    assert 'value="handler"' in wrong.content.decode()  # what was typed is kept
    assert "sign-in failed: username=handler" in caplog.text
    assert "nope" not in caplog.text  # never the password


def test_disabled_account_gets_the_same_message_as_a_wrong_password(org):
    org.handler.is_active = False
    org.handler.save()
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post("/login/", {"username": "handler", "password": PASSWORD})
    assert "用户名或密码不正确" in response.content.decode()


def test_failure_is_recorded_without_the_password(org):
    Client(REMOTE_ADDR="10.1.2.3").post("/login/", {"username": "Handler ", "password": "guess"})
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.address) == ("handler", "10.1.2.3")


def test_sign_out_needs_a_post_and_ends_the_session(signed_in):
    client = signed_in("handler")
    assert client.get("/logout/").status_code == 405  # a link or <img> cannot sign anyone out
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/")["Location"].startswith("/login/")


def test_signed_in_person_visiting_sign_in_goes_to_the_dashboard(signed_in):
    assert signed_in("office").get("/login/")["Location"] == "/"


def test_session_cookie_is_http_only_and_ends_with_the_browser(org):
    client = Client()
    client.post("/login/", {"username": "handler", "password": PASSWORD})
    cookie = client.cookies["redress_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie


def test_pages_send_the_security_headers(db):
    response = Client().get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_idle_session_expires(org, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request renews the expiry: an idle timeout
    client = Client()
    client.post("/login/", {"username": "handler", "password": PASSWORD})
    from django.contrib.sessions.models import Session

    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    assert client.get("/")["Location"].startswith("/login/")
