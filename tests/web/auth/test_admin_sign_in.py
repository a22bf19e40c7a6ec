"""Administrators sign in through the same throttled page as everyone else."""

from django.test import Client


def test_admin_login_form_redirects_to_the_throttled_sign_in_page(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"


def test_admin_pages_send_anonymous_visitors_to_sign_in(db):
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
