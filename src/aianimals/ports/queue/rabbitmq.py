"""The server-backed queue: RabbitMQ through pika (imported only when kind is "rabbitmq").

Topology, all durable and built with standard features only (no plugins):

* `<exchange>` (topic): events are published with their type as routing key, persistent,
  under publisher confirms, so `publish` returns once the broker has them on disk.
* `<queue>`: a consumer queue bound to its event types; its broker-side dead-letter
  exchange is `<exchange>.dead`.
* `<exchange>.dead` (direct) → `<queue>.dead`: `dead_letter` republishes the body there with
  an `x-reason` header (confirmed) and then acks the original.
* `<queue>.retry.<ms>ms`: one delay queue per retry delay, with a queue-wide message TTL
  and the main queue as its dead-letter target. `retry` republishes the body there with
  `x-attempt` one higher and acks the original; when the TTL runs out the broker moves it
  back to `<queue>`. One queue per delay keeps expiry in order (a per-message TTL in a
  shared queue would hold short delays behind long ones); delay queues expire when idle.

Thread-safety: pika's BlockingConnection is not thread-safe, so a `RabbitQueue` owns one
connection and one channel and must be used by one thread only. Give each consumer thread
(and the outbox relay) its own instance.

When the connection is lost, the next call reconnects (with backoff) and carries on. The
broker redelivers what was in flight; deliveries received before the loss are stale, so
acking, retrying or dead-lettering them does nothing (handlers are idempotent, so the
redelivery is harmless).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pika
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection
from pika.delivery_mode import DeliveryMode
from pika.exceptions import AMQPChannelError, AMQPConnectionError, AMQPError
from pika.spec import Basic, BasicProperties

from aianimals.core.events import Event
from aianimals.ports.queue.base import DeadLetter, Delivery, QueueUnavailable
from aianimals.ports.queue.rabbitmq_deadline import Deadline
from aianimals.settings import QueueSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPT_HEADER = "x-attempt"
REASON_HEADER = "x-reason"
_RETRY_QUEUE_IDLE_MS = 600_000
"""Idle delay queues go after this; each retry redeclares one, so it outlives its messages."""
_BROKER_HEADERS = ("x-death", "x-first-death-", "x-last-death-")
_NOT_FOUND = 404


def dead_queue_name(queue: str) -> str:
    """The queue holding `queue`'s dead letters."""
    return f"{queue}.dead"


HEARTBEAT_SECONDS = 10
"""AMQP heartbeat asked for unless the URL sets one (`?heartbeat=…`)."""


def retry_queue_name(queue: str, delay_seconds: float) -> str:
    """The delay queue that sends messages back to `queue` after `delay_seconds`."""
    return f"{queue}.retry.{_millis(delay_seconds)}ms"


def _millis(seconds: float) -> int:
    return max(round(seconds * 1000), 0)


@dataclass(frozen=True)
class _Tag:
    """What ack / retry / dead-letter need: the channel's generation and delivery tag."""

    generation: int
    delivery_tag: int
    headers: dict[str, Any]


