"""The outbox: events commit with their change and reach the queue through the relay."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from aianimals.core.events import ANIMAL_CREATED, LIKE_ADDED, LIKE_REMOVED, Event
from aianimals.ports.queue.base import QueueUnavailable
from aianimals.ports.queue.factory import create_queue
from aianimals.ports.sql.outbox import OutboxRelay
from aianimals.ports.sql.outbox_models import OutboxMessage
from aianimals.roles.container import Container
from tests.factories import PASSWORD, Factory


def _outbox(container: Container) -> list[Event]:
    with container.database.session() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [Event.from_json(row.body) for row in rows]


def _token(client: TestClient, handle: str) -> dict[str, str]:
    body = {"handle_name": handle, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def test_like_and_unlike_write_events_with_their_change(
    client: TestClient, factory: Factory, container: Container
) -> None:
    animal = factory.animal()
    factory.user("liker")
    headers = _token(client, "liker")
    like_id = client.post("/v0/like", json={"animal_id": animal.id}, headers=headers).json()["id"]
    client.post("/v0/like", json={"animal_id": animal.id}, headers=headers)
    client.delete("/v0/like", params={"like_id": like_id}, headers=headers)
    events = _outbox(container)
    assert [event.type for event in events] == [LIKE_ADDED, LIKE_REMOVED]
    assert events[0].dedupe_key == f"{LIKE_ADDED}:{like_id}"
    assert events[0].payload["animal_id"] == animal.id


def test_a_refused_request_writes_no_event(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.user("liker")
    headers = _token(client, "liker")
    response = client.post("/v0/like", json={"animal_id": "0" * 32}, headers=headers)
    assert response.status_code == 404
    assert _outbox(container) == []


def test_relay_publishes_in_order_once_and_marks_rows(
    container: Container, factory: Factory
) -> None:
    from aianimals.animals.events import animal_created
    from aianimals.ports.sql.outbox import record_event

    with container.database.session() as session:
        for number in range(3):
            record_event(session, animal_created(f"{number:032d}"))
        session.commit()
    queue = create_queue(container.settings.queue)
    try:
        queue.declare("test-consumer", [ANIMAL_CREATED])
        relay = OutboxRelay(container.database, queue, batch_size=2)
        assert relay.pending() == 3
        assert relay.relay_all() == 3
        assert relay.relay_all() == 0
        received = queue.receive("test-consumer", max_messages=10, wait_seconds=1)
        ids = [Event.from_json(d.body).payload["animal_id"] for d in received]
        assert ids == [f"{number:032d}" for number in range(3)]
    finally:
        queue.close()  # type: ignore[attr-defined]


class _FailsOnThird:
    """A queue that confirms two publishes, then becomes unavailable."""

    def __init__(self) -> None:
        self.published: list[Event] = []

    def publish(self, event: Event) -> None:
        if len(self.published) == 2:
            msg = "broker went away"
            raise QueueUnavailable(msg)
        self.published.append(event)


def test_relay_marks_what_was_confirmed_before_the_queue_failed(container: Container) -> None:
    from aianimals.animals.events import animal_created
    from aianimals.ports.sql.outbox import record_event

    with container.database.session() as session:
        for number in range(5):
            record_event(session, animal_created(f"{number:032d}"))
        session.commit()
    failing = _FailsOnThird()
    relay = OutboxRelay(container.database, failing, batch_size=10)  # type: ignore[arg-type]
    with pytest.raises(QueueUnavailable):
        relay.relay_once()
    assert relay.pending() == 3

    queue = create_queue(container.settings.queue)
    try:
        queue.declare("test-consumer", [ANIMAL_CREATED])
        assert OutboxRelay(container.database, queue).relay_all() == 3
        received = queue.receive("test-consumer", max_messages=10, wait_seconds=1)
        ids = [Event.from_json(d.body).payload["animal_id"] for d in received]
        assert ids == [f"{number:032d}" for number in range(2, 5)]
    finally:
        queue.close()  # type: ignore[attr-defined]
