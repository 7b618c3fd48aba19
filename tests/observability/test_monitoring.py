"""deploy/monitoring/ against the code: every PromQL expression of the dashboards and alert
rules names metrics and labels that the code defines, so they cannot drift apart."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import aianimals.observability.models
import aianimals.observability.queues  # noqa: F401 - registers the collectors
from aianimals.observability.metrics import CATALOG, REGISTRY, exposed_series

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
DASHBOARDS = sorted((MONITORING / "grafana" / "dashboards").glob("*.json"))
ALERTS = MONITORING / "prometheus" / "alerts.yml"
SCRAPE_LABELS = {"job", "instance", "role", "le"}
"""Labels Prometheus (or a histogram) adds to every series."""
METRIC = re.compile(r"\b((?:aianimals|process|python)_[A-Za-z0-9_]+)\b")
MATCHER_LABEL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")


def _exprs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            else:
                yield from _exprs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _exprs(item)


def _all_exprs() -> list[tuple[str, str]]:
    found = [
        (path.name, expr) for path in DASHBOARDS for expr in _exprs(json.loads(path.read_text()))
    ]
    found += [(ALERTS.name, expr) for expr in _exprs(yaml.safe_load(ALERTS.read_text()))]
    return found


def _known_series() -> dict[str, set[str]]:
    """Every sample name the registry exposes → its label names (scrape labels included)."""
    known = {name: set(spec.labels) for name, spec in exposed_series().items()}
    for family in REGISTRY.collect():
        for sample in family.samples:
            known.setdefault(sample.name, set()).update(sample.labels)
    known["up"] = set()
    return {name: labels | SCRAPE_LABELS for name, labels in known.items()}


def test_the_catalogue_is_what_the_registry_exposes() -> None:
    families = {family.name for family in REGISTRY.collect()}
    assert set(CATALOG) <= families


def test_there_are_dashboards_and_alerts() -> None:
    assert len(DASHBOARDS) >= 2
    names = {
        rule["alert"]
        for group in yaml.safe_load(ALERTS.read_text())["groups"]
        for rule in group["rules"]
    }
    assert {
        "AIAnimalsQueueMessageOld",
        "AIAnimalsHttp5xxRate",
        "AIAnimalsDeadLetters",
        "AIAnimalsSearchSlow",
    } <= names


@pytest.mark.parametrize(("source", "expr"), _all_exprs())
def test_every_expression_names_defined_metrics_and_labels(source: str, expr: str) -> None:
    known = _known_series()
    metrics = set(METRIC.findall(expr)) | ({"up"} if re.search(r"\bup\{", expr) else set())
    assert metrics, f"{source}: {expr!r} names no metric of ours"
    unknown = metrics - set(known)
    assert not unknown, f"{source}: {expr!r} names undefined metrics {sorted(unknown)}"
    labels = set().union(*(known[name] for name in metrics))
    used = {
        label
        for matcher in re.findall(r"\{([^}]*)\}", expr)
        for label in MATCHER_LABEL.findall(matcher)
    }
    used |= {
        label.strip()
        for group in GROUPING.findall(expr)
        for label in group.split(",")
        if label.strip()
    }
    assert used <= labels, (
        f"{source}: {expr!r} uses labels {sorted(used - labels)} its metrics lack"
    )


def test_dashboards_cover_every_metric_family() -> None:
    text = " ".join(expr for source, expr in _all_exprs() if source.endswith(".json"))
    named = set(METRIC.findall(text))
    missing = {name for name, spec in CATALOG.items() if not set(spec.series_names()) & named}
    assert not missing


def test_provisioning_fits_the_dashboards() -> None:
    datasources = yaml.safe_load(
        (MONITORING / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    uids = {source["uid"] for source in datasources["datasources"]}
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        assert board["uid"]
        for panel in board["panels"]:
            assert panel["datasource"]["uid"] in uids, (path.name, panel["title"])
    providers = yaml.safe_load(
        (MONITORING / "grafana/provisioning/dashboards/aianimals.yml").read_text()
    )
    assert providers["providers"][0]["options"]["path"]
    scrape = yaml.safe_load((MONITORING / "prometheus/prometheus.yml").read_text())
    assert {job["job_name"] for job in scrape["scrape_configs"]} == {
        "aianimals-api",
        "aianimals-worker",
    }
    assert any(name.endswith(ALERTS.name) for name in scrape["rule_files"])
