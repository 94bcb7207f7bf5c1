"""Schemathesis against the OpenAPI schema, with a valid key of the owner role: every route,
with valid and invalid input, answers without a server error. Bounded by the hypothesis
profile (tests/conftest.py; in CI a few examples per route, a few minutes in all)."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from waarborg.api.actions import create_key
from waarborg.consent import actions as consent_actions
from waarborg.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CASES = {"count": 0}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI application closes old database connections at the end of each request, as
    it should in production; inside a test that would close the test's own transaction (on
    PostgreSQL). Django's test client switches this off the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(organisation, owner):
    consent_actions.save_purpose(
        organisation,
        actor=owner,
        key="newsletter",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism="opt_in",
        wording={"nl": "Ja."},
    )
    return create_key(organisation, actor=owner, name="fuzz", role="owner")[1]


@schema.parametrize()
@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_no_route_answers_with_a_server_error(case, api_key):
    CASES["count"] += 1
    response = case.call(headers={"Authorization": f"Bearer {api_key}"})
    case.validate_response(response, checks=[not_a_server_error])
