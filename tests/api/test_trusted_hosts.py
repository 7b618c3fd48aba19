"""The API answers only the host names it is configured for (DNS rebinding)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aianimals.settings import Settings


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    assert client.get("/v0/health-check").status_code == 200
    for host in ("127.0.0.1:8000", "localhost"):
        assert client.get("/v0/health-check", headers={"Host": host}).status_code == 200
    refused = client.get("/v0/health-check", headers={"Host": "rebind.example"})
    assert refused.status_code == 400


def test_by_default_only_loopback_names_are_answered() -> None:
    assert Settings().api.allowed_hosts == ["127.0.0.1", "localhost"]
    assert Settings().portal.allowed_hosts == ["127.0.0.1", "localhost"]
