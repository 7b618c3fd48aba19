"""`aianimals api` in two processes: `/metrics` counts every request, whichever process
served it and whichever answers the scrape."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.live import live_api

pytestmark = pytest.mark.slow

REQUESTS = 40
SCRAPES = 8
HEALTH = {"method": "GET", "route": "/v0/health-check", "status": "200"}


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def _value(samples: dict[str, list[tuple[dict[str, str], float]]], name: str) -> float:
    return sum(value for labels, value in samples.get(name, []) if labels == HEALTH)


def _writers(var_dir: Path) -> set[str]:
    """The processes whose request histograms are in the shared metrics directory."""
    return {
        path.stem.rsplit("_", 1)[1]
        for directory in var_dir.glob("metrics-*")
        for path in directory.glob("histogram_*.db")
    }


def test_metrics_of_two_api_processes_count_every_request(tmp_path: Path) -> None:
    with live_api(tmp_path, {"AIANIMALS_API__PROCESSES": "2"}, name="api-2") as site:
        for _ in range(REQUESTS):  # a connection each: the processes take turns accepting
            assert httpx.get(f"{site.url}/v0/health-check", timeout=10).status_code == 200
        assert len(_writers(tmp_path)) == 2, "both processes served requests"
        for _ in range(SCRAPES):
            response = httpx.get(f"{site.url}/metrics", timeout=10)
            assert response.status_code == 200
            samples = _samples(response.text)
            assert _value(samples, "aianimals_http_request_duration_seconds_count") == REQUESTS
            assert "python_info" in samples
            assert "process_resident_memory_bytes" not in samples
            in_flight = samples["aianimals_http_requests_in_flight"]
            assert [value for _, value in in_flight] == [1.0]  # the scrape itself
    assert not list(tmp_path.glob("metrics-*")), "the directory goes when the API stops"
