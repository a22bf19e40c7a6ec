"""Property-based run over the generated OpenAPI document: whatever the generator sends,
valid or not, the API never answers with a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import ALL_SCOPES


@pytest.fixture
def bearer(org):
    from redress.api import tokens
    from tests.api.conftest import Api, new_complaint

    issued = tokens.issue(name="fuzz", staff=org.office, scopes=ALL_SCOPES)
    # One real complaint, so generated references sometimes hit something.
    intake = tokens.issue(name="seed", staff=org.intake, scopes=ALL_SCOPES)
    Api(intake.secret).post("/complaints", new_complaint())
    # Django's WSGI handler closes the connection after each request made inside a
    # transaction, which on PostgreSQL would end the test's own transaction; Django's
    # test Client disconnects the same receiver for the same reason (and reconnects it
    # when it is done, so this comes after the seed request above).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {issued.secret}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded at collection: the document needs no database. (schemathesis' lazy
# from_fixture loader does not work with pytest 9.)
# Loaded at collection: the document needs no database. (schemathesis' lazy
# from_fixture loader does not work with pytest 9.)
@pytest.fixture
def _keep_connection():
    """Django's WSGI handler closes the connection at the end of each request when it is
    inside a transaction, which on PostgreSQL would close the test's own transaction.
    Django's test Client disconnects the same signal for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_input_makes_the_api_fail(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
