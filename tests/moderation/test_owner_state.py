"""The owner sees the true state of their post, unhides it, and asks for a review once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aianimals.core.clock import utcnow
from aianimals.moderation.service import CONFIRM, REJECT
from tests.factories import PASSWORD, Factory
from tests.moderation.conftest import Moderation

OLD = utcnow() - timedelta(hours=1)


def _login(client: TestClient, handle: str) -> dict[str, str]:
    body = {"handle_name": handle, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def _state(client: TestClient, animal_id: str, headers: dict[str, str]) -> dict[str, object]:
    response = client.get(f"/v0/animal/moderation?id={animal_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_new_post_is_checking_until_the_detector_judges_it(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    owner = factory.user("owner")
    animal = factory.animal(owner)
    headers = _login(client, "owner")
    assert _state(client, animal.id, headers)["state"] == "checking"
    moderation.detect(animal, 0.1, review_threshold=0.5)
    assert _state(client, animal.id, headers)["state"] == "visible"


def test_an_old_post_nobody_judged_is_visible(client: TestClient, factory: Factory) -> None:
    animal = factory.animal(factory.user("owner"), created_at=OLD)
    assert _state(client, animal.id, _login(client, "owner"))["state"] == "visible"


def test_a_hidden_post_shows_its_reason_then_the_removal_and_the_note(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    animal = factory.animal(factory.user("owner"))
    headers = _login(client, "owner")
    violation = moderation.detect(animal, 0.97)
    hidden = _state(client, animal.id, headers)
    assert (hidden["state"], hidden["violation_type"]) == (
        "hidden_for_review",
        "no_animal_violation",
    )
    assert (hidden["can_request_review"], hidden["can_unhide"]) == (True, False)
    moderation.call(lambda s: s.review([violation.id], CONFIRM, "admin", "動物が写っていません"))
    removed = _state(client, animal.id, headers)
    assert (removed["state"], removed["note"]) == ("removed", "動物が写っていません")
    moderation.call(lambda s: s.review([violation.id], REJECT, "admin"))
    assert _state(client, animal.id, headers)["state"] == "visible"


def test_the_owner_hides_and_unhides_their_post(client: TestClient, factory: Factory) -> None:
    animal = factory.animal(factory.user("owner"), created_at=OLD)
    headers = _login(client, "owner")
    assert client.delete(f"/v0/animal?id={animal.id}", headers=headers).status_code == 204
    hidden = _state(client, animal.id, headers)
    assert (hidden["state"], hidden["can_unhide"], hidden["can_request_review"]) == (
        "hidden_by_you",
        True,
        False,
    )
    shown = client.post(f"/v0/animal/moderation/unhide?id={animal.id}", headers=headers)
    assert shown.status_code == 200, shown.text
    assert shown.json()["state"] == "visible"
    other = _login(client, factory.user("someone").handle_name)
    listed = client.get(f"/v0/animal?id={animal.id}", headers=other)
    assert [row["id"] for row in listed.json()] == [animal.id]


def test_unhiding_keeps_a_post_hidden_while_a_violation_is_in_effect(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    animal = factory.animal(factory.user("owner"))
    headers = _login(client, "owner")
    moderation.detect(animal, 0.97)
    client.delete(f"/v0/animal?id={animal.id}", headers=headers)
    after = client.post(f"/v0/animal/moderation/unhide?id={animal.id}", headers=headers)
    assert after.json()["state"] == "hidden_for_review"
    assert moderation.animal(animal.id).deactivated


def test_a_review_is_asked_for_once_and_a_removed_post_returns_to_the_queue(
    client: TestClient, factory: Factory, moderation: Moderation
) -> None:
    animal = factory.animal(factory.user("owner"))
    headers = _login(client, "owner")
    violation = moderation.detect(animal, 0.97)
    moderation.call(lambda s: s.review([violation.id], CONFIRM, "admin"))
    url = f"/v0/animal/moderation/review_request?id={animal.id}"
    first = client.post(url, json={"note": "うちの猫です"}, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["state"] == "hidden_for_review"
    assert body["review_requested_at"] is not None
    assert body["can_request_review"] is False
    assert moderation.violation(violation.id).state == "pending"
    assert moderation.animal(animal.id).deactivated  # still hidden until a verdict
    assert moderation.audits()[-1].actor == "owner:owner"
    second = client.post(url, headers=headers)
    assert second.status_code == 409
    assert "already requested" in second.json()["detail"]


def test_a_visible_post_cannot_be_sent_for_review(client: TestClient, factory: Factory) -> None:
    animal = factory.animal(factory.user("owner"), created_at=OLD)
    response = client.post(
        f"/v0/animal/moderation/review_request?id={animal.id}", headers=_login(client, "owner")
    )
    assert response.status_code == 422


@pytest.mark.parametrize("path", ["", "/unhide", "/review_request"])
def test_nobody_but_the_owner_learns_anything(
    client: TestClient, factory: Factory, moderation: Moderation, path: str
) -> None:
    animal = factory.animal(factory.user("owner"))
    moderation.detect(animal, 0.97)
    other = _login(client, factory.user("someone").handle_name)
    url = f"/v0/animal/moderation{path}?id={animal.id}"
    response = client.get(url, headers=other) if not path else client.post(url, headers=other)
    assert response.status_code == 404
    missing = f"/v0/animal/moderation{path}?id={'0' * 32}"
    owner = _login(client, "owner")
    answer = client.get(missing, headers=owner) if not path else client.post(missing, headers=owner)
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("query", "body"),
    [("id=not-an-id", None), ("", None), ("id=" + "0" * 32, {"note": "x" * 501})],
    ids=["bad-id", "no-id", "long-note"],
)
def test_bad_input_is_a_4xx(
    client: TestClient, factory: Factory, query: str, body: dict[str, str] | None
) -> None:
    factory.user("owner")
    response = client.post(
        f"/v0/animal/moderation/review_request?{query}", json=body, headers=_login(client, "owner")
    )
    assert response.status_code == 422


def test_without_a_token_it_is_a_401(client: TestClient) -> None:
    assert client.get(f"/v0/animal/moderation?id={'0' * 32}").status_code == 401


def test_a_post_hidden_with_no_recorded_cause_is_hidden_for_review(
    client: TestClient, factory: Factory
) -> None:
    animal = factory.animal(factory.user("owner"), deactivated=True)
    state = _state(client, animal.id, _login(client, "owner"))
    assert (state["state"], state["violation_type"]) == ("hidden_for_review", None)
