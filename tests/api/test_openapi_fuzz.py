"""Property-based fuzzing of every `/v0` operation the OpenAPI schema lists at run time.

Each operation gets a bounded, derandomised set of generated requests, sent in-process to
the ASGI app over the test store, once with a fresh valid token per request and once with
no credentials. No request may answer 5xx; every other answer must match the schema
documented for its status (error answers included).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from aianimals.api.container import Container
from aianimals.roles.api import create_app
from aianimals.settings import Settings
from aianimals.users.schemas import UserLogin
from aianimals.users.service import UserService
from tests.factories import PASSWORD, Factory

MAX_EXAMPLES = 15

fuzz_settings = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# The operations are read from an app that is never started (building the schema touches
# nothing); each test sends its requests to an app over that test's own container. The
# schema is used as served: timestamps carry an offset, so `format: date-time` holds.
_schema_app = create_app(Settings(environment="test"))
schema = schemathesis.openapi.from_dict(_schema_app.openapi())
schema.app = _schema_app


@pytest.fixture
def app(container: Container) -> FastAPI:
    """The app under test, over this test's store."""
    return create_app(container.settings, container)


class TokenMint:
    """A token for one user, minted again after a fuzzed logout revoked it."""

    def __init__(self, container: Container, handle_name: str, animal_id: str) -> None:
        self.container = container
        self.handle_name = handle_name
        self.animal_id = animal_id
        self._token: str | None = None

    def headers(self) -> dict[str, str]:
        if self._token is None:
            ttl = timedelta(seconds=self.container.settings.auth.token_ttl_seconds)
            with self.container.database.session() as session:
                users = UserService(session, self.container.hasher, ttl)
                login = UserLogin(handle_name=self.handle_name, password=PASSWORD)
                self._token = users.log_in(login).token
        return {"token": self._token}

    def forget_if_revoked(self, case: Any) -> None:
        if case.operation.path.endswith("/logout"):
            self._token = None


@pytest.fixture
def tokens(container: Container, factory: Factory) -> TokenMint:
    """A logged-in user with its categories and an animal, so lookups can succeed."""
    animal = factory.animal(owner=factory.user("fuzz_user"))
    return TokenMint(container, "fuzz_user", animal.id)


def _aim_at_seeded_animal(case: Any, animal_id: str) -> None:
    """Point generated `animal_id` values at a stored animal, so success paths run too."""
    for part in (case.body, case.query):
        if isinstance(part, dict) and isinstance(part.get("animal_id"), str):
            part["animal_id"] = animal_id


def _call_and_check(case: Any, app: FastAPI, headers: dict[str, str] | None) -> None:
    response = case.call(app=app, headers=headers)
    checks = [not_a_server_error]
    if response.status_code < 500:
        # 2xx bodies and error bodies (`ErrorResponse`) alike must match what is documented.
        checks.append(response_schema_conformance)
    case.validate_response(response, checks=checks, headers=headers)


@schema.parametrize()
@fuzz_settings
def test_no_operation_answers_5xx_when_logged_in(
    case: Any, app: FastAPI, tokens: TokenMint
) -> None:
    _aim_at_seeded_animal(case, tokens.animal_id)
    _call_and_check(case, app, tokens.headers())
    tokens.forget_if_revoked(case)


@schema.parametrize()
@fuzz_settings
def test_no_operation_answers_5xx_without_credentials(
    case: Any, app: FastAPI, tokens: TokenMint
) -> None:
    del tokens
    _call_and_check(case, app, None)
