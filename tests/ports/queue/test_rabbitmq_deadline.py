"""A RabbitMQ operation the broker does not answer ends in the operation timeout, and the
next call reconnects (against the real broker, behind a proxy that can stop all bytes)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from aianimals.ports.queue.base import QueueUnavailable
from aianimals.ports.queue.rabbitmq import RabbitQueue
from aianimals.settings import QueueSettings
from tests.ports.queue.conftest import (
    RABBITMQ_URL,
    Harness,
    _delete_rabbitmq_objects,
    _require_rabbitmq,
    event,
)
from tests.ports.queue.freezing_proxy import FreezingProxy, freezing_proxy
from tests.ports.queue.test_contract import keys, receive_n

TIMEOUT = 0.5


@pytest.fixture
def proxy() -> Iterator[FreezingProxy]:
    _require_rabbitmq()
    parts = urlsplit(RABBITMQ_URL)
    with freezing_proxy((parts.hostname or "127.0.0.1", parts.port or 5672)) as running:
        yield running


@pytest.fixture
def harness(proxy: FreezingProxy, tmp_path: Path) -> Iterator[Harness]:
    parts = urlsplit(RABBITMQ_URL)
    netloc = parts.netloc.rsplit("@", 1)[0] + f"@127.0.0.1:{proxy.port}"
    settings = QueueSettings(
        kind="rabbitmq",
        path=tmp_path / "queue.db",
        url=urlunsplit(parts._replace(netloc=netloc)),
        exchange=f"test.events.{uuid.uuid4().hex[:10]}",
        operation_timeout_seconds=TIMEOUT,
    )
    harness = Harness(kind="rabbitmq", settings=settings)
    yield harness
    harness.close_all()
    _delete_rabbitmq_objects(harness, [])


def declared(harness: Harness, label: str) -> tuple[RabbitQueue, str]:
    """An adapter that gives up after one attempt, and a queue declared through it."""
    queue = RabbitQueue(harness.settings, reconnect_attempts=1)
    harness.opened.append(queue)
    name = harness.name(label)
    queue.declare(name, ["thing.happened"])
    return queue, name


def test_publish_unanswered_by_the_broker_fails_within_the_timeout(
    harness: Harness, proxy: FreezingProxy
) -> None:
    queue, _ = declared(harness, "deadline")
    proxy.freeze()
    started = time.monotonic()
    with pytest.raises(QueueUnavailable, match="did not answer"):
        queue.publish(event(1))
    assert time.monotonic() - started < TIMEOUT + 2.0


def test_the_call_after_a_timeout_reconnects_and_is_delivered(
    harness: Harness, proxy: FreezingProxy
) -> None:
    queue, name = declared(harness, "deadline-after")
    proxy.freeze()
    with pytest.raises(QueueUnavailable):
        queue.publish(event(1))
    proxy.thaw()
    queue.publish(event(2))
    assert "thing.happened:2" in keys(receive_n(queue, name, 2, timeout=2.0))


def test_receive_may_wait_its_own_time_on_top_of_the_timeout(harness: Harness) -> None:
    queue, name = declared(harness, "deadline-wait")
    started = time.monotonic()
    assert queue.receive(name, max_messages=1, wait_seconds=TIMEOUT * 3) == []
    assert time.monotonic() - started >= TIMEOUT * 3 - 0.05
