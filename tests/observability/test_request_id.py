"""Request ids: taken from `X-Request-ID` when acceptable, returned, and in every log line."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aianimals.logs import configure_logging
from aianimals.observability.http import install_observability
from aianimals.observability.jsonlogs import JsonFormatter
from aianimals.observability.requestid import MAX_LENGTH, accept_request_id, current_request_id

logger = logging.getLogger("tests.observability")


def test_acceptable_ids_are_kept_and_others_replaced() -> None:
    assert accept_request_id("req-1.2:3_abc=") == "req-1.2:3_abc="
    for offered in (None, "", "with space", "new\nline", "x" * (MAX_LENGTH + 1), "ラベル"):
        fresh = accept_request_id(offered)
        assert fresh != offered
        assert len(fresh) == 32
        assert all(char in "0123456789abcdef" for char in fresh)


def test_the_api_returns_the_id_it_was_given_or_a_fresh_one(client: TestClient) -> None:
    given = client.get("/v0/no-such-route", headers={"X-Request-ID": "trace-42"})
    assert given.headers["x-request-id"] == "trace-42"
    bad = client.get("/v0/no-such-route", headers={"X-Request-ID": "a b"})
    assert bad.headers["x-request-id"] != "a b"
    first = client.get("/v0/no-such-route").headers["x-request-id"]
    second = client.get("/v0/no-such-route").headers["x-request-id"]
    assert len(first) == 32
    assert first != second


def _tiny_app() -> FastAPI:
    app = FastAPI()
    install_observability(app)

    @app.get("/sync")
    def sync_route() -> dict[str, str | None]:
        logger.info("handled in a thread")
        return {"seen": current_request_id()}

    @app.get("/async")
    async def async_route() -> dict[str, str | None]:
        logger.warning("handled on the loop: %s", "日本語")
        return {"seen": current_request_id()}

    return app


def test_every_log_line_of_a_request_carries_its_id(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    with TestClient(_tiny_app()) as client:
        sync = client.get("/sync", headers={"X-Request-ID": "sync-1"})
        unasked = client.get("/async")
    assert sync.json() == {"seen": "sync-1"}
    assert unasked.json()["seen"] == unasked.headers["x-request-id"]
    mine = {line["message"]: line for line in json_lines() if line["logger"] == logger.name}
    assert mine["handled in a thread"]["request_id"] == "sync-1"
    on_loop = mine["handled on the loop: 日本語"]
    assert on_loop["request_id"] == unasked.headers["x-request-id"]
    assert on_loop["level"] == "WARNING"
    assert on_loop["time"].endswith("+00:00")
    logger.info("outside any request")
    [outside] = json_lines()
    assert outside["request_id"] is None


def test_json_lines_carry_the_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed"
    assert "ValueError: boom" in line["exception"]
    assert "\n" not in JsonFormatter().format(record)


def test_log_format_is_text_unless_the_settings_ask_for_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AIANIMALS_LOG_FORMAT", raising=False)
    configure_logging()
    assert not any(isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers)
    monkeypatch.setenv("AIANIMALS_LOG_FORMAT", "json")
    configure_logging()
    assert any(isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers)
    configure_logging("INFO", "text")
    assert not any(isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers)
