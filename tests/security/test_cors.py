"""CORS is off unless origins are configured.

(Uploads over `uploads.max_bytes` / `max_pixels` answering 413 are tested in
tests/animals/test_post.py.)
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from aianimals.security.cors import install_cors
from aianimals.settings import ApiSettings

ORIGIN = "https://pets.example"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


def test_the_api_sends_no_cors_headers_by_default(client: TestClient) -> None:
    assert ApiSettings().cors_origins == []
    preflight = client.options("/v0/user/login", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/v0/user/me", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in simple.headers


def _app(origins: list[str]) -> tuple[FastAPI, bool]:
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    return app, install_cors(app, ApiSettings(cors_origins=origins))


def test_install_cors_does_nothing_without_origins() -> None:
    app, installed = _app([])
    assert not installed
    response = TestClient(app).get("/ping", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


def test_install_cors_admits_only_the_listed_origins_without_credentials() -> None:
    app, installed = _app([ORIGIN + "/"])
    assert installed
    client = TestClient(app)
    allowed = client.get("/ping", headers={"Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-credentials" not in allowed.headers
    other = client.get("/ping", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
