"""Build the configured queue; pika is imported only when RabbitMQ is chosen."""

from __future__ import annotations

from aianimals.ports.queue.base import Queue
from aianimals.settings import QueueSettings


def create_queue(settings: QueueSettings) -> Queue:
    """The queue `settings.kind` names: the embedded SQLite file (default) or RabbitMQ.

    The SQLite queue opens (and creates) its file here; RabbitMQ connects on first use.
    A RabbitMQ queue belongs to one thread: build one per consumer thread.
    """
    if settings.kind == "rabbitmq":
        from aianimals.ports.queue.rabbitmq import RabbitQueue

        return RabbitQueue(settings)
    from aianimals.ports.queue.sqlite import SqliteQueue

    return SqliteQueue(settings.path)
