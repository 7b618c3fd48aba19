"""The queue port's contract, run against every adapter (see conftest.py)."""

from __future__ import annotations

import time

from aianimals.core.events import Event
from aianimals.ports.queue.base import Delivery, Queue
from tests.ports.queue.conftest import Garbage, Harness, event

TYPE = "thing.happened"


def receive_n(queue: Queue, name: str, count: int, timeout: float = 5.0) -> list[Delivery]:
    """Receive until `count` deliveries arrived (or the timeout passed)."""
    deliveries: list[Delivery] = []
    deadline = time.monotonic() + timeout
    while len(deliveries) < count and time.monotonic() < deadline:
        deliveries += queue.receive(name, max_messages=count - len(deliveries), wait_seconds=0.2)
    return deliveries


def keys(deliveries: list[Delivery]) -> list[str]:
    return [Event.from_json(delivery.body).dedupe_key for delivery in deliveries]


def test_published_event_is_received_once_and_gone_after_ack(harness: Harness) -> None:
    queue, name = harness.open(), harness.name("basic")
    queue.declare(name, [TYPE])
    sent = event(1)
    queue.publish(sent)

    [delivery] = receive_n(queue, name, 1)
    assert Event.from_json(delivery.body) == sent
    assert (delivery.queue, delivery.attempt) == (name, 1)
    queue.ack(delivery)
    assert queue.receive(name, max_messages=10, wait_seconds=0.3) == []


def test_receive_on_an_empty_queue_returns_nothing_after_the_wait(harness: Harness) -> None:
    queue, name = harness.open(), harness.name("empty")
    queue.declare(name, [TYPE])
    started = time.monotonic()
    assert queue.receive(name, max_messages=5, wait_seconds=0.3) == []
    assert 0.25 <= time.monotonic() - started < 2.0


def test_publish_fans_out_to_every_bound_queue_only(harness: Harness) -> None:
    queue = harness.open()
    first, second, other = harness.name("fan-a"), harness.name("fan-b"), harness.name("fan-c")
    queue.declare(first, [TYPE])
    queue.declare(second, ["other.type", TYPE])
    queue.declare(other, ["other.type"])
    queue.publish(event(7))

    for name in (first, second):
        deliveries = receive_n(queue, name, 1)
        assert keys(deliveries) == [f"{TYPE}:7"]
        queue.ack(deliveries[0])
    assert queue.receive(other, max_messages=5, wait_seconds=0.3) == []


def test_unacked_message_comes_back_when_its_receiver_goes_away(harness: Harness) -> None:
    queue, name = harness.open(), harness.name("lease")
    queue.declare(name, [TYPE])
    queue.publish(event(1))
    assert keys(receive_n(queue, name, 1)) == [f"{TYPE}:1"]
    harness.close_all()  # as if the worker died holding it

    reopened = harness.open()
    [again] = receive_n(reopened, name, 1)
    assert keys([again]) == [f"{TYPE}:1"]
    assert again.attempt == 1
    reopened.ack(again)


def test_retry_waits_its_delay_and_counts_the_attempt(harness: Harness) -> None:
    queue, name = harness.open(), harness.name("retry")
    queue.declare(name, [TYPE])
    queue.publish(event(1))
    [first] = receive_n(queue, name, 1)

    retried_at = time.monotonic()
    queue.retry(first, delay_seconds=0.4)
    assert queue.receive(name, max_messages=1, wait_seconds=0.2) == []
    [second] = receive_n(queue, name, 1)
    assert time.monotonic() - retried_at >= 0.35
    assert (second.attempt, second.body) == (2, first.body)

    queue.retry(second, delay_seconds=0.1)
    [third] = receive_n(queue, name, 1)
    assert third.attempt == 3
    queue.ack(third)
    assert queue.receive(name, max_messages=1, wait_seconds=0.5) == []


def test_dead_letter_is_listed_with_its_reason_and_not_delivered_again(
    harness: Harness,
) -> None:
    queue, name = harness.open(), harness.name("dead")
    queue.declare(name, [TYPE])
    queue.publish(event(1))
    queue.publish(event(2))
    first, second = receive_n(queue, name, 2)
    queue.dead_letter(first, "handler said no")
    queue.ack(second)

    [letter] = queue.dead_letters(name)
    assert (letter.queue, letter.body, letter.attempts) == (name, first.body, 1)
    assert letter.reason == "handler said no"
    assert queue.dead_letters(name) == [letter]  # listing does not consume
    assert queue.receive(name, max_messages=5, wait_seconds=0.5) == []


def test_messages_survive_closing_and_reopening_the_adapter(harness: Harness) -> None:
    queue, name = harness.open(), harness.name("durable")
    queue.declare(name, [TYPE])
    for number in range(3):
        queue.publish(event(number))
    harness.close_all()

    reopened = harness.open()
    deliveries = receive_n(reopened, name, 3)
    assert keys(deliveries) == [f"{TYPE}:{number}" for number in range(3)]
    for delivery in deliveries:
        reopened.ack(delivery)


def test_messages_arrive_in_publish_order_in_batches(harness: Harness) -> None:
    queue, name = harness.open(), harness.name("fifo")
    queue.declare(name, [TYPE])
    for number in range(12):
        queue.publish(event(number))

    batch = queue.receive(name, max_messages=5, wait_seconds=2.0)
    assert 1 <= len(batch) <= 5
    deliveries = batch + receive_n(queue, name, 12 - len(batch))
    assert keys(deliveries) == [f"{TYPE}:{number}" for number in range(12)]
    for delivery in deliveries:
        queue.ack(delivery)


def test_a_malformed_body_is_delivered_as_its_bytes(harness: Harness) -> None:
    queue, name = harness.open(), harness.name("malformed")
    queue.declare(name, [TYPE])
    queue.publish(Garbage(type=TYPE, payload={}, dedupe_key="garbage"))

    [delivery] = receive_n(queue, name, 1)
    assert delivery.body == b"\xff{not json"
    queue.ack(delivery)