class RabbitQueue:
    """The queue port over RabbitMQ; one instance per thread (see the module docstring)."""

    def __init__(self, settings: QueueSettings, *, reconnect_attempts: int = 5) -> None:
        self._parameters = pika.URLParameters(settings.url)
        if "heartbeat" not in settings.url:
            # A connection the broker dropped while we waited is noticed within two
            # heartbeats, not the broker's default of a minute or more.
            self._parameters.heartbeat = HEARTBEAT_SECONDS
        self._timeout = settings.operation_timeout_seconds
        self._exchange = settings.exchange
        self._dead_exchange = f"{settings.exchange}.dead"
        self._prefetch = settings.prefetch
        self._reconnect_attempts = max(reconnect_attempts, 1)
        self._connection: BlockingConnection | None = None
        self._channel: BlockingChannel | None = None
        self._generation = 0
        self._buffers: dict[str, deque[tuple[Basic.Deliver, BasicProperties, bytes]]] = {}

    def _open(self) -> BlockingChannel:
        if self._channel is not None and self._channel.is_open:
            return self._channel
        self._drop()
        self._connection = BlockingConnection(self._parameters)
        with Deadline(self._connection, self._timeout):
            channel = self._connection.channel()
            channel.confirm_delivery()
            channel.basic_qos(prefetch_count=self._prefetch)
            channel.exchange_declare(self._exchange, "topic", durable=True)
            channel.exchange_declare(self._dead_exchange, "direct", durable=True)
        self._channel = channel
        self._generation += 1
        return channel

    def _drop(self) -> None:
        """Forget the connection and everything received over it."""
        connection, self._connection, self._channel = self._connection, None, None
        self._buffers.clear()
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except AMQPError:
                logger.debug("closing a broken RabbitMQ connection failed", exc_info=True)

    def _call(self, operation: Callable[[BlockingChannel], T], *, waits: float = 0.0) -> T:
        """Run `operation` on a live channel, reconnecting with backoff on connection loss.

        The operation may take `waits` seconds plus the operation timeout; past that the
        connection is dropped and the operation tried again on a new one. After the last
        attempt the broker counts as unavailable.
        """
        for attempt in range(1, self._reconnect_attempts + 1):
            try:
                channel = self._open()
                with Deadline(channel.connection, self._timeout + waits):
                    return operation(channel)
            except AMQPConnectionError as error:
                self._drop()
                if attempt == self._reconnect_attempts:
                    msg = f"RabbitMQ unavailable after {attempt} attempts: {error!r}"
                    raise QueueUnavailable(msg) from error
                logger.warning("RabbitMQ connection lost (%r); reconnecting (%d)", error, attempt)
                time.sleep(min(0.25 * 2**attempt, 5.0))
            except AMQPChannelError:
                self._drop()
                raise
        msg = "unreachable"
        raise AssertionError(msg)

    def close(self) -> None:
        """Close the connection; the broker requeues whatever was received but not acked."""
        self._drop()

    def declare(self, queue: str, event_types: Sequence[str]) -> None:
        """Declare `queue`, its dead-letter queue, and bind it to these event types."""

        def declare(channel: BlockingChannel) -> None:
            arguments = {
                "x-dead-letter-exchange": self._dead_exchange,
                "x-dead-letter-routing-key": queue,
            }
            channel.queue_declare(queue, durable=True, arguments=arguments)
            channel.queue_declare(dead_queue_name(queue), durable=True)
            channel.queue_bind(dead_queue_name(queue), self._dead_exchange, routing_key=queue)
            for event_type in event_types:
                channel.queue_bind(queue, self._exchange, routing_key=event_type)

        self._call(declare)

    def publish(self, event: Event) -> None:
        """Publish persistently to the exchange; returns when the broker confirmed it."""
        properties = BasicProperties(
            delivery_mode=DeliveryMode.Persistent,
            content_type="application/json",
            message_id=event.id,
            type=event.type,
        )
        body = event.to_json()
        self._call(
            lambda channel: channel.basic_publish(self._exchange, event.type, body, properties)
        )

    def receive(self, queue: str, *, max_messages: int, wait_seconds: float) -> list[Delivery]:
        """Up to `max_messages` of what the broker pushed (at most `prefetch` in flight)."""
        return self._call(
            lambda channel: self._receive(channel, queue, max_messages, wait_seconds),
            waits=wait_seconds,
        )

    def _receive(
        self, channel: BlockingChannel, queue: str, max_messages: int, wait_seconds: float
    ) -> list[Delivery]:
        buffer = self._buffers.get(queue)
        if buffer is None:
            buffer = self._buffers[queue] = deque()
            channel.basic_consume(
                queue,
                lambda _ch, method, properties, body: buffer.append((method, properties, body)),
            )
        deadline = time.monotonic() + wait_seconds
        channel.connection.process_data_events(time_limit=0)
        while not buffer and (remaining := deadline - time.monotonic()) > 0:
            channel.connection.process_data_events(time_limit=remaining)
        deliveries: list[Delivery] = []
        while buffer and len(deliveries) < max_messages:
            method, properties, body = buffer.popleft()
            headers = dict(properties.headers or {})
            tag = _Tag(self._generation, method.delivery_tag or 0, _own_headers(headers))
            attempt = _int_header(headers, ATTEMPT_HEADER)
            deliveries.append(Delivery(queue=queue, body=body, attempt=attempt, tag=tag))
        return deliveries

    def ack(self, delivery: Delivery) -> None:
        """Ack it (a no-op for a delivery from before a reconnect: it comes again)."""
        tag = _tag_of(delivery)
        self._call(lambda channel: self._settle(channel, tag, None))

    def retry(self, delivery: Delivery, *, delay_seconds: float) -> None:
        """Park it in the delay queue for `delay_seconds`, attempt one higher; ack this one."""
        tag = _tag_of(delivery)

        def park(channel: BlockingChannel) -> None:
            name = retry_queue_name(delivery.queue, delay_seconds)
            arguments = {
                "x-message-ttl": _millis(delay_seconds),
                "x-expires": _millis(delay_seconds) + _RETRY_QUEUE_IDLE_MS,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": delivery.queue,
            }
            channel.queue_declare(name, durable=True, arguments=arguments)
            headers = {**tag.headers, ATTEMPT_HEADER: delivery.attempt + 1}
            channel.basic_publish("", name, delivery.body, _persistent(headers))

        self._call(lambda channel: self._settle(channel, tag, park))

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        """Republish it to `<queue>.dead` with the reason (confirmed), then ack this one."""
        tag = _tag_of(delivery)
        headers = {**tag.headers, REASON_HEADER: reason, ATTEMPT_HEADER: delivery.attempt}
        properties = _persistent(headers)

        def bury(channel: BlockingChannel) -> None:
            channel.basic_publish(self._dead_exchange, delivery.queue, delivery.body, properties)

        self._call(lambda channel: self._settle(channel, tag, bury))

    def _settle(
        self,
        channel: BlockingChannel,
        tag: _Tag,
        before_ack: Callable[[BlockingChannel], None] | None,
    ) -> None:
        if tag.generation != self._generation:
            logger.info("delivery from a lost connection; the broker will redeliver it")
            return
        if before_ack is not None:
            before_ack(channel)
        channel.basic_ack(tag.delivery_tag)

    def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        """Browse `<queue>.dead` on a side channel; closing it puts every message back."""

        def browse(channel: BlockingChannel) -> list[DeadLetter]:
            side = channel.connection.channel()
            letters: list[DeadLetter] = []
            try:
                while len(letters) < limit:
                    method, properties, body = side.basic_get(dead_queue_name(queue))
                    if method is None or properties is None or body is None:
                        break
                    letters.append(_dead_letter(queue, properties, body))
            except pika.exceptions.ChannelClosedByBroker as error:
                if error.reply_code != _NOT_FOUND:
                    raise
                return []
            if side.is_open:
                side.close()
            return letters

        return self._call(browse)


