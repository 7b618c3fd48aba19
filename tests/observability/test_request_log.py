"""Request log lines: problems by default (4xx/5xx, slow), every request on demand, never
a forged line, always with the request's id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from aianimals.observability.http import NO_REQUEST_LOG, RequestLog, install_observability
from aianimals.roles.api import request_log
from aianimals.settings import ApiSettings

REQUEST_LOGGER = "aianimals.observability.http"


@pytest.fixture
def request_lines(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> Callable[[], list[dict[str, Any]]]:
    """The JSON lines the request logger wrote since the last call."""
    return lambda: [line for line in json_lines() if line["logger"] == REQUEST_LOGGER]


def _app(log: RequestLog) -> FastAPI:
    app = FastAPI()
    install_observability(app, log)

    @app.get("/fine/{name}")
    async def fine(name: str) -> dict[str, str]:
        return {"name": name}

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(status_code=404, detail="nothing here")

    return app


def test_by_default_only_failed_requests_get_a_line_with_their_id(
    request_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    with TestClient(_app(request_log(ApiSettings()))) as client:
        assert client.get("/fine/a").status_code == 200
        missing = client.get("/missing", headers={"X-Request-ID": "trace-404"})
    [line] = request_lines()
    assert line["request_id"] == "trace-404" == missing.headers["x-request-id"]
    assert line["message"].startswith("GET '/missing' (/missing) answered 404 in ")
    assert line["message"].endswith(" ms")


def test_every_request_gets_a_line_when_asked(
    request_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    with TestClient(_app(request_log(ApiSettings(request_log="all")))) as client:
        client.get("/fine/a")
        client.get("/missing")
    messages = [line["message"] for line in request_lines()]
    assert [message.split(" answered ")[0] for message in messages] == [
        "GET '/fine/a' (/fine/{name})",
        "GET '/missing' (/missing)",
    ]


def test_slow_requests_get_a_line_and_off_means_none(
    request_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    everything_slow = RequestLog(every=False, errors=False, slow_seconds=0.0)
    with TestClient(_app(everything_slow)) as client:
        client.get("/fine/a")
    assert [line["message"].split(" answered ")[1][:3] for line in request_lines()] == ["200"]
    with TestClient(_app(request_log(ApiSettings(request_log="off")))) as client:
        client.get("/missing")
    assert request_lines() == []
    assert request_log(ApiSettings(request_log="off")) == NO_REQUEST_LOG


def test_a_path_cannot_forge_a_line(request_lines: Callable[[], list[dict[str, Any]]]) -> None:
    with TestClient(_app(request_log(ApiSettings()))) as client:
        client.get("/nowhere%0Afake%20line")
    [line] = request_lines()
    assert "\n" not in line["message"]
    assert line["message"].startswith("GET '/nowhere\\nfake line' (<unmatched>) answered 404")
