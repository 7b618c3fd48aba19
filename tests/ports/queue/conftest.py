"""Queue adapters for the contract, consumer and drill tests: the embedded SQLite queue
always, and RabbitMQ (AIANIMALS_TEST_RABBITMQ_URL, default the local broker) when it is
reachable. An unreachable broker fails the RabbitMQ cases when CI is set, and skips them
with the reason otherwise.

Every RabbitMQ run uses its own exchange and queue names and deletes them afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from aianimals.core.events import Event
from aianimals.ports.queue.base import Queue
from aianimals.ports.queue.consumer import backoff_seconds
from aianimals.ports.queue.sqlite import SqliteQueue
from aianimals.settings import QueueSettings

RABBITMQ_URL = os.environ.get("AIANIMALS_TEST_RABBITMQ_URL", QueueSettings().url)
KINDS = ["sqlite", "rabbitmq"]
LEASE_SECONDS = 0.5
"""The SQLite queue's lease in tests: unacked messages come back this quickly."""


@dataclass(frozen=True)
class Garbage(Event):
    """An event whose body is not an event: how a test puts a malformed message in a queue."""

    body: bytes = b"\xff{not json"

    def to_json(self) -> bytes:
        return self.body


def event(number: int, event_type: str = "thing.happened") -> Event:
    """A small event with a dedupe key naming `number`."""
    return Event(type=event_type, payload={"n": number}, dedupe_key=f"{event_type}:{number}")


@dataclass
class Harness:
    """Opens adapters of one kind over one store, and cleans up after the test."""

    kind: str
    settings: QueueSettings
    opened: list[Any] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def name(self, label: str) -> str:
        """A queue name unique to this run."""
        queue_name = f"test-{label}-{uuid.uuid4().hex[:10]}"
        self.names.append(queue_name)
        return queue_name

    def open(self) -> Queue:
        """A new adapter over the same store (as a restarted process would open it)."""
        adapter: Any
        if self.kind == "sqlite":
            adapter = SqliteQueue(self.settings.path, lease_seconds=LEASE_SECONDS)
        else:
            from aianimals.ports.queue.rabbitmq import RabbitQueue

            adapter = RabbitQueue(self.settings)
        self.opened.append(adapter)
        queue: Queue = adapter
        return queue

    def close_all(self) -> None:
        for adapter in self.opened:
            adapter.close()
        self.opened.clear()


def _require_rabbitmq() -> None:
    import pika
    from pika.exceptions import AMQPError

    parameters = pika.URLParameters(RABBITMQ_URL)
    parameters.socket_timeout = 2
    parameters.connection_attempts = 1
    try:
        pika.BlockingConnection(parameters).close()
    except (AMQPError, OSError) as error:
        message = f"RabbitMQ not reachable at {parameters.host}:{parameters.port} ({error!r})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it", pytrace=False)
        pytest.skip(message)


def _delete_rabbitmq_objects(harness: Harness, retry_delays: list[float]) -> None:
    import pika

    from aianimals.ports.queue.rabbitmq import dead_queue_name, retry_queue_name

    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    channel = connection.channel()
    for queue_name in harness.names:
        channel.queue_delete(queue_name)
        channel.queue_delete(dead_queue_name(queue_name))
        for delay in retry_delays:
            channel.queue_delete(retry_queue_name(queue_name, delay))
    channel.exchange_delete(harness.settings.exchange)
    channel.exchange_delete(f"{harness.settings.exchange}.dead")
    connection.close()


@pytest.fixture(params=KINDS)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    """Adapters of each kind, over a store of this test's own."""
    kind: str = request.param
    if kind == "rabbitmq":
        _require_rabbitmq()
    settings = QueueSettings(
        kind="rabbitmq" if kind == "rabbitmq" else "sqlite",
        path=tmp_path / "queue.db",
        url=RABBITMQ_URL,
        exchange=f"test.events.{uuid.uuid4().hex[:10]}",
        prefetch=16,
        max_attempts=3,
        retry_base_seconds=0.1,
        retry_max_seconds=0.4,
    )  # retries wait 0.1, 0.2, then 0.4 s: their delay queues are deleted afterwards
    harness = Harness(kind=kind, settings=settings)
    yield harness
    harness.close_all()
    if kind == "rabbitmq":
        delays = [backoff_seconds(n, settings) for n in range(1, settings.max_attempts + 1)]
        _delete_rabbitmq_objects(harness, delays)
