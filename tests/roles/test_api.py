"""The API app as a whole: docs, schema, the front door."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_swagger_and_schema_are_served_under_v0(client: TestClient) -> None:
    assert client.get("/v0/docs").status_code == 200
    schema = client.get("/v0/openapi.json").json()
    assert "/v0/animal" in schema["paths"]


def test_home_sends_people_to_the_api_docs(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/v0/docs"


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/v0/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "http_error"
