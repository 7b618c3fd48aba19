"""The SIGKILL drill, on every adapter: a worker killed mid-batch loses nothing, and its
restart applies every event exactly once in effect; a malformed message is dead-lettered
without holding up the ones behind it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from aianimals.ports.queue.base import Queue
from aianimals.ports.sql.outbox_models import ProcessedEvent
from aianimals.roles.container import Container
from tests.ports.queue.conftest import LEASE_SECONDS, Garbage, Harness, event
from tests.ports.queue.drill_worker import CONSUMER, EFFECTS, EVENT_TYPE

N = 200
WORKER = Path(__file__).with_name("drill_worker.py")

# The worker is a process of its own: it must see the committed rows, and it commits its own.
pytestmark = pytest.mark.committed


@pytest.fixture
def effects(container: Container) -> Iterator[Engine]:
    """The drill's effect table in the test database (no unique key: duplicates would show)."""
    engine = container.database.engine
    EFFECTS.create(engine, checkfirst=True)
    yield engine
    EFFECTS.drop(engine)


def effect_keys(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(EFFECTS.c.dedupe_key)))


def handler_calls(calls_log: Path) -> list[str]:
    return calls_log.read_text(encoding="utf-8").split() if calls_log.exists() else []


def wait_until(done: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def start_worker(config: dict[str, Any]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(WORKER), json.dumps(config)])


def publish_drill_events(queue: Queue, name: str) -> None:
    """N events, with a malformed message and a re-published event in the middle."""
    queue.declare(name, [EVENT_TYPE])
    for number in range(N):
        if number == N // 2:
            queue.publish(Garbage(type=EVENT_TYPE, payload={}, dedupe_key="garbage"))
            queue.publish(event(3, EVENT_TYPE))  # a relay may publish an event twice
        queue.publish(event(number, EVENT_TYPE))


def kill_restart_and_drain(
    config: dict[str, Any], effects: Engine, queue: Queue, name: str, calls_log: Path
) -> None:
    """SIGKILL the worker mid-batch, start another, stop it (SIGTERM) once all is done."""
    worker = start_worker(config)
    try:
        wait_until(lambda: len(effect_keys(effects)) >= N // 4, 30, "the first effects")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        assert len(effect_keys(effects)) < N, "the kill came too late to test anything"

        worker = start_worker(config)
        wait_until(
            lambda: (
                len(effect_keys(effects)) >= N
                and handler_calls(calls_log).count(f"{EVENT_TYPE}:3") >= 2
                and bool(queue.dead_letters(name))
            ),
            40,
            "the restarted worker to drain the queue",
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    finally:
        worker.kill()


def test_sigkilled_worker_loses_nothing_and_applies_each_event_once(
    harness: Harness, container: Container, effects: Engine, tmp_path: Path
) -> None:
    queue, name = harness.open(), harness.name("drill")
    publish_drill_events(queue, name)
    calls_log = tmp_path / "calls.log"
    config = {
        "queue": harness.settings.model_dump(mode="json"),
        "queue_name": name,
        "lease_seconds": LEASE_SECONDS,
        "database_url": container.settings.database.url,
        "calls_log": str(calls_log),
        "handler_sleep": 0.005,
    }

    kill_restart_and_drain(config, effects, queue, name, calls_log)

    expected = sorted(f"{EVENT_TYPE}:{number}" for number in range(N))
    keys = effect_keys(effects)
    assert [key for key, count in Counter(keys).items() if count > 1] == []
    assert sorted(keys) == expected
    with container.database.session() as session:
        claimed = session.scalar(select(func.count()).where(ProcessedEvent.consumer == CONSUMER))
    assert claimed == N
    calls = handler_calls(calls_log)
    assert set(calls) == set(expected)
    assert len(calls) > N  # the re-published event, at least, was handled twice
    [letter] = queue.dead_letters(name)
    assert letter.body == Garbage(type=EVENT_TYPE, payload={}, dedupe_key="x").body
    assert letter.reason.startswith("malformed message")
    harness.close_all()
    assert harness.open().receive(name, max_messages=10, wait_seconds=LEASE_SECONDS + 0.3) == []
