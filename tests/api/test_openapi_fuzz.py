"""Property-based fuzzing of every `/v0` operation the OpenAPI schema lists at run time.

Each operation gets a bounded, derandomised set of generated requests, sent in-process to
the ASGI app over the test store, once with a fresh valid token per request and once with
no credentials, and a stateful run follows the schema's links from one answer to the next
request. Every Schemathesis check runs: no 5xx, answers as documented (error answers
included), schema-valid requests accepted and invalid ones refused, and so on; the
exceptions, where OpenAPI cannot state a rule the server enforces, are in
`schemathesis.toml` with their reasons.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from aianimals.roles.api import create_app
from aianimals.roles.container import Container
from aianimals.settings import Settings
from aianimals.users.schemas import UserLogin
from aianimals.users.service import UserService
from tests.factories import PASSWORD, Factory

# Every route, the suggester's background reader of past queries included: a thread beside
# the request's on one connection interleaves their savepoints.
pytestmark = pytest.mark.committed

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
schema = schemathesis.openapi.from_dict(create_app(Settings(environment="test")).openapi())


class _AppUnderTest:
    """The schema's ASGI app: passes every request (the checks' own probes included, such as
    a request sent again without credentials) to the app of the test that is running."""

    def __init__(self) -> None:
        self.app: FastAPI | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert self.app is not None, "no test is running"
        await self.app(scope, receive, send)


_under_test = _AppUnderTest()
schema.app = _under_test


@pytest.fixture
def app(container: Container) -> Iterator[FastAPI]:
    """The app under test, over this test's store; the checks' own probes (a request sent
    again without credentials, say) go to it too, for as long as the test runs. They name
    their own host: the host check has its own tests."""
    settings = container.settings.model_copy(
        update={"api": container.settings.api.model_copy(update={"allowed_hosts": ["*"]})}
    )
    app = create_app(settings, container)
    _under_test.app = app
    yield app
    _under_test.app = None


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
    """Point generated `animal_id` values at a stored animal, so success paths run too.

    Only in parts generated as valid: a part generated to break the schema keeps its value,
    which may be the very thing it breaks (an `animal_id` off its pattern), and must still
    be refused."""
    for location, part in (
        (ParameterLocation.BODY, case.body),
        (ParameterLocation.QUERY, case.query),
    ):
        if case.meta is not None and case.meta.is_negative_at(location):
            continue
        if isinstance(part, dict) and isinstance(part.get("animal_id"), str):
            part["animal_id"] = animal_id


def _call_and_check(case: Any, app: FastAPI, headers: dict[str, str] | None) -> None:
    response = case.call(app=app, headers=headers)
    case.validate_response(response, headers=headers)


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


def test_linked_operations_hold_together(app: FastAPI, tokens: TokenMint) -> None:
    """Sequences of calls along the schema's links, each answer checked like the others."""
    workflow = schema.as_state_machine()

    class Workflow(workflow):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            _aim_at_seeded_animal(case, tokens.animal_id)
            return {"app": app, "headers": tokens.headers()}

        def after_call(self, response: Any, case: Any) -> None:
            tokens.forget_if_revoked(case)

    Workflow.run(
        settings=settings(
            max_examples=MAX_EXAMPLES * 2,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
