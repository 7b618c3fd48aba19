"""The simulator against a live API over real HTTP, and its start-up checks."""

from __future__ import annotations

import dataclasses
import random
import time
import typing
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.dataset.generator.behaviour import Match, UserProfile
from aianimals.ranking.experiments.report import arm_report
from aianimals.ranking.experiments.simulate import (
    SimulationConfig,
    SimulationError,
    _Run,
    _User,
    age_days,
    check_api,
    search_sort_keys,
    simulate,
)
from aianimals.ranking.experiments.world import ReplayWorld, build_world
from tests.ranking.experiments.conftest import DATASET_ANIMALS, LiveApi, run_cli

PROFILE = UserProfile("u", 0, 1.0, 0.5, ())


def counts(database_url: str) -> tuple[int, int, int]:
    """(access logs, selects, impressions) in the live store."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            logs = connection.scalar(select(func.count()).select_from(AccessLog)) or 0
            selects = (
                connection.scalar(
                    select(func.count()).select_from(AccessLog).where(AccessLog.action == "select")
                )
                or 0
            )
            shown = connection.scalar(select(func.count()).select_from(Impression)) or 0
            return logs, selects, shown
    finally:
        engine.dispose()


def served_sort(url: str) -> str:
    """learn_to_rank when the API accepts it, else score (while it is being added)."""
    with httpx.Client(base_url=url) as client:
        keys = search_sort_keys(client)
    assert keys, "the API's OpenAPI schema lists no search sort keys"
    return "learn_to_rank" if "learn_to_rank" in keys else "score"


def test_simulated_users_search_and_log_actions_against_the_live_api(live_api: LiveApi) -> None:
    before = counts(live_api.database_url)
    sort_by = served_sort(live_api.url)

    done = run_cli(
        live_api.env,
        "simulate",
        "--url",
        live_api.url,
        "--animals",
        str(DATASET_ANIMALS),
        "--users",
        "4",
        "--searches",
        "30",
        "--sort-by",
        sort_by,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "searches" in done.stdout
    deadline = time.monotonic() + 5  # impressions are written in batches, off the request
    after = counts(live_api.database_url)
    while after[2] == before[2] and time.monotonic() < deadline:
        time.sleep(0.1)
        after = counts(live_api.database_url)
    assert after[0] > before[0], "no access log was added"
    assert after[1] > before[1], "no select decision was logged"
    assert after[2] > before[2], "no impression was recorded"
    if sort_by == "learn_to_rank":
        engine = create_engine(live_api.database_url)
        with engine.connect() as connection:
            assert arm_report(connection), "learn_to_rank searches carry no experiment arm"
        engine.dispose()


def test_failed_logins_are_counted_and_the_run_still_ends(live_api: LiveApi) -> None:
    world = dataclasses.replace(build_world(20210521, DATASET_ANIMALS), handles={})
    config = SimulationConfig(
        url=live_api.url, users=2, minutes=0.01, sort_by="score", animals=DATASET_ANIMALS
    )

    summary = simulate(config, world=world)

    assert summary.searches == 0
    assert summary.errors
    assert all(kind.startswith("login: HTTP 4") for kind in summary.errors)


def test_a_refused_connection_fails_the_command_clearly(live_api: LiveApi) -> None:
    with httpx.Client(base_url="http://127.0.0.1:1") as client, pytest.raises(SimulationError):
        check_api(client, "score")
    done = run_cli(live_api.env, "simulate", "--url", "http://127.0.0.1:1", "--searches", "1")

    assert done.returncode == 1
    assert "cannot reach the API" in done.stdout


def mock_client(handler: httpx.MockTransport) -> httpx.Client:
    """A client answered by `handler` instead of a server."""
    return httpx.Client(base_url="http://api.test", transport=handler)


def test_a_server_error_at_start_fails_clearly() -> None:
    failing = httpx.MockTransport(lambda request: httpx.Response(503, text="database down"))

    with mock_client(failing) as client, pytest.raises(SimulationError, match="503"):
        check_api(client, "score")


def test_a_sort_the_api_does_not_accept_fails_at_start() -> None:
    schema = {
        "components": {
            "schemas": {
                "AnimalSearchRequest": {
                    "properties": {"sort_by": {"$ref": "#/components/schemas/SearchSort"}}
                },
                "SearchSort": {"enum": ["score", "like"]},
            }
        }
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("openapi.json"):
            return httpx.Response(200, json=schema)
        return httpx.Response(200, json={"status": "ready"})

    with mock_client(httpx.MockTransport(answer)) as client:
        assert search_sort_keys(client) == ["score", "like"]
        check_api(client, "like")
        with pytest.raises(SimulationError, match="refuses sort_by=learn_to_rank"):
            check_api(client, "learn_to_rank")


def test_an_action_refused_as_unverified_is_sent_once_more_after_a_pause() -> None:
    """With several API processes, an action can arrive before its search's impressions are
    stored by the process that answered the search."""
    answers = [
        httpx.Response(422, json={"code": "unverified_action", "detail": "not shown"}),
        httpx.Response(200, json={"id": "stored"}),
        httpx.Response(422, json={"code": "invalid_request", "detail": "bad body"}),
    ]
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop(0)

    run = _Run(SimulationConfig(), typing.cast(ReplayWorld, None), None)
    with mock_client(httpx.MockTransport(answer)) as client:
        stored = run.call(client, "POST", "/v0/access_log", "access_log", json={})
        refused = run.call(client, "POST", "/v0/access_log", "access_log", json={})
    assert stored is not None
    assert stored.json() == {"id": "stored"}
    assert refused is None  # any other refusal is not retried
    assert len(sent) == 3
    assert dict(run.summary.errors) == {"access_log: HTTP 422": 1}


def test_the_users_choose_among_the_results_as_the_runs_user_model_does() -> None:
    results = [{"id": str(k), "created_at": "2024-05-01T12:00:00Z"} for k in range(50)]
    matches = [Match(1.0, True, 1.0, 1.0)] * 50  # every result attracts
    deep: dict[str, int] = {}
    for name in ("generator", "position-based"):
        run = _Run(SimulationConfig(user_model=name), typing.cast(ReplayWorld, None), None)
        user = _User(run, typing.cast(httpx.Client, None), PROFILE, "token", random.Random(3))
        picks = [user.chosen(results, matches) for _ in range(300)]
        assert all(picked <= {r["id"] for r in results} for picked in picks)
        deep[name] = sum(len(picked - {str(k) for k in range(20)}) for picked in picks)
    # cascade users rarely get past position 20; position-based ones often do
    assert deep["position-based"] > 10 * max(1, deep["generator"])
    assert (
        _User(run, typing.cast(httpx.Client, None), PROFILE, "t", random.Random(0)).chosen([], [])
        == set()
    )


def test_a_results_age_is_read_from_its_created_at() -> None:
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()

    assert age_days({"created_at": two_days_ago}) == pytest.approx(2.0, abs=0.01)
    assert age_days({}) == 0.0
    assert age_days({"created_at": "not a date"}) == 0.0
