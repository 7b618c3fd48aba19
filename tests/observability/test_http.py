"""`GET /metrics` on the API app: request metrics by route template, search metrics."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from aianimals.observability.metrics import REGISTRY, UNMATCHED_ROUTE
from tests.factories import PASSWORD, Factory

DURATION = "aianimals_http_request_duration_seconds_count"
MEDIA = "/media/{key:path}"


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_count_requests_by_route_template_not_raw_path(client: TestClient) -> None:
    media = {"method": "GET", "route": MEDIA, "status": "404"}
    unmatched = {"method": "GET", "route": UNMATCHED_ROUTE, "status": "404"}
    before = sample(DURATION, media), sample(DURATION, unmatched)
    for number in range(3):
        assert client.get(f"/media/photo-{number}-5eed1d.jpg").status_code == 404
    assert client.get("/v0/no-such-route-7f3a").status_code == 404

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert sample(DURATION, media) - before[0] == 3
    assert sample(DURATION, unmatched) - before[1] == 1
    assert "5eed1d" not in response.text
    assert "7f3a" not in response.text
    families = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "aianimals_http_request_duration_seconds",
        "aianimals_http_requests_in_flight",
        "aianimals_search_duration_seconds",
        "aianimals_consumer_messages",
        "aianimals_model_info",
        "aianimals_queue_messages",
        "process_resident_memory_bytes",
    } <= families


def test_metrics_route_is_outside_the_api_schema(client: TestClient) -> None:
    assert "/metrics" not in client.get("/v0/openapi.json").json()["paths"]
    assert client.get("/v0/metrics").status_code == 404


def test_search_latency_is_labelled_by_sort_and_arm(client: TestClient, factory: Factory) -> None:
    factory.user("metered")
    login = {"handle_name": "metered", "password": PASSWORD}
    headers = {"token": client.post("/v0/user/login", json=login).json()["token"]}
    name = "aianimals_search_duration_seconds_count"
    by_like = {"sort_by": "like", "arm": "none", "served": "index"}
    by_text = {"sort_by": "score", "arm": "bm25", "served": "index"}
    before = sample(name, by_like), sample(name, by_text)

    for body in ({"sort_by": "like"}, {"sort_by": "score", "phrases": ["ねこ"]}):
        assert client.post("/v0/animal/search", json=body, headers=headers).status_code == 200

    assert sample(name, by_like) - before[0] == 1
    assert sample(name, by_text) - before[1] == 1
    route = {"method": "POST", "route": "/v0/animal/search", "status": "200"}
    assert sample(DURATION, route) >= 2


def test_static_files_of_the_web_app_are_labelled_by_their_mount(client: TestClient) -> None:
    page = client.get("/").text
    script = page.split('<script type="module" src="', 1)[1].split('"', 1)[0]
    mount = "/".join(script.split("/")[:3])  # /app/<build>
    labels = {"method": "GET", "route": f"{mount}/{{path:path}}", "status": "200"}
    before = sample(DURATION, labels)
    assert client.get(script).status_code == 200
    assert sample(DURATION, labels) - before == 1
    assert sample(DURATION, {"method": "GET", "route": "/", "status": "200"}) >= 1
