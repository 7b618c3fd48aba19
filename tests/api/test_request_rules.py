"""Rules every request meets, whatever its route: single query values, no control characters."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, Factory


def _token(client: TestClient, handle: str) -> str:
    body = {"handle_name": handle, "password": PASSWORD}
    return str(client.post("/v0/user/login", json=body).json()["token"])


def test_a_repeated_query_parameter_is_refused_not_its_last_copy_taken(
    client: TestClient, factory: Factory
) -> None:
    factory.user("repeater")
    headers = {"token": _token(client, "repeater")}
    response = client.get("/v0/violation/type?name=a&name=b", headers=headers)
    assert response.status_code == 422
    assert "name" in response.json()["detail"]
    assert client.get("/v0/violation/type?name=a&other=1&other=2", headers=headers).is_success


def test_a_control_character_is_refused_even_where_whitespace_is_stripped(
    client: TestClient, factory: Factory
) -> None:
    factory.user("stripper")
    headers = {"token": _token(client, "stripper")}
    body = {"animal_category_name_ja": "ネコ\u000b"}
    response = client.post("/v0/animal/search", json=body, headers=headers)
    assert response.status_code == 422
    assert client.post("/v0/animal/search", json={"phrases": [" 猫 "]}, headers=headers).is_success


def test_a_405_outside_the_schema_keeps_the_routers_allow_list(client: TestClient) -> None:
    response = client.post("/media/animals/0.jpg")
    assert response.status_code == 405
    assert response.headers["allow"]


def test_a_malformed_authorization_header_is_refused_beside_a_valid_token(
    client: TestClient, factory: Factory
) -> None:
    factory.user("twoheaders")
    token = _token(client, "twoheaders")
    assert client.get("/v0/user/me", headers={"token": token}).status_code == 200
    both = {"token": token, "Authorization": "Basic abc"}
    assert client.get("/v0/user/me", headers=both).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/v0/user/me", headers=bearer).status_code == 200
