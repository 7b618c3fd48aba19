"""A time limit on one RabbitMQ operation, which pika's blocking API does not offer.

A broker that answers heartbeats but not the operation (a virtual host still starting
after `rabbitmqctl start_app`, say) keeps a blocking call waiting until the broker drops
the connection, about a minute later. `Deadline` drops the connection itself when the time
is up: the waiting call raises `OperationTimedOut` (a connection error), and the queue
adapter reconnects as after any lost connection.

The timer is the same mechanism pika's own heartbeat checker uses: a callback on the
connection's I/O loop, which runs while any blocking call waits for its answer.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from pika.adapters.blocking_connection import BlockingConnection
from pika.exceptions import AMQPConnectionError


class OperationTimedOut(AMQPConnectionError):
    """The broker did not finish an operation in time; the connection was dropped."""


class Deadline:
    """`with Deadline(connection, seconds):` drops the connection if the block overruns."""

    def __init__(self, connection: BlockingConnection, seconds: float) -> None:
        # pika keeps its I/O-loop connection here; it has no public timer that fires
        # during a blocking call.
        self._impl: Any = vars(connection)["_impl"]
        self._seconds = seconds
        self._timer: object | None = None

    def __enter__(self) -> Deadline:
        self._timer = self._impl._adapter_call_later(self._seconds, self._expire)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        timer, self._timer = self._timer, None
        if timer is not None and self._impl.is_open:
            self._impl._adapter_remove_timeout(timer)

    def _expire(self) -> None:
        self._timer = None
        if self._impl.is_open:
            message = f"RabbitMQ did not answer within {self._seconds:g} s"
            self._impl._terminate_stream(OperationTimedOut(message))
