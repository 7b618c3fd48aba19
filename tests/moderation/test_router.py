"""Listing violation types over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, Factory


def _auth(client: TestClient, factory: Factory) -> dict[str, str]:
    user = factory.user()
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def test_violation_types_are_listed_with_id_and_name(client: TestClient, factory: Factory) -> None:
    types = factory.violation_types()
    response = client.get("/v0/violation/type", headers=_auth(client, factory))
    assert response.status_code == 200
    assert sorted(response.json(), key=lambda row: row["name"]) == sorted(
        ({"id": row.id, "name": row.name} for row in types), key=lambda row: row["name"]
    )


def test_violation_types_filter_by_id_and_name(client: TestClient, factory: Factory) -> None:
    types = factory.violation_types()
    headers = _auth(client, factory)
    by_id = client.get("/v0/violation/type", params={"id": types[1].id}, headers=headers)
    assert by_id.json() == [{"id": types[1].id, "name": "no_animal_violation"}]
    by_name = client.get(
        "/v0/violation/type", params={"name": "copyright_violation"}, headers=headers
    )
    assert [row["name"] for row in by_name.json()] == ["copyright_violation"]
    assert client.get("/v0/violation/type", params={"name": "x"}, headers=headers).json() == []


def test_violation_types_without_token_are_401(client: TestClient) -> None:
    response = client.get("/v0/violation/type")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
