"""Workbench fixtures: a browser-less client signed in as any member of the cast."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def signed_in(org):
    """signed_in("handler") -> a test Client signed in as org.handler."""

    def make(who: str, language: str = "zh-hans") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(getattr(org, who))
        return client

    return make
