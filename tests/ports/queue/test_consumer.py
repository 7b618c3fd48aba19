"""The worker runtime over every queue adapter, and the `once()` dedupe helper."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

from aianimals.core.errors import InvalidInput
from aianimals.core.events import Event, MalformedMessage
from aianimals.ports.queue.consumer import Consumer, Handler, backoff_seconds
from aianimals.ports.sql.dedupe import once
from aianimals.roles.container import Container
from aianimals.settings import QueueSettings
from tests.ports.queue.conftest import Garbage, Harness, event

TYPE = "thing.happened"


def consumer_for(harness: Harness, handler: Handler, label: str) -> Consumer:
    consumer = Consumer(
        harness.open(), harness.name(label), {TYPE: handler}, harness.settings, wait_seconds=0.2
    )
    consumer.declare()
    return consumer


def run_until(consumer: Consumer, done: Callable[[], bool], timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the consumer did not get there in time"
        consumer.run_once()


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    settings = QueueSettings(retry_base_seconds=0.1, retry_max_seconds=0.4)
    delays = [backoff_seconds(attempt, settings) for attempt in range(1, 6)]
    assert delays == [0.1, 0.2, 0.4, 0.4, 0.4]


def test_handled_event_is_acked(harness: Harness) -> None:
    seen: list[Event] = []
    consumer = consumer_for(harness, seen.append, "ok")
    consumer.queue.publish(event(1))

    run_until(consumer, lambda: len(seen) == 1)
    assert seen[0].dedupe_key == f"{TYPE}:1"
    assert consumer.run_once() == 0
    assert consumer.queue.dead_letters(consumer.name) == []


def test_failing_handler_is_retried_with_backoff_then_dead_lettered(harness: Harness) -> None:
    calls: list[float] = []

    def fail(_event: Event) -> None:
        calls.append(time.monotonic())
        msg = "boom"
        raise RuntimeError(msg)

    consumer = consumer_for(harness, fail, "failing")
    consumer.queue.publish(event(1))

    run_until(consumer, lambda: bool(consumer.queue.dead_letters(consumer.name)))
    assert len(calls) == harness.settings.max_attempts == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(calls)]
    assert gaps[0] >= 0.09
    assert gaps[1] >= 0.19
    [letter] = consumer.queue.dead_letters(consumer.name)
    assert letter.attempts == 3
    assert "failed 3 times" in letter.reason
    assert "boom" in letter.reason


def test_handler_that_recovers_on_a_retry_is_acked(harness: Harness) -> None:
    attempts: list[Event] = []

    def flaky(event_: Event) -> None:
        attempts.append(event_)
        if len(attempts) == 1:
            msg = "transient"
            raise ConnectionError(msg)

    consumer = consumer_for(harness, flaky, "flaky")
    consumer.queue.publish(event(1))

    run_until(consumer, lambda: len(attempts) == 2)
    assert consumer.run_once() == 0
    assert consumer.queue.dead_letters(consumer.name) == []


def test_domain_error_is_dead_lettered_without_retrying(harness: Harness) -> None:
    def refuse(_event: Event) -> None:
        msg = "no such animal"
        raise InvalidInput(msg)

    consumer = consumer_for(harness, refuse, "refused")
    consumer.queue.publish(event(1))

    run_until(consumer, lambda: bool(consumer.queue.dead_letters(consumer.name)))
    [letter] = consumer.queue.dead_letters(consumer.name)
    assert letter.attempts == 1
    assert "no such animal" in letter.reason


def test_payload_a_handler_finds_malformed_is_dead_lettered_without_retrying(
    harness: Harness,
) -> None:
    def reject(_event: Event) -> None:
        msg = "animal.created without an animal_id"
        raise MalformedMessage(msg)

    consumer = consumer_for(harness, reject, "malformed-payload")
    consumer.queue.publish(event(1))

    run_until(consumer, lambda: bool(consumer.queue.dead_letters(consumer.name)))
    [letter] = consumer.queue.dead_letters(consumer.name)
    assert letter.attempts == 1
    assert "without an animal_id" in letter.reason


def test_poison_message_is_dead_lettered_and_the_next_one_processed(harness: Harness) -> None:
    seen: list[Event] = []
    consumer = consumer_for(harness, seen.append, "poison")
    consumer.queue.publish(Garbage(type=TYPE, payload={}, dedupe_key="garbage"))
    consumer.queue.publish(event(2))

    run_until(consumer, lambda: len(seen) == 1)
    assert seen[0].dedupe_key == f"{TYPE}:2"
    [letter] = consumer.queue.dead_letters(consumer.name)
    assert letter.body == b"\xff{not json"
    assert letter.reason.startswith("malformed message: not JSON")


def test_unknown_event_type_is_dead_lettered(harness: Harness) -> None:
    seen: list[Event] = []
    consumer = consumer_for(harness, seen.append, "unknown")
    consumer.queue.declare(consumer.name, ["surprise.type"])  # bound, but nobody handles it
    consumer.queue.publish(event(1, "surprise.type"))
    consumer.queue.publish(event(2))

    run_until(consumer, lambda: len(seen) == 1)
    [letter] = consumer.queue.dead_letters(consumer.name)
    assert letter.reason == "no handler for event type 'surprise.type'"


def test_run_finishes_the_batch_in_hand_when_stopped(harness: Harness) -> None:
    stop = threading.Event()
    handled: list[str] = []

    def handle(event_: Event) -> None:
        stop.set()  # a SIGTERM arrives while the batch is being handled
        time.sleep(0.02)
        handled.append(event_.dedupe_key)

    consumer = consumer_for(harness, handle, "drain")
    sent = [event(number) for number in range(5)]
    for item in sent:
        consumer.queue.publish(item)

    consumer.run(stop)  # returns after the first batch
    assert handled
    assert handled == [item.dedupe_key for item in sent[: len(handled)]]
    harness.close_all()

    reopened = Consumer(harness.open(), consumer.name, {TYPE: handle}, harness.settings)
    left: list[str] = []
    reopened.handlers[TYPE] = lambda event_: left.append(event_.dedupe_key)
    run_until(reopened, lambda: len(handled) + len(left) >= len(sent))
    assert sorted(handled + left) == sorted(item.dedupe_key for item in sent)  # none twice


def test_once_claims_each_dedupe_key_once_per_consumer(container: Container) -> None:
    database = container.database
    with database.session() as session:
        assert once(session, "indexer", "animal.created:1") is True
        assert once(session, "indexer", "animal.created:1") is False
        assert once(session, "ranker", "animal.created:1") is True
        session.commit()
    with database.session() as session:
        assert once(session, "indexer", "animal.created:1") is False
        assert once(session, "indexer", "animal.created:2") is True
        session.rollback()
    with database.session() as session:
        assert once(session, "indexer", "animal.created:2") is True  # the rollback undid it
        session.commit()