def _persistent(headers: dict[str, Any]) -> BasicProperties:
    return BasicProperties(
        delivery_mode=DeliveryMode.Persistent, content_type="application/json", headers=headers
    )


def _dead_letter(queue: str, properties: BasicProperties, body: bytes) -> DeadLetter:
    headers = dict(properties.headers or {})
    reason = headers.get(REASON_HEADER)
    if not isinstance(reason, str):  # dead-lettered by the broker itself (a reject, say)
        reason = f"dead-lettered by the broker: {headers.get('x-first-death-reason', '?')!s}"
    attempts = _int_header(headers, ATTEMPT_HEADER)
    return DeadLetter(queue=queue, body=body, reason=reason, attempts=attempts)


def _own_headers(headers: dict[str, Any]) -> dict[str, Any]:
    """The headers to carry when republishing: not the broker's dead-lettering history."""
    return {key: value for key, value in headers.items() if not key.startswith(_BROKER_HEADERS)}


def _int_header(headers: dict[str, Any], name: str) -> int:
    value = headers.get(name)
    return value if isinstance(value, int) and value >= 1 else 1


def _tag_of(delivery: Delivery) -> _Tag:
    if not isinstance(delivery.tag, _Tag):
        msg = f"not a delivery of the RabbitMQ queue: {delivery.tag!r}"
        raise TypeError(msg)
    return delivery.tag
