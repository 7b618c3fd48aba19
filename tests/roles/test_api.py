"""The API app as a whole: docs, schema, the front door."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_swagger_and_schema_are_served_under_v0(client: TestClient) -> None:
    assert client.get("/v0/docs").status_code == 200
    schema = client.get("/v0/openapi.json").json()
    assert "/v0/animal" in schema["paths"]


def test_home_is_the_web_app_with_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/app/' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/v0/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_large_json_is_compressed_for_clients_that_accept_it(client: TestClient) -> None:
    schema = client.get("/v0/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert schema.headers["content-encoding"] == "gzip"
    plain = client.get("/v0/openapi.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == schema.json()
