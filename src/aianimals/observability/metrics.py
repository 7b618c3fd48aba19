"""Every Prometheus metric of the platform, in one registry of its own, and the helpers that
observe them.

The metrics are process-wide: several apps or consumers in one process (tests, `aianimals
up`) share them, so a test compares a sample before and after (`REGISTRY.get_sample_value`).
`REGISTRY` is dedicated, not prometheus_client's default one, so that nothing imported by
accident adds to what `/metrics` exposes. `CATALOG` names every family with its type and
labels; the dashboards and alert rules under `deploy/monitoring/` are checked against it.

Several API processes (`api.processes` > 1) share their values through files
(`observability.multiprocess`): `in_multiprocess_mode()` says whether this process does, and the
collectors that read live state at a scrape are listed in `LIVE_COLLECTORS`.

Label values that come from data (event types, violation types, judges) pass through a
`BoundedLabel`, so a flood of odd values cannot create unbounded series.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Literal, ParamSpec, TypeVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    values,
)
from prometheus_client.registry import Collector

P = ParamSpec("P")
R = TypeVar("R")

Kind = Literal["counter", "gauge", "histogram"]
OTHER = "other"
"""The label value that stands for every value past a `BoundedLabel`'s limit."""
UNMATCHED_ROUTE = "<unmatched>"
"""The `route` label of a request no route matched (a 404 from the router, say)."""

disable_created_metrics()  # type: ignore[no-untyped-call]  # no `_created` series: they double the series for no alert's use


def in_multiprocess_mode() -> bool:
    """Whether prometheus_client keeps this process's values in files shared with its
    siblings (it decided so when it was imported, from `PROMETHEUS_MULTIPROC_DIR`)."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)
LIVE_COLLECTORS: list[Collector] = []
"""Collectors that read state when scraped, served in multiprocess mode too (unlike the
process and GC ones, which describe one process only)."""


def register_live(collector: Collector) -> None:
    """Add a collector of live state to `REGISTRY` and to every multiprocess scrape."""
    REGISTRY.register(collector)
    LIVE_COLLECTORS.append(collector)


register_live(PlatformCollector(registry=None))


@dataclass(frozen=True)
class MetricSpec:
    """A metric family: its name (without `_total`), type and label names."""

    name: str
    kind: Kind
    labels: tuple[str, ...]

    def series_names(self) -> tuple[str, ...]:
        """The sample names it exposes (what PromQL refers to)."""
        if self.kind == "counter":
            return (f"{self.name}_total",)
        if self.kind == "histogram":
            return tuple(f"{self.name}_{suffix}" for suffix in ("bucket", "count", "sum"))
        return (self.name,)


CATALOG: dict[str, MetricSpec] = {}
"""Every family this module defines, by name (the collectors' ones included)."""


def _spec(name: str, kind: Kind, *labels: str) -> MetricSpec:
    spec = MetricSpec(name, kind, labels)
    CATALOG[name] = spec
    return spec


def _histogram(spec: MetricSpec, doc: str, buckets: tuple[float, ...]) -> Histogram:
    return Histogram(spec.name, doc, spec.labels, buckets=buckets, registry=REGISTRY)


def _counter(spec: MetricSpec, doc: str) -> Counter:
    return Counter(spec.name, doc, spec.labels, registry=REGISTRY)


HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SEARCH_BUCKETS = (0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0)
WORK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

HTTP_REQUEST_SECONDS = _histogram(
    _spec("aianimals_http_request_duration_seconds", "histogram", "method", "route", "status"),
    "HTTP requests: time to the last byte, by route template and status",
    HTTP_BUCKETS,
)
HTTP_IN_FLIGHT = Gauge(
    "aianimals_http_requests_in_flight",
    "HTTP requests being handled now",
    _spec("aianimals_http_requests_in_flight", "gauge").labels,
    registry=REGISTRY,
    multiprocess_mode="livesum",  # every live process's requests
)
SEARCH_SECONDS = _histogram(
    _spec("aianimals_search_duration_seconds", "histogram", "sort_by", "arm", "served"),
    "Animal searches (index, re-ranking, hydration): by sort key, model arm and what served",
    SEARCH_BUCKETS,
)
CONSUMER_MESSAGES = _counter(
    _spec("aianimals_consumer_messages", "counter", "queue", "event_type", "outcome"),
    "Queue deliveries settled by a consumer: handled, retried or dead_lettered",
)
CONSUMER_HANDLER_SECONDS = _histogram(
    _spec("aianimals_consumer_handler_duration_seconds", "histogram", "queue", "event_type"),
    "Time a consumer's handler took for one event (whatever its outcome)",
    WORK_BUCKETS,
)
INFERENCE_SECONDS = _histogram(
    _spec("aianimals_model_inference_duration_seconds", "histogram", "model"),
    "Model inference calls (one batch of inputs each)",
    WORK_BUCKETS,
)
VIOLATION_DETECTIONS = _counter(
    _spec("aianimals_violation_detections", "counter", "violation_type", "judge", "effective"),
    "Violation detections recorded, by type, judge, and whether they reached the threshold",
)
MODEL_INFO = _spec("aianimals_model_info", "gauge", "model", "version")
"""1 per model in service and the version it serves (see `observability.models`)."""
QUEUE_MESSAGES = _spec("aianimals_queue_messages", "gauge", "queue")
"""Messages in a consumer queue (see `observability.queues` for what each adapter counts)."""
QUEUE_OLDEST_AGE = _spec("aianimals_queue_oldest_message_age_seconds", "gauge", "queue")
"""Age of the oldest message in a consumer queue, where the adapter can tell."""

OUTCOMES = ("handled", "retried", "dead_lettered")


class BoundedLabel:
    """Passes at most `limit` distinct values of one label; later new ones read `other`."""

    def __init__(self, limit: int = 50) -> None:
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: str) -> str:
        if value in self._seen:
            return value
        with self._lock:
            if value in self._seen or len(self._seen) < self.limit:
                self._seen.add(value)
                return value
        return OTHER


