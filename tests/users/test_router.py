"""Login, sign-up and token handling over HTTP."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from aianimals.core.tokens import token_digest
from aianimals.roles.container import Container
from aianimals.users.models import AuthToken
from tests.factories import PASSWORD, Factory


def log_in(client: TestClient, handle_name: str) -> str:
    response = client.post(
        "/v0/user/login", json={"handle_name": handle_name, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def test_login_by_handle_name_returns_user_id_and_token(
    client: TestClient, factory: Factory
) -> None:
    user = factory.user("dog_leigh")
    response = client.post(
        "/v0/user/login", json={"handle_name": "dog_leigh", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["user_id"] == user.id
    assert len(response.json()["token"]) >= 32


def test_login_by_email_address_works(client: TestClient, factory: Factory) -> None:
    user = factory.user("cat_mia")
    response = client.post(
        "/v0/user/login", json={"email_address": "cat_mia@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["user_id"] == user.id


def test_login_with_wrong_password_is_401_with_a_message(
    client: TestClient, factory: Factory
) -> None:
    factory.user("dog_leigh")
    response = client.post("/v0/user/login", json={"handle_name": "dog_leigh", "password": "nope"})
    assert response.status_code == 401
    assert "password" in response.json()["detail"]


def test_login_of_unknown_user_is_401(client: TestClient) -> None:
    response = client.post("/v0/user/login", json={"handle_name": "ghost", "password": "x"})
    assert response.status_code == 401


def test_login_without_identifier_is_422(client: TestClient) -> None:
    response = client.post("/v0/user/login", json={"password": "x"})
    assert response.status_code == 422
    assert "handle_name" in response.json()["detail"]


def test_login_of_deactivated_user_is_401(client: TestClient, factory: Factory) -> None:
    factory.user("gone_user", deactivated=True)
    response = client.post(
        "/v0/user/login", json={"handle_name": "gone_user", "password": PASSWORD}
    )
    assert response.status_code == 401


def test_token_works_in_both_headers(client: TestClient, factory: Factory) -> None:
    user = factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    assert client.get("/v0/user/me", headers={"token": token}).json()["id"] == user.id
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/v0/user/me", headers=bearer).json()["id"] == user.id


def test_missing_or_unknown_token_is_401(client: TestClient) -> None:
    assert client.get("/v0/user/me").status_code == 401
    assert client.get("/v0/user/me", headers={"token": "forged"}).status_code == 401


def test_expired_token_is_401(client: TestClient, factory: Factory, container: Container) -> None:
    factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    with container.database.session() as session:
        row = session.get(AuthToken, token_digest(token))
        assert row is not None
        row.expires_at = row.created_at - timedelta(seconds=1)
        session.commit()
    response = client.get("/v0/user/me", headers={"token": token})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_logout_revokes_the_token(client: TestClient, factory: Factory) -> None:
    factory.user("dog_leigh")
    token = log_in(client, "dog_leigh")
    assert client.post("/v0/user/logout", headers={"token": token}).status_code == 204
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 401


def test_sign_up_then_log_in(client: TestClient) -> None:
    body = {
        "handle_name": "new_cat",
        "email_address": "new@example.com",
        "password": "long-password",
    }
    response = client.post("/v0/user", json=body)
    assert response.status_code == 200
    assert "password" not in response.text
    login = {"handle_name": "new_cat", "password": "long-password"}
    assert client.post("/v0/user/login", json=login).status_code == 200


def test_sign_up_with_taken_handle_is_409(client: TestClient, factory: Factory) -> None:
    factory.user("dog_leigh")
    body = {
        "handle_name": "dog_leigh",
        "email_address": "x@example.com",
        "password": "long-password",
    }
    response = client.post("/v0/user", json=body)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    [problem] = response.json()["errors"]
    assert (problem["loc"], problem["type"]) == (["body", "handle_name"], "taken")


def test_sign_up_stores_only_a_hash(client: TestClient, container: Container) -> None:
    body = {
        "handle_name": "new_cat",
        "email_address": "new@example.com",
        "password": "long-password",
    }
    user_id = client.post("/v0/user", json=body).json()["id"]
    with container.database.session() as session:
        from aianimals.users.models import User

        user = session.get(User, user_id)
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert "long-password" not in user.password_hash


def test_bad_json_is_422_not_500(client: TestClient) -> None:
    response = client.post(
        "/v0/user/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_a_login_identifier_with_a_nul_is_refused_not_sent_to_the_store(
    client: TestClient,
) -> None:
    for body in ({"email_address": "\u0000"}, {"handle_name": "dog\u0000leigh"}):
        response = client.post("/v0/user/login", json={**body, "password": "x"})
        assert response.status_code == 422, response.text
