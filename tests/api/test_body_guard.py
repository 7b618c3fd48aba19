"""Request bodies are capped and authenticated before they are read."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from aianimals.api.body_guard import UPLOAD_ROUTES, token_routes
from aianimals.roles.api import create_app
from aianimals.roles.container import Container
from tests.factories import PASSWORD, Factory

MiB = 1024 * 1024


@dataclass
class Sent:
    """What a raw ASGI call read from the client and answered."""

    chunks_read: int = 0
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> dict[str, object]:
        return dict(json.loads(self.body))


@pytest.fixture
def app(container: Container) -> FastAPI:
    app = create_app(container.settings, container)
    app.state.container = container
    return app


def _call(
    app: FastAPI,
    method: str,
    path: str,
    headers: dict[str, str],
    chunks: Iterator[bytes],
) -> Sent:
    """Send a request whose body comes from `chunks`, counting how many were read."""
    sent = Sent()

    async def receive() -> Message:
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent.chunks_read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            sent.status = message["status"]
            sent.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            sent.body += message.get("body", b"")

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"127.0.0.1")],
    }
    asyncio.run(app(scope, receive, send))
    return sent


def _zeros(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    for _ in range(total // size):
        yield b"0" * size


def _token(client: TestClient, handle: str) -> str:
    body = {"handle_name": handle, "password": PASSWORD}
    return str(client.post("/v0/user/login", json=body).json()["token"])


def test_a_declared_oversized_json_body_is_a_413_before_a_byte_is_read(app: FastAPI) -> None:
    headers = {"content-type": "application/json", "content-length": str(200 * MiB)}
    sent = _call(app, "POST", "/v0/user/login", headers, _zeros(200 * MiB))
    assert (sent.status, sent.json()["code"]) == (413, "payload_too_large")
    assert sent.chunks_read == 0
    assert sent.headers["connection"] == "close"


def test_a_declared_oversized_upload_is_a_413_before_a_byte_is_read(app: FastAPI) -> None:
    headers = {"content-type": "multipart/form-data; boundary=x", "content-length": str(12 * MiB)}
    sent = _call(app, "POST", "/v0/animal", headers, _zeros(12 * MiB))
    assert (sent.status, sent.chunks_read) == (413, 0)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/v0/like", "application/json"), ("/v0/animal", "multipart/form-data; boundary=x")],
)
def test_a_body_without_a_valid_token_is_a_401_before_a_byte_is_read(
    app: FastAPI, path: str, content_type: str
) -> None:
    for token in ({}, {"token": "made-up"}, {"authorization": "Bearer made-up"}):
        headers = {"content-type": content_type, "content-length": str(8 * 1024), **token}
        sent = _call(app, "POST", path, headers, _zeros(8 * 1024, 1024))
        assert (sent.status, sent.json()["code"]) == (401, "unauthorized")
        assert sent.chunks_read == 0


def test_a_streamed_body_is_cut_off_at_the_cap(
    app: FastAPI, client: TestClient, factory: Factory
) -> None:
    factory.user("streamer")
    headers = {
        "content-type": "application/json",
        "transfer-encoding": "chunked",
        "token": _token(client, "streamer"),
    }
    sent = _call(app, "POST", "/v0/like", headers, _zeros(200 * MiB, 4096))
    assert (sent.status, sent.json()["code"]) == (413, "payload_too_large")
    assert sent.chunks_read <= 64 * 1024 // 4096 + 1


def test_three_hundred_thousand_keys_are_refused_by_size(client: TestClient) -> None:
    body = {"handle_name": "dog_leigh", "password": "x"} | {f"k{i}": 1 for i in range(300_000)}
    response = client.post("/v0/user/login", json=body)
    assert response.status_code == 413
    assert len(response.content) < 200


def test_a_422_lists_a_handful_of_problems(client: TestClient) -> None:
    body = {"handle_name": "dog_leigh", "password": "x"} | {f"k{i}": 1 for i in range(1000)}
    response = client.post("/v0/user/login", json=body)
    assert response.status_code == 422
    answer = response.json()
    assert len(answer["errors"]) == 10
    assert "(and 990 more problems)" in answer["detail"]


def test_every_body_route_but_login_and_sign_up_needs_a_token(app: FastAPI) -> None:
    needing = token_routes(app)
    with_body = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert with_body - needing == {("POST", "/v0/user/login"), ("POST", "/v0/user")}
    multipart = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    }
    assert multipart == UPLOAD_ROUTES
