"""The worker runtime: receive a batch, dispatch each event to its handler, settle it.

Each delivery ends in exactly one of three ways:

* **ack** after its handler returned (the handler commits its own effects first);
* **retry** with exponential backoff (`retry_base_seconds · 2^(attempt-1)`, capped at
  `retry_max_seconds`) when the handler raised, until `max_attempts`;
* **dead letter**, logged with its reason, when the body is not an event, no handler
  knows its type, the handler raised a domain error or found the payload malformed
  (retrying cannot help), or the attempts are used up. A bad message never blocks the
  ones behind it.

Delivery is at least once, so handlers must be idempotent: a handler doing SQL work
claims the event's dedupe key with `aianimals.ports.sql.dedupe.once` in its transaction.

Every settled delivery counts in `aianimals_consumer_messages_total{queue, event_type,
outcome}` (handled / retried / dead_lettered, once the queue took the outcome), and every
handler call in `aianimals_consumer_handler_duration_seconds{queue, event_type}`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from aianimals.core.errors import DomainError
from aianimals.core.events import Event, MalformedMessage
from aianimals.observability.metrics import (
    CONSUMER_HANDLER_SECONDS,
    CONSUMER_MESSAGES,
    OUTCOMES,
    event_type_label,
)
from aianimals.ports.queue.base import Delivery, Queue, QueueUnavailable
from aianimals.settings import QueueSettings

logger = logging.getLogger(__name__)

Handler = Callable[[Event], None]

_BACKOFF_ON_QUEUE_ERROR = 1.0
"""Seconds `run` waits after the queue itself failed, before it tries again."""
MALFORMED = "<malformed>"
"""The `event_type` label of a body that is not an event."""


def backoff_seconds(attempt: int, settings: QueueSettings) -> float:
    """How long to wait before delivering attempt `attempt + 1`."""
    delay = settings.retry_base_seconds * 2.0 ** max(attempt - 1, 0)
    return min(delay, settings.retry_max_seconds)


class Consumer:
    """Consumes one queue, named `name`, bound to the event types `handlers` knows."""

    def __init__(
        self,
        queue: Queue,
        name: str,
        handlers: Mapping[str, Handler],
        settings: QueueSettings,
        *,
        wait_seconds: float = 1.0,
    ) -> None:
        self.queue = queue
        self.name = name
        self.handlers = dict(handlers)
        self.settings = settings
        self.wait_seconds = wait_seconds
        for event_type in self.handlers:  # zero series, so rate() and increase() see the 1st
            for outcome in OUTCOMES:
                CONSUMER_MESSAGES.labels(name, event_type_label(event_type), outcome)

    def declare(self) -> None:
        """Create the queue and bind it to the handled event types (idempotent)."""
        self.queue.declare(self.name, sorted(self.handlers))

    def run(self, stop: threading.Event) -> None:
        """Declare, then handle batches until `stop` is set; the batch in hand is finished.

        This is the worker's outermost loop: a failure of the queue itself is logged and
        retried after a pause rather than ending the worker.
        """
        self.declare()
        logger.info("consumer %s started", self.name)
        while not stop.is_set():
            try:
                self.run_once()
            except QueueUnavailable as error:
                logger.warning("consumer %s: %s; trying again", self.name, error)
                stop.wait(_BACKOFF_ON_QUEUE_ERROR)
            except Exception:
                logger.exception("consumer %s: the queue failed; trying again", self.name)
                stop.wait(_BACKOFF_ON_QUEUE_ERROR)
        logger.info("consumer %s drained and stopped", self.name)

    def run_once(self) -> int:
        """Receive one batch (up to `prefetch`), settle every delivery; how many there were."""
        deliveries = self.queue.receive(
            self.name, max_messages=self.settings.prefetch, wait_seconds=self.wait_seconds
        )
        for delivery in deliveries:
            self.handle(delivery)
        return len(deliveries)

    def handle(self, delivery: Delivery) -> None:
        """Parse, dispatch and settle one delivery."""
        try:
            event = Event.from_json(delivery.body)
        except MalformedMessage as error:
            self._dead_letter(delivery, f"malformed message: {error}", MALFORMED)
            return
        event_type = event_type_label(event.type)
        handler = self.handlers.get(event.type)
        if handler is None:
            self._dead_letter(delivery, f"no handler for event type {event.type!r}", event_type)
            return
        started = time.perf_counter()
        try:
            handler(event)
        except (DomainError, MalformedMessage) as error:
            self._observe_handler(event_type, started)
            self._dead_letter(delivery, f"{event.type} {event.dedupe_key}: {error!r}", event_type)
        except Exception as error:
            self._observe_handler(event_type, started)
            self._failed(delivery, event, error)
        else:
            self._observe_handler(event_type, started)
            self.queue.ack(delivery)
            self._count(event_type, "handled")

    def _observe_handler(self, event_type: str, started: float) -> None:
        seconds = time.perf_counter() - started
        CONSUMER_HANDLER_SECONDS.labels(self.name, event_type).observe(seconds)

    def _count(self, event_type: str, outcome: str) -> None:
        CONSUMER_MESSAGES.labels(self.name, event_type, outcome).inc()

    def _failed(self, delivery: Delivery, event: Event, error: Exception) -> None:
        event_type = event_type_label(event.type)
        if delivery.attempt >= self.settings.max_attempts:
            reason = f"{event.type} {event.dedupe_key}: failed {delivery.attempt} times: {error!r}"
            self._dead_letter(delivery, reason, event_type)
            return
        delay = backoff_seconds(delivery.attempt, self.settings)
        logger.warning(
            "consumer %s: %s %s failed (attempt %d); retrying in %.1f s",
            self.name,
            event.type,
            event.dedupe_key,
            delivery.attempt,
            delay,
            exc_info=error,
        )
        self.queue.retry(delivery, delay_seconds=delay)
        self._count(event_type, "retried")

    def _dead_letter(self, delivery: Delivery, reason: str, event_type: str) -> None:
        logger.error(
            "consumer %s: dead-lettering a message (attempt %d): %s",
            self.name,
            delivery.attempt,
            reason,
        )
        self.queue.dead_letter(delivery, reason)
        self._count(event_type, "dead_lettered")
