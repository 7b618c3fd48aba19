"""通報: a report of another user's post enters the review queue with the reporter's reason."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aianimals.ml.no_animal.dataset import verdict_labels
from aianimals.moderation import reports
from aianimals.moderation.listing import QueueFilter
from aianimals.moderation.service import CONFIRM
from tests.factories import PASSWORD, Factory
from tests.moderation.conftest import Moderation


def _login(client: TestClient, handle: str) -> dict[str, str]:
    body = {"handle_name": handle, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def _report(
    client: TestClient, animal_id: str, headers: dict[str, str], **body: str
) -> tuple[int, dict[str, object]]:
    payload = {"violation_type": "no_animal_violation", "reason": "写真に動物がいません", **body}
    response = client.post(f"/v0/animal/report?id={animal_id}", json=payload, headers=headers)
    return response.status_code, response.json()


def test_a_report_enters_the_queue_with_the_reason_and_the_post_stays_visible(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    animal = factory.animal(factory.user("owner"))
    factory.user("reporter")
    status, body = _report(client, animal.id, _login(client, "reporter"))
    assert status == 201, body
    assert body["animal_id"] == animal.id
    page = moderation.call(lambda s: s.queue(QueueFilter(animal_id=animal.id)))
    [item] = page.items
    assert (item.state, item.is_effective, item.violation_type) == (
        "pending",
        False,
        "no_animal_violation",
    )
    assert item.judge.startswith("report:")
    assert not moderation.animal(animal.id).deactivated
    [audit] = moderation.audits()
    assert audit.note == "reported by @reporter: 写真に動物がいません"


def test_one_report_per_user_and_post(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    animal = factory.animal(factory.user("owner"))
    factory.user("reporter")
    factory.user("another")
    headers = _login(client, "reporter")
    assert _report(client, animal.id, headers)[0] == 201
    status, body = _report(client, animal.id, headers, violation_type="inappropriate_violation")
    assert status == 409
    assert "already reported" in str(body["detail"])
    assert _report(client, animal.id, _login(client, "another"))[0] == 201
    assert len(moderation.violations()) == 2


def test_reports_are_rate_limited(
    client: TestClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports, "MAX_REPORTS_PER_HOUR", 2)
    owner = factory.user("owner")
    animals = [factory.animal(owner) for _ in range(3)]
    factory.user("reporter")
    headers = _login(client, "reporter")
    assert [_report(client, a.id, headers)[0] for a in animals[:2]] == [201, 201]
    response = client.post(
        f"/v0/animal/report?id={animals[2].id}",
        json={"violation_type": "no_animal_violation"},
        headers=headers,
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 3000


def test_bad_reports_are_refused_with_a_4xx(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    owner = factory.user("owner")
    animal = factory.animal(owner)
    hidden = factory.animal(owner, deactivated=True)
    factory.user("reporter")
    mine = _login(client, "owner")
    theirs = _login(client, "reporter")
    assert _report(client, animal.id, mine)[0] == 422  # one's own post
    assert _report(client, hidden.id, theirs)[0] == 404
    assert _report(client, "0" * 32, theirs)[0] == 404
    assert _report(client, animal.id, theirs, violation_type="spam")[0] == 422
    assert _report(client, animal.id, theirs, reason="x" * 501)[0] == 422
    assert _report(client, "not-an-id", theirs)[0] == 422
    assert moderation.violations() == []


def test_a_confirmed_no_animal_report_is_a_labelled_example_for_retraining(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    animal = factory.animal(factory.user("owner"))
    factory.user("reporter")
    _, body = _report(client, animal.id, _login(client, "reporter"))
    moderation.call(lambda s: s.review([str(body["violation_id"])], CONFIRM, "admin"))
    assert moderation.animal(animal.id).deactivated
    with moderation.container.database.session() as session:
        labels, _ = verdict_labels(session)
    assert labels == {animal.id: True}
