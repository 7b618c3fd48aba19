"""Queue depth and the age of the oldest message, read from the queue when scraped.

What each adapter can tell:

* SQLite: every message of the queue (ready, leased or waiting for a retry) and the age of
  the oldest one since it was first published (`SqliteQueue.depth`);
* RabbitMQ: the messages ready for delivery (passive `queue_declare`; not those delivered
  and unacked, nor those parked in a retry queue), and no age: the gauge is left out.

A probe has a connection of its own: scrapes run on another thread than the consumers, and
pika's connections are not thread-safe. A queue that cannot be read is left out of that
scrape (and logged).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from aianimals.observability.metrics import QUEUE_MESSAGES, QUEUE_OLDEST_AGE, register_live
from aianimals.ports.queue.sqlite import SqliteQueue
from aianimals.settings import QueueSettings

if TYPE_CHECKING:
    from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection

logger = logging.getLogger(__name__)

PROBE_SOCKET_TIMEOUT = 2.0
"""Seconds a RabbitMQ probe waits on the broker: a scrape must not hang on it."""


class QueueProbe(Protocol):
    """Reads how many messages a queue holds and how old the oldest is (None: unknown)."""

    def depth(self, queue: str) -> tuple[int, float | None]: ...

    def close(self) -> None: ...


class RabbitDepth:
    """Ready messages per queue, by passive declare on a connection of its own."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.Lock()
        self._connection: BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def depth(self, queue: str) -> tuple[int, float | None]:
        """(ready messages, None); one reconnect when the connection was lost."""
        from pika.exceptions import AMQPError

        with self._lock:
            for attempt in (1, 2):
                try:
                    declared = self._open().queue_declare(queue, passive=True)
                except AMQPError:
                    self._drop()
                    if attempt == 2:
                        raise
                else:
                    return declared.method.message_count, None
        raise AssertionError("unreachable")

    def _open(self) -> BlockingChannel:
        import pika

        if self._channel is not None and self._channel.is_open:
            return self._channel
        self._drop()
        parameters = pika.URLParameters(self._url)
        parameters.socket_timeout = PROBE_SOCKET_TIMEOUT
        parameters.connection_attempts = 1
        self._connection = pika.BlockingConnection(parameters)
        self._channel = self._connection.channel()
        return self._channel

    def _drop(self) -> None:
        from pika.exceptions import AMQPError

        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except AMQPError:
                logger.debug("closing the queue probe's connection failed", exc_info=True)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._drop()


class QueueDepths(Collector):
    """Collects `aianimals_queue_messages` and `aianimals_queue_oldest_message_age_seconds`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: list[tuple[QueueProbe, tuple[str, ...]]] = []

    def watch(self, probe: QueueProbe, queues: Sequence[str]) -> Callable[[], None]:
        """Read `queues` through `probe` at each scrape; returns what stops it (and closes
        the probe)."""
        entry = (probe, tuple(queues))
        with self._lock:
            self._watched.append(entry)

        def unwatch() -> None:
            with self._lock:
                if entry in self._watched:
                    self._watched.remove(entry)
            probe.close()

        return unwatch

    def collect(self) -> Iterator[Metric]:
        messages = GaugeMetricFamily(
            QUEUE_MESSAGES.name,
            "Messages in a consumer queue (SQLite: all; RabbitMQ: ready ones)",
            labels=list(QUEUE_MESSAGES.labels),
        )
        oldest = GaugeMetricFamily(
            QUEUE_OLDEST_AGE.name,
            "Seconds since the oldest message of a consumer queue was published",
            labels=list(QUEUE_OLDEST_AGE.labels),
        )
        with self._lock:
            watched = list(self._watched)
        seen: set[str] = set()
        for probe, queues in watched:
            for queue in queues:
                if queue in seen:
                    continue
                try:
                    count, age = probe.depth(queue)
                except Exception:  # a scrape reports what it can
                    logger.warning("could not read the depth of queue %s", queue, exc_info=True)
                    continue
                seen.add(queue)
                messages.add_metric([queue], float(count))
                if age is not None:
                    oldest.add_metric([queue], age)
        yield messages
        yield oldest


QUEUE_DEPTHS = QueueDepths()
register_live(QUEUE_DEPTHS)


def queue_probe(settings: QueueSettings) -> QueueProbe:
    """A probe over the queue `settings` name, with a connection of its own."""
    if settings.kind == "rabbitmq":
        return RabbitDepth(settings.url)
    return SqliteQueue(settings.path)


def watch_queues(settings: QueueSettings, queues: Sequence[str]) -> Callable[[], None]:
    """Report the depth of `queues` in `/metrics`; returns what stops it."""
    return QUEUE_DEPTHS.watch(queue_probe(settings), queues)
