"""Recently verified tokens: a request with a known token skips the store, for seconds only."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import delete

from aianimals.core.clock import utcnow
from aianimals.core.tokens import token_digest
from aianimals.roles.container import Container
from aianimals.users.models import AuthToken, User
from aianimals.users.token_cache import TokenCache
from tests.factories import Factory
from tests.users.test_router import log_in


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_held_token_gives_its_user_in_the_session_without_a_read(
    container: Container, factory: Factory
) -> None:
    user = factory.user("dog_leigh")
    tokens = TokenCache(5)
    tokens.remember("digest", user, utcnow() + timedelta(hours=1))
    with container.database.session() as session:
        held = tokens.user(session, "digest", utcnow())
        assert held is not None
        assert (held.id, held.handle_name) == (user.id, "dog_leigh")
        assert held in session
        assert session.get(User, user.id) is held  # the identity map, not a second copy


def test_a_token_is_forgotten_when_its_entry_expires() -> None:
    clock = Clock()
    tokens = TokenCache(5, clock=clock)
    user = User(id="u1", handle_name="dog_leigh", email_address="d@example.com")
    tokens.remember("digest", user, utcnow() + timedelta(hours=1))
    clock.now = 4.9
    assert tokens.held("digest", utcnow())
    clock.now = 5.1
    assert not tokens.held("digest", utcnow())


def test_a_held_token_past_its_own_expiry_is_not_given() -> None:
    tokens = TokenCache(5)
    user = User(id="u1", handle_name="dog_leigh", email_address="d@example.com")
    tokens.remember("digest", user, utcnow() + timedelta(seconds=1))
    assert not tokens.held("digest", utcnow() + timedelta(seconds=2))


def test_logout_is_refused_at_once_in_the_same_process(
    client: TestClient, factory: Factory
) -> None:
    factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 200
    assert client.post("/v0/user/logout", headers={"token": token}).status_code == 204
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 401


def test_a_token_revoked_elsewhere_is_refused_once_its_entry_expires(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 200
    with container.database.session() as session:  # as another API process would
        session.execute(delete(AuthToken).where(AuthToken.digest == token_digest(token)))
        session.commit()
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 200  # held
    container.tokens.forget(token_digest(token))  # what the entry's expiry does
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 401
