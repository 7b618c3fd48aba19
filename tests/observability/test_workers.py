"""Worker-side metrics: consumer outcomes and handler latency, queue depth, the worker's
own `/metrics` server."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from aianimals.core.events import Event, MalformedMessage
from aianimals.observability.metrics import REGISTRY
from aianimals.observability.queues import QueueDepths, queue_probe
from aianimals.observability.server import start_metrics_server
from aianimals.ports.queue.consumer import MALFORMED, Consumer
from aianimals.ports.queue.sqlite import SqliteQueue
from aianimals.roles.container import Container
from aianimals.roles.worker import Workers, serve_metrics
from aianimals.search.tasks import INDEXER_QUEUE
from aianimals.settings import MetricsSettings, QueueSettings, Settings
from tests.ports.queue.conftest import Garbage, Harness

TYPE = "thing.metered"
MESSAGES = "aianimals_consumer_messages_total"


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def handle(event: Event) -> None:
    if event.payload["n"] == 2:
        raise RuntimeError("always fails")
    if event.payload["n"] == 3:
        raise MalformedMessage("cannot be handled")


def test_consumer_counts_handled_retried_and_dead_lettered(tmp_path: Path) -> None:
    settings = QueueSettings(
        path=tmp_path / "queue.db", max_attempts=2, retry_base_seconds=0.05, retry_max_seconds=0.05
    )
    name = f"metered-{uuid.uuid4().hex[:8]}"
    queue = SqliteQueue(settings.path, lease_seconds=5)
    consumer = Consumer(queue, name, {TYPE: handle}, settings, wait_seconds=0.1)
    consumer.declare()
    labels = {"queue": name, "event_type": TYPE}
    assert sample(MESSAGES, {**labels, "outcome": "dead_lettered"}) == 0  # a zero series
    assert REGISTRY.get_sample_value(MESSAGES, {**labels, "outcome": "handled"}) == 0
    for number in (1, 2, 3):
        queue.publish(Event(TYPE, {"n": number}, f"{TYPE}:{number}"))
    queue.publish(Garbage(type=TYPE, payload={}, dedupe_key="garbage"))
    depths = QueueDepths()
    depths.watch(queue, [name])
    [messages, oldest] = list(depths.collect())
    assert [sample.value for sample in messages.samples] == [4]
    assert oldest.samples[0].value >= 0

    for _ in range(50):
        consumer.run_once()
        if len(queue.dead_letters(name)) == 3:
            break
    assert len(queue.dead_letters(name)) == 3

    assert sample(MESSAGES, {**labels, "outcome": "handled"}) == 1
    assert sample(MESSAGES, {**labels, "outcome": "retried"}) == 1
    assert sample(MESSAGES, {**labels, "outcome": "dead_lettered"}) == 2
    malformed = {"queue": name, "event_type": MALFORMED, "outcome": "dead_lettered"}
    assert sample(MESSAGES, malformed) == 1
    handler_calls = sample("aianimals_consumer_handler_duration_seconds_count", labels)
    assert handler_calls == 4  # 1 handled, 2 attempts of the failing one, 1 malformed
    [messages, oldest] = list(depths.collect())
    assert [sample.value for sample in messages.samples] == [0]
    assert oldest.samples == []  # an empty queue has no oldest message
    queue.close()


def test_worker_metrics_server_serves_the_registry() -> None:
    server = start_metrics_server("127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    finally:
        server.close()
    families = {family.name for family in text_string_to_metric_families(text)}
    assert {"aianimals_consumer_messages", "aianimals_queue_messages"} <= families
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)


def test_metrics_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(environment="test").metrics.port == 9108
    monkeypatch.setenv("AIANIMALS_METRICS__HOST", "0.0.0.0")
    monkeypatch.setenv("AIANIMALS_METRICS__PORT", "9200")
    monkeypatch.setenv("AIANIMALS_METRICS__ENABLED", "false")
    asked = Settings(environment="test").metrics
    assert (asked.host, asked.port, asked.enabled) == ("0.0.0.0", 9200, False)


def test_worker_role_serves_metrics_unless_disabled() -> None:
    assert serve_metrics(MetricsSettings(enabled=False)) is None
    server = serve_metrics(MetricsSettings(enabled=True, port=0))
    assert server is not None
    server.close()


def test_workers_report_their_queues_while_they_run(container: Container) -> None:
    labels = {"queue": INDEXER_QUEUE}
    workers = Workers(container)
    workers.start()
    try:
        assert REGISTRY.get_sample_value("aianimals_queue_messages", labels) == 0
    finally:
        workers.shutdown(timeout=10)
    assert REGISTRY.get_sample_value("aianimals_queue_messages", labels) is None


def test_queue_probe_reads_depth_from_each_adapter(harness: Harness) -> None:
    queue = harness.open()
    name = harness.name("depth")
    queue.declare(name, [TYPE])
    for number in (1, 2):
        queue.publish(Event(TYPE, {"n": number}, f"{TYPE}:{number}"))
    probe = queue_probe(harness.settings)
    try:
        deadline = time.monotonic() + 5
        while (found := probe.depth(name))[0] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        probe.close()
    count, age = found
    assert count == 2
    if harness.kind == "sqlite":
        assert age is not None
        assert age >= 0
    else:
        assert age is None  # RabbitMQ cannot tell
