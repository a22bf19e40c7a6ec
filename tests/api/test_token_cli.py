"""Operators create, list and revoke integration tokens with `redress token`."""

import pytest

from redress.api import tokens
from redress.api.models import ApiToken
from redress.cli import main


@pytest.fixture
def no_setup(monkeypatch):
    monkeypatch.setattr("redress.cli._django", lambda: None)  # pytest-django set Django up


def test_token_create_prints_the_secret_once_and_stores_only_its_digest(org, no_setup, capsys):
    assert main(["token", "create", "--name", "call centre", "--staff", "intake",
                 "--scope", "complaints:create", "--scope", "complaints:read"]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    row = ApiToken.objects.get()
    assert row.digest == tokens.digest(secret) and secret not in (row.prefix, row.digest)
    assert row.scopes == ["complaints:create", "complaints:read"] and "shown this once" in err
    assert tokens.authenticate(secret) == row


def test_token_revoke_by_prefix_stops_the_token(org, no_setup, capsys):
    issued = tokens.issue(name="feed", staff=org.intake, scopes=["complaints:read"])
    assert main(["token", "revoke", issued.token.prefix]) == 0
    assert tokens.authenticate(issued.secret) is None
    main(["token", "list"])
    assert "revoked" in capsys.readouterr().out


def test_token_create_with_an_unknown_scope_names_the_field_and_creates_nothing(org, no_setup, capsys):
    assert main(["token", "create", "--name", "x", "--staff", "intake", "--scope", "everything"]) == 2
    assert "everything" in capsys.readouterr().err
    assert not ApiToken.objects.exists()
