"""The queue port: durable, at-least-once delivery of events to named consumer queues."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from aianimals.core.events import Event


class QueueUnavailable(Exception):
    """The queue's server could not be reached (after the adapter's own retries)."""


@dataclass(frozen=True)
class Delivery:
    """One received message: its raw body (it may be malformed), attempt count, adapter tag."""

    queue: str
    body: bytes
    attempt: int
    """1 on first delivery; retries count up."""
    tag: object
    """Whatever the adapter needs to ack, retry or dead-letter this delivery."""


@dataclass(frozen=True)
class DeadLetter:
    """A message that was given up on, and why."""

    queue: str
    body: bytes
    reason: str
    attempts: int


class Queue(Protocol):
    """Publish events; consumers receive them from their own durable queue."""

    def declare(self, queue: str, event_types: Sequence[str]) -> None:
        """Create (idempotently) a durable consumer queue receiving these event types."""
        ...

    def publish(self, event: Event) -> None:
        """Persist the event to every queue bound to its type; returns once it is durable."""
        ...

    def receive(self, queue: str, *, max_messages: int, wait_seconds: float) -> list[Delivery]:
        """Up to `max_messages` deliveries, waiting at most `wait_seconds` for the first."""
        ...

    def ack(self, delivery: Delivery) -> None:
        """The delivery was handled (and its effects committed): forget it."""
        ...

    def retry(self, delivery: Delivery, *, delay_seconds: float) -> None:
        """Deliver it again after the delay, with `attempt` one higher."""
        ...

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        """Move it to the queue's dead-letter queue; it is never delivered again."""
        ...

    def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        """What the queue's dead-letter queue holds, oldest first."""
        ...

    def close(self) -> None:
        """Release the connection (or the file)."""
        ...
