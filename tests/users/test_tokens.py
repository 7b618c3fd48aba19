"""Access tokens: expiry, revocation on logout, and what a stolen table would give away."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from aianimals.core.clock import utcnow
from aianimals.core.tokens import token_digest
from aianimals.roles.container import Container
from aianimals.users.models import AuthToken, User
from tests.factories import Factory
from tests.users.test_router import log_in


def _expire(container: Container, token: str) -> None:
    with container.database.session() as session:
        row = session.get(AuthToken, token_digest(token))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.commit()


def test_logout_revokes_only_that_token(client: TestClient, factory: Factory) -> None:
    factory.user("dog_leigh")
    phone, laptop = log_in(client, "dog_leigh"), log_in(client, "dog_leigh")
    assert client.post("/v0/user/logout", headers={"token": phone}).status_code == 204
    assert client.get("/v0/user/me", headers={"token": phone}).status_code == 401
    assert client.get("/v0/user/me", headers={"token": laptop}).status_code == 200


def test_a_revoked_token_cannot_log_out_again(client: TestClient, factory: Factory) -> None:
    factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    assert client.post("/v0/user/logout", headers={"token": token}).status_code == 204
    assert client.post("/v0/user/logout", headers={"token": token}).status_code == 401


def test_an_expired_token_is_401_everywhere(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    _expire(container, token)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/v0/user/me", headers=bearer).status_code == 401
    assert client.post("/v0/user/logout", headers={"token": token}).status_code == 401


def test_tokens_expire_after_the_configured_lifetime(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.user("dog_leigh")
    before = utcnow()
    response = client.post(
        "/v0/user/login", json={"handle_name": "dog_leigh", "password": "password"}
    )
    ttl = timedelta(seconds=container.settings.auth.token_ttl_seconds)
    with container.database.session() as session:
        row = session.get(AuthToken, token_digest(response.json()["token"]))
        assert row is not None
        assert before + ttl <= row.expires_at <= utcnow() + ttl


def test_a_deactivated_users_tokens_stop_working(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user = factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    with container.database.session() as session:
        session.execute(update(User).where(User.id == user.id).values(deactivated=True))
        session.commit()
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 401


def test_login_drops_the_users_expired_tokens_and_stores_only_digests(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.user("dog_leigh")
    old = log_in(client, "dog_leigh")
    _expire(container, old)
    new = log_in(client, "dog_leigh")
    with container.database.session() as session:
        digests = set(session.scalars(select(AuthToken.digest)))
    assert digests == {token_digest(new)}
    assert new not in digests
