"""Property-based run of schemathesis against the served OpenAPI schema, in process (WSGI, no
network), with a real token: every operation, a bounded number of generated requests each
(valid and invalid data), no server error, and every response as the schema says."""

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from tests.api_helpers import token_key

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 8  # bounded: the two runs take well under a minute together
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


@pytest.fixture
def keep_the_test_connection():
    """Django's WSGIHandler closes the database connection at the end of each request (it is
    inside the test's transaction, so PostgreSQL's would look unusable); the test client
    disconnects that handler, and so must a test that calls the WSGI app directly."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def load_schema(headers):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), headers=headers)


def test_the_served_schema_is_valid_openapi_3(world, analyst_user):
    from drf_spectacular.validation import validate_schema
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(analyst_user)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # drf-spectacular's own OpenAPI 3 validation
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/actions/", "/api/v1/actions/{id}/", "/api/v1/status-updates/"} <= set(document["paths"])
    assert "patch" in document["paths"]["/api/v1/actions/{id}/"]
    assert "put" not in document["paths"]["/api/v1/actions/{id}/"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_the_schema_says(world, mode, keep_the_test_connection):
    admin = get_user_model().objects.get(username="admin")
    headers = {"Authorization": f"Token {token_key(admin)}"}
    schema = load_schema(headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    calls = []

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            response = case.call(headers=headers)
            calls.append(response.status_code)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (e.g. no parameters): no case to send.
            assert mode == GenerationMode.NEGATIVE
    assert calls and max(calls) < 500
