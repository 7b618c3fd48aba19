"""`POST /v0/animal/search` with `sort_by=learn_to_rank`, over simulated logs and a trained
registry: arms, champions, fallbacks, and what is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from aianimals.ranking.experiments.arms import parse_label
from aianimals.roles.api import create_app
from aianimals.roles.container import Container, build_container
from aianimals.settings import Settings

QUERY = {"phrases": ["猫"]}


def _client(settings: Settings) -> Iterator[tuple[TestClient, Container]]:
    container = build_container(settings)
    with TestClient(create_app(settings, container)) as client:
        yield client, container
    container.close()


@pytest.fixture
def served(trained: Settings) -> Iterator[tuple[TestClient, Container]]:
    """The API with the trained champions; a budget no loaded test machine misses
    (the budget itself is tested with `starved`)."""
    ranking = trained.ranking.model_copy(update={"budget_ms": 10_000})
    yield from _client(trained.model_copy(update={"ranking": ranking}))


@pytest.fixture
def starved(trained: Settings) -> Iterator[tuple[TestClient, Container]]:
    """The same, with a time budget no ranker can meet."""
    ranking = trained.ranking.model_copy(update={"budget_ms": 0.001})
    yield from _client(trained.model_copy(update={"ranking": ranking}))


def _user_in_arm(container: Container, arm: str) -> str:
    experiment = container.learned_ranking.experiment
    with container.database.session() as session:
        handles = session.execute(text("SELECT id, handle_name FROM users LIMIT 400")).all()
    for user_id, handle in handles:
        if experiment.arm_for(user_id).name == arm:
            return str(handle)
    raise AssertionError(f"no user in arm {arm}")


def _search(client: TestClient, handle: str, sort_by: str, limit: int = 100) -> dict[str, Any]:
    login = client.post("/v0/user/login", json={"handle_name": handle, "password": "password"})
    token = login.json()["token"]
    response = client.post(
        f"/v0/animal/search?limit={limit}",
        json={**QUERY, "sort_by": sort_by},
        headers={"token": token},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    return [result["id"] for result in body["results"]]


def test_the_lambdarank_arm_reorders_the_index_candidates_with_its_champion(
    served: tuple[TestClient, Container],
) -> None:
    client, container = served
    handle = _user_in_arm(container, "lambdarank")
    ranked = _search(client, handle, "learn_to_rank")
    by_score = _search(client, handle, "score")
    label = parse_label(ranked["model_name"])
    assert label is not None
    assert (label.experiment, label.arm, label.served) == (
        "ltr-1",
        "lambdarank",
        "ltr-lambdarank@v1",
    )
    assert ranked["sort_by"] == "learn_to_rank"
    assert ranked["hits"] == by_score["hits"]
    assert set(_ids(ranked)) == set(_ids(by_score))
    assert _ids(ranked) != _ids(by_score)


def test_the_control_arm_serves_the_index_order(served: tuple[TestClient, Container]) -> None:
    client, container = served
    handle = _user_in_arm(container, "control")
    ranked = _search(client, handle, "learn_to_rank", limit=20)
    assert ranked["model_name"] == "ltr-1:control:bm25"
    assert _ids(ranked) == _ids(_search(client, handle, "score", limit=20))


def test_past_the_budget_the_index_order_is_served_and_said(
    starved: tuple[TestClient, Container],
) -> None:
    client, container = starved
    handle = _user_in_arm(container, "lambdarank")
    ranked = _search(client, handle, "learn_to_rank", limit=20)
    assert ranked["model_name"] == "ltr-1:lambdarank:bm25 (fallback: timeout)"
    assert _ids(ranked) == _ids(_search(client, handle, "score", limit=20))


def test_what_was_shown_is_recorded_with_the_arm(served: tuple[TestClient, Container]) -> None:
    client, container = served
    handle = _user_in_arm(container, "debiased")
    ranked = _search(client, handle, "learn_to_rank", limit=10)
    container.impressions.flush()
    with container.database.session() as session:
        rows = session.execute(
            text("SELECT sort_by, model_name FROM impressions WHERE search_id = :s"),
            {"s": ranked["search_id"]},
        ).all()
    assert len(rows) == len(ranked["results"])
    assert {tuple(row) for row in rows} == {("learn_to_rank", "ltr-1:debiased:ltr-debiased@v1")}


def test_preloading_analyses_every_visible_animal_of_a_store_smaller_than_the_preload(
    served: tuple[TestClient, Container], caplog: pytest.LogCaptureFixture
) -> None:
    _, container = served
    ranking = container.learned_ranking
    preload = container.settings.ranking.preload_texts
    ranking.preload(container.database, preload, batch=200).join(timeout=60)
    assert "could not preload" not in caplog.text
    with container.database.session() as session:
        ids = list(session.scalars(text("SELECT id FROM animals WHERE deactivated = false")))
        assert len(ranking.inputs.texts(session, ids)) == len(ids)