event_type_label = BoundedLabel()
_violation_type = BoundedLabel()
_judge = BoundedLabel(10)
_arm = BoundedLabel(20)


def search_labels(sort_by: str, model_name: str | None) -> tuple[str, str]:
    """The `arm` and `served` labels of a search, from its response's `model_name`.

    learn_to_rank answers `<experiment>:<arm>:<served>`: the arm is its name, and `served`
    is `model`, `index` (the control arm) or `fallback_<why>` (no model, timeout, error).
    Other sorts are served by the index: the arm is the text model without its version
    (`bm25`, `bm25+similar_words`) or `none` for sorts without a text query.
    """
    if model_name is None:
        return "none", "index"
    if sort_by != "learn_to_rank":
        return _arm(model_name.split(":", 1)[0]), "index"
    parts = model_name.split(":", 2)
    if len(parts) < 3:
        return _arm(model_name), "index"
    _experiment, arm, served = parts
    if "(fallback:" in served:
        why = served.split("(fallback:", 1)[1].strip(" )").replace(" ", "_")
        return _arm(arm), f"fallback_{why}" if why in {"no_model", "timeout", "error"} else OTHER
    return _arm(arm), ("index" if served == "bm25" else "model")


class SearchTimer:
    """Started with a search; `done` observes it with the labels of what served it."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def done(self, sort_by: str, model_name: str | None) -> None:
        """Observe the time since the timer started."""
        arm, served = search_labels(sort_by, model_name)
        SEARCH_SECONDS.labels(sort_by, arm, served).observe(time.perf_counter() - self.started)


def timed_inference(model: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate an inference call: its duration goes to the `model`'s inference histogram."""
    child = INFERENCE_SECONDS.labels(model)

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def timed(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                child.observe(time.perf_counter() - started)

        return timed

    return decorate


def observe_violation(violation_type: str, judge: str, *, effective: bool) -> None:
    """Count one recorded detection."""
    VIOLATION_DETECTIONS.labels(
        _violation_type(violation_type), _judge(judge), "true" if effective else "false"
    ).inc()


def exposed_series() -> dict[str, MetricSpec]:
    """Sample name (as PromQL writes it) → the family it belongs to."""
    return {series: spec for spec in CATALOG.values() for series in spec.series_names()}
