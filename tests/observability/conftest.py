"""Fixtures of the observability suites: `harness` (shared with the queue suites) opens each
queue adapter (SQLite always, RabbitMQ when reachable) and cleans up after the test;
`json_lines` reads what the root logger writes in JSON mode."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from aianimals.logs import configure_logging
from tests.ports.queue.conftest import harness

__all__ = ["harness", "json_lines"]


@pytest.fixture
def json_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The root logger in JSON mode for the test (then as before); each call returns the
    lines written since the previous one."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("INFO", "json")
    [handler] = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    handler.setStream(buffer)

    def lines() -> list[dict[str, Any]]:
        written = buffer.getvalue().splitlines()
        buffer.seek(0)
        buffer.truncate()
        return [json.loads(line) for line in written]

    yield lines
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
