"""`POST /v0/user/login` answers 429 with Retry-After after too many failures."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from aianimals.core.passwords import PasswordHasher
from aianimals.ports.cache.memory import MemoryCache
from aianimals.ports.cache.redis import RedisCache
from aianimals.roles.api import create_app
from aianimals.roles.container import Container
from aianimals.security.login_limits import LoginLimiter, LoginLimits
from aianimals.security.windows import counter_storage
from aianimals.settings import CacheSettings
from tests.factories import PASSWORD, Factory

LOGIN = "/v0/user/login"


class Clock:
    """A wall clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(client: TestClient) -> Clock:
    """The login limiter's clock (the limiter is installed on the app with default limits)."""
    clock = Clock()
    client.app.state.login_limiter = LoginLimiter(MemoryCache(), LoginLimits(), clock=clock)  # type: ignore[attr-defined]
    return clock


def _login(client: TestClient, handle: str, password: str) -> int:
    response = client.post(LOGIN, json={"handle_name": handle, "password": password})
    assert response.status_code != 500
    return response.status_code


def test_the_sixth_failure_in_a_row_is_429_with_retry_after(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    factory.user("dog_leigh")
    assert [_login(client, "dog_leigh", "wrong") for _ in range(5)] == [401] * 5
    response = client.post(LOGIN, json={"handle_name": "dog_leigh", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_requests"
    assert "try again in 15 minute" in response.json()["detail"]
    assert int(response.headers["Retry-After"]) == 15 * 60
    clock.now += 15 * 60 + 1
    assert _login(client, "dog_leigh", PASSWORD) == 200


def test_an_unknown_account_is_limited_exactly_like_a_known_one(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    del clock
    factory.user("dog_leigh")
    known = [_login(client, "dog_leigh", "wrong") for _ in range(6)]
    unknown = [_login(client, "ghost_user", "wrong") for _ in range(6)]
    assert known == unknown == [401] * 5 + [429]
    answers = [
        client.post(LOGIN, json={"handle_name": name, "password": "wrong"})
        for name in ("dog_leigh", "ghost_user")
    ]
    assert answers[0].json() == answers[1].json()
    assert answers[0].headers["Retry-After"] == answers[1].headers["Retry-After"]


def test_a_successful_login_resets_the_account_count(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    del clock
    factory.user("dog_leigh")
    for _ in range(2):
        assert [_login(client, "dog_leigh", "wrong") for _ in range(4)] == [401] * 4
        assert _login(client, "dog_leigh", PASSWORD) == 200
    assert _login(client, "dog_leigh", "wrong") == 401


def test_failures_leave_the_window_after_it_has_passed(
    client: TestClient, factory: Factory
) -> None:
    # The counts run on the wall clock (the `limits` library's), so the window is 1 second.
    limits = LoginLimits(window_seconds=1)
    client.app.state.login_limiter = LoginLimiter(MemoryCache(), limits)  # type: ignore[attr-defined]
    factory.user("dog_leigh")
    assert [_login(client, "dog_leigh", "wrong") for _ in range(4)] == [401] * 4
    time.sleep(2.1)  # two windows later: the earlier failures no longer count
    assert [_login(client, "dog_leigh", "wrong") for _ in range(4)] == [401] * 4
    assert _login(client, "dog_leigh", PASSWORD) == 200


def test_one_client_spraying_many_accounts_is_stopped_at_20(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    del clock
    factory.user("dog_leigh")
    answers = [_login(client, f"victim_{i}", "wrong") for i in range(20)]
    assert answers == [401] * 20
    # The client is blocked for every account, its own included.
    assert _login(client, "dog_leigh", PASSWORD) == 429


def test_the_email_identifier_is_limited_too(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    del clock
    factory.user("cat_mia")
    body = {"email_address": "Cat_Mia@example.com", "password": "wrong"}
    answers = [client.post(LOGIN, json=body).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]
    login = {"email_address": "cat_mia@example.com", "password": PASSWORD}
    assert client.post(LOGIN, json=login).status_code == 429


def test_failures_by_handle_and_by_email_count_for_the_one_account(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    del clock
    factory.user("dog_leigh")
    assert [_login(client, "dog_leigh", "wrong") for _ in range(5)] == [401] * 5
    by_email = {"email_address": "dog_leigh@example.com", "password": "wrong"}
    assert client.post(LOGIN, json=by_email).status_code == 429
    by_email["password"] = PASSWORD
    assert client.post(LOGIN, json=by_email).status_code == 429


def test_every_spelling_of_an_account_counts_for_it(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    del clock
    factory.user("dog_leigh")
    spellings = [
        {"handle_name": "dog_leigh"},
        {"handle_name": "DOG_LEIGH"},
        {"handle_name": "ｄｏｇ_ｌｅｉｇｈ"},
        {"email_address": "dog_leigh@example.com"},
        {"email_address": "Dog_Leigh@EXAMPLE.com"},
    ]
    answers = [client.post(LOGIN, json={**s, "password": "wrong"}) for s in spellings]
    assert [answer.status_code for answer in answers] == [401] * 5
    assert _login(client, "Dog_Leigh", PASSWORD) == 429


def test_an_unknown_account_is_counted_by_its_folded_identifier(
    client: TestClient, clock: Clock
) -> None:
    del clock
    answers = [_login(client, name, "wrong") for name in ("ghost", "GHOST", "Ghost") * 2]
    assert answers == [401] * 5 + [429]
    # Another identifier that names no account either has a count of its own.
    email = {"email_address": "ghost@example.com", "password": "wrong"}
    assert client.post(LOGIN, json=email).status_code == 401


class GatheringHasher(PasswordHasher):
    """Holds each password check until `parties` of them are in progress at once (5 s at
    most), so that every login of a burst has passed the limiter before any finishes."""

    def __init__(self, hasher: PasswordHasher, parties: int) -> None:
        super().__init__(hasher.policy)
        self.barrier = threading.Barrier(parties)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=5)
        return super().verify(stored_hash, password)


@pytest.mark.committed  # 8 request threads at once: one connection cannot serve them
def test_simultaneous_correct_logins_are_never_refused(
    container: Container, factory: Factory
) -> None:
    """8 logins of one account from one address, all in their password check together."""
    factory.user("dog_leigh")
    gathering = Container(
        settings=container.settings,
        database=container.database,
        blobs=container.blobs,
        hasher=GatheringHasher(container.hasher, parties=8),
    )
    body = {"handle_name": "dog_leigh", "password": PASSWORD}
    with (
        TestClient(create_app(gathering.settings, gathering)) as client,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        answers = list(pool.map(lambda _: client.post(LOGIN, json=body).status_code, range(8)))
    assert answers == [200] * 8


def test_correct_logins_leave_the_failure_allowance_whole(
    client: TestClient, factory: Factory, clock: Clock
) -> None:
    del clock
    factory.user("dog_leigh")
    assert {_login(client, "dog_leigh", PASSWORD) for _ in range(12)} == {200}
    assert [_login(client, "dog_leigh", "wrong") for _ in range(5)] == [401] * 5
    assert _login(client, "dog_leigh", PASSWORD) == 429


def test_the_limits_come_from_the_settings(client: TestClient, factory: Factory) -> None:
    factory.user("dog_leigh")
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    auth = settings.auth.model_copy(update={"login_max_failures_per_client_account": 2})
    client.app.state.container.settings = settings.model_copy(update={"auth": auth})  # type: ignore[attr-defined]
    assert [_login(client, "dog_leigh", "wrong") for _ in range(3)] == [401, 401, 429]


def test_disabled_limits_never_answer_429(client: TestClient, factory: Factory) -> None:
    factory.user("dog_leigh")
    limiter = LoginLimiter(MemoryCache(), LoginLimits(enabled=False))
    client.app.state.login_limiter = limiter  # type: ignore[attr-defined]
    assert {_login(client, "dog_leigh", "wrong") for _ in range(8)} == {401}


def test_an_unreachable_redis_fails_open_with_a_warning(
    client: TestClient, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    factory.user("dog_leigh")
    unreachable = RedisCache("redis://127.0.0.1:1/0", "test:", connect_timeout=0.05)
    counts = counter_storage(CacheSettings(kind="redis", url="redis://127.0.0.1:1/0"))
    client.app.state.login_limiter = LoginLimiter(unreachable, storage=counts)  # type: ignore[attr-defined]
    with caplog.at_level(logging.WARNING):
        assert [_login(client, "dog_leigh", "wrong") for _ in range(7)] == [401] * 7
        assert _login(client, "dog_leigh", PASSWORD) == 200
    assert "login rate limiting is off" in caplog.text


def test_the_429_is_documented(client: TestClient) -> None:
    responses = client.get("/v0/openapi.json").json()["paths"][LOGIN]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert responses["429"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ErrorResponse"
    )
