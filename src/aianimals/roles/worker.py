"""Composition root of the worker role: the outbox relay and the queue consumers.

`aianimals worker` runs them until SIGTERM/SIGINT, then drains: every consumer finishes
the batch in hand, acks it, and stops. `aianimals up` runs the same threads beside the API.

The worker role serves its Prometheus metrics on a port of its own (`observability.server`:
127.0.0.1:9108 unless `AIANIMALS_METRICS__HOST` / `__PORT` say otherwise); under `up` the
API's `/metrics` covers the workers, which share its process.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from aianimals.images.tasks import DETECTOR_JUDGE, IMAGE_QUEUE
from aianimals.moderation.bands import BandChange, apply_review_bands
from aianimals.moderation.registry import REGISTRY_QUEUE, ViolationRegistry
from aianimals.observability.models import watch_container
from aianimals.observability.queues import watch_queues
from aianimals.observability.server import MetricsServer, start_metrics_server
from aianimals.ports.queue.base import QueueUnavailable
from aianimals.ports.queue.consumer import Consumer
from aianimals.ports.queue.factory import create_queue
from aianimals.ports.sql import migrate
from aianimals.ports.sql.outbox import OutboxRelay
from aianimals.ranking.updater import FEATURE_UPDATER_QUEUE, FeatureUpdater
from aianimals.roles.container import Container, build_container
from aianimals.roles.images import image_tasks
from aianimals.search.tasks import INDEXER_QUEUE, Indexer
from aianimals.settings import MetricsSettings, Settings

logger = logging.getLogger(__name__)

RELAY_IDLE_SECONDS = 0.2
"""How long the relay sleeps when the outbox is empty (bounds post → searchable latency)."""


def consumers(container: Container) -> list[Consumer]:
    """Every consumer of this platform, each with a queue connection of its own."""
    indexer = Indexer(container.database, container.search_index, container.cache)
    updater = FeatureUpdater(container.database, container.feature_store)
    settings = container.settings.queue
    bands = container.settings.images
    registry = ViolationRegistry(container.database, bands.thresholds, bands.review_thresholds)
    found = [
        Consumer(create_queue(settings), INDEXER_QUEUE, indexer.handlers(), settings),
        Consumer(create_queue(settings), FEATURE_UPDATER_QUEUE, updater.handlers(), settings),
        Consumer(create_queue(settings), REGISTRY_QUEUE, registry.handlers(), settings),
    ]
    if container.settings.images.enabled:
        images = image_tasks(container)
        found.append(Consumer(create_queue(settings), IMAGE_QUEUE, images.handlers(), settings))
    return found


def rebanded(container: Container) -> BandChange:
    """Move the detector's stored detections into the configured review bands (idempotent;
    the worker does it when it starts, so a changed band applies to old rows too)."""
    review = container.settings.images.review_thresholds
    with container.database.session() as session:
        change = apply_review_bands(session, review, DETECTOR_JUDGE)
    if change.unqueued or change.queued:
        logger.info(
            "review bands: %d detections left the queue, %d entered it",
            change.unqueued,
            change.queued,
        )
    return change


@dataclass
class Workers:
    """The relay and consumer threads of one process."""

    container: Container
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    _unwatch: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def start(self) -> None:
        """Declare the queues (so nothing published before a consumer starts is lost), go."""
        workers = consumers(self.container)
        for consumer in workers:
            consumer.declare()
        self._apply_review_bands()
        watch_container(self.container)
        queues = [consumer.name for consumer in workers]
        self._unwatch.append(watch_queues(self.container.settings.queue, queues))
        relay = OutboxRelay(self.container.database, create_queue(self.container.settings.queue))
        self._spawn("outbox-relay", lambda: _relay_loop(relay, self.stop))
        for consumer in workers:
            self._spawn(f"consumer-{consumer.name}", partial(consumer.run, self.stop))

    def shutdown(self, timeout: float = 30.0) -> None:
        """Ask every thread to finish its batch, and wait for them."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        while self._unwatch:
            self._unwatch.pop()()

    def _apply_review_bands(self) -> None:
        rebanded(self.container)

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)


def _relay_loop(relay: OutboxRelay, stop: threading.Event) -> None:
    """Publish the outbox as rows arrive; a failure is logged and retried (outermost loop)."""
    while not stop.is_set():
        try:
            published = relay.relay_once()
        except QueueUnavailable as error:
            logger.warning("outbox relay: %s; trying again", error)
            published = 0
        except Exception:
            logger.exception("outbox relay failed; trying again")
            published = 0
        if not published:
            stop.wait(RELAY_IDLE_SECONDS)
    relay.close()


def run_worker(settings: Settings) -> None:
    """The worker role: run until SIGTERM or SIGINT, then drain and exit."""
    container = build_container(settings)
    if migrate.pending(container.database):
        container.close()
        msg = "the SQL store is not migrated: run `aianimals migrate` first"
        raise SystemExit(msg)
    workers = Workers(container)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: workers.stop.set())
    workers.start()
    metrics = serve_metrics(settings.metrics)
    logger.info("worker running; SIGTERM drains and stops it")
    try:
        workers.stop.wait()
    finally:
        if metrics is not None:
            metrics.close()
        workers.shutdown()
        container.close()


def serve_metrics(address: MetricsSettings) -> MetricsServer | None:
    """The worker's `/metrics` server where the settings ask for it (default: on).

    A port already taken (a second worker on one machine) leaves this worker without one:
    metrics are worth less than the events it handles.
    """
    if not address.enabled:
        return None
    try:
        server = start_metrics_server(address.host, address.port)
    except OSError:
        logger.exception("no metrics server: %s:%d cannot be bound", address.host, address.port)
        return None
    logger.info("metrics at http://%s:%d/metrics", address.host, server.port)
    return server
