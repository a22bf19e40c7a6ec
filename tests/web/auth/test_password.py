"""Changing one's password, with Django's validators, errors in the reader's language."""

from __future__ import annotations

from django.test import Client

OLD = "x" * 12


def change(client, old, new1, new2=None):
    return client.post("/password/", {"old_password": old, "new_password1": new1,
                                      "new_password2": new1 if new2 is None else new2})


def test_password_change_works_and_keeps_the_person_signed_in(org, signed_in):
    client = signed_in("handler", "en")
    response = change(client, OLD, "Tianhe-river-2026!")
    assert response.status_code == 302 and response["Location"] == "/"
    org.handler.refresh_from_db()
    assert org.handler.check_password("Tianhe-river-2026!")
    assert "Your password has been changed." in client.get("/").content.decode()


def test_wrong_old_password_is_refused_in_chinese(org, signed_in):
    response = change(signed_in("handler"), "not-it", "Tianhe-river-2026!")
    assert response.status_code == 200
    assert "旧密码" in str(response.context["form"].errors["old_password"])
    org.handler.refresh_from_db()
    assert org.handler.check_password(OLD)


def test_short_common_numeric_password_names_each_rule(signed_in):
    response = change(signed_in("handler", "en"), OLD, "12345678")
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "too short" in errors and "at least 10 characters" in errors
    assert "too common" in errors
    assert "entirely numeric" in errors


def test_password_like_the_username_is_refused_in_chinese(signed_in):
    response = change(signed_in("handler2"), OLD, "handler2xy")
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "相似" in errors


def test_mismatched_confirmation_is_refused(signed_in):
    response = change(signed_in("handler", "en"), OLD, "Tianhe-river-2026!", "Tianhe-river-2027!")
    assert "didn’t match" in " ".join(response.context["form"].errors["new_password2"])


def test_other_sessions_end_after_a_password_change(org, signed_in):
    other = Client()
    other.force_login(org.handler)
    change(signed_in("handler"), OLD, "Tianhe-river-2026!")
    assert other.get("/")["Location"].startswith("/login/")


def test_every_password_rule_is_explained_in_chinese(signed_in):
    response = change(signed_in("handler"), OLD, "12345678")
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "至少 10 个字符" in errors and "常见" in errors and "数字" in errors
