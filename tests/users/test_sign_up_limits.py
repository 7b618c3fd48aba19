"""`POST /v0/user` answers 429 with Retry-After past the sign-ups allowed per address."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aianimals.ports.cache.memory import MemoryCache
from aianimals.roles.api import create_app
from aianimals.roles.container import Container
from aianimals.security.signup_limits import SignUpLimiter, SignUpLimits
from tests.factories import Factory

SIGN_UP = "/v0/user"


class Clock:
    """A wall clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(client: TestClient) -> Clock:
    """The sign-up limiter's clock (the limiter is installed on the app with default limits)."""
    clock = Clock()
    client.app.state.signup_limiter = SignUpLimiter(MemoryCache(), SignUpLimits(), clock=clock)  # type: ignore[attr-defined]
    return clock


def _sign_up(client: TestClient, handle: str, email: str | None = None) -> int:
    body = {
        "handle_name": handle,
        "email_address": email or f"{handle}@example.com",
        "password": "a long enough password",
    }
    response = client.post(SIGN_UP, json=body)
    assert response.status_code != 500
    return response.status_code


def test_the_sixth_sign_up_from_one_address_in_an_hour_is_429(
    client: TestClient, clock: Clock
) -> None:
    assert [_sign_up(client, f"cat_{i}") for i in range(5)] == [200] * 5
    response = client.post(
        SIGN_UP,
        json={
            "handle_name": "cat_5",
            "email_address": "cat_5@example.com",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_requests"
    assert "sign-ups" in response.json()["detail"]
    assert int(response.headers["Retry-After"]) == 3600
    clock.now += 3600 + 1
    assert _sign_up(client, "cat_5") == 200


def test_taken_handles_and_emails_count_too(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    """Otherwise probing for registered addresses would be free."""
    del clock
    factory.user("dog_leigh")
    answers = [_sign_up(client, f"probe_{i}", "dog_leigh@example.com") for i in range(3)]
    answers += [_sign_up(client, "dog_leigh", "x@example.com") for _ in range(2)]
    assert answers == [200, 200, 200, 409, 409]
    assert _sign_up(client, "cat_mia") == 429


def test_another_address_is_not_limited_by_this_one(container: Container) -> None:
    app = create_app(container.settings, container)
    app.state.signup_limiter = SignUpLimiter(MemoryCache(), SignUpLimits(per_client=1))
    with TestClient(app, client=("10.0.0.1", 5000)) as first:
        second = TestClient(app, client=("10.0.0.2", 5000))
        assert [_sign_up(first, "cat_a"), _sign_up(first, "cat_b")] == [200, 429]
        assert _sign_up(second, "cat_c") == 200


def test_the_limit_comes_from_the_settings(client: TestClient) -> None:
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    auth = settings.auth.model_copy(update={"signup_max_per_client": 2})
    client.app.state.container.settings = settings.model_copy(update={"auth": auth})  # type: ignore[attr-defined]
    assert [_sign_up(client, f"cat_{i}") for i in range(3)] == [200, 200, 429]


def test_disabled_limits_never_answer_429(client: TestClient) -> None:
    limiter = SignUpLimiter(MemoryCache(), SignUpLimits(enabled=False))
    client.app.state.signup_limiter = limiter  # type: ignore[attr-defined]
    assert {_sign_up(client, f"cat_{i}") for i in range(8)} == {200}


def test_the_429_is_documented(client: TestClient) -> None:
    responses = client.get("/v0/openapi.json").json()["paths"][SIGN_UP]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert responses["429"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ErrorResponse"
    )
