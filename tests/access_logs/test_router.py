"""Recording access logs over HTTP: only actions on results a search showed the user."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.animals.models import Animal
from aianimals.core.ids import new_id
from aianimals.roles.container import Container
from aianimals.search.rebuild import rebuild_index
from aianimals.users.models import User
from tests.factories import PASSWORD, Factory


def _auth(client: TestClient, user: User) -> dict[str, str]:
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def _event(animal: Animal, search_id: str, /, **fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "search_id": search_id,
        "phrases": ["柴犬", "散歩"],
        "animal_category_id": 2,
        "animal_subcategory_id": 14,
        "sort_by": "learn_to_rank",
        "model_name": "ranker_v1",
        "animal_id": animal.id,
        "action": "select",
    }
    body.update(fields)
    return body


def _stored(container: Container) -> int:
    with container.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(AccessLog)) or 0)


def _stored_impressions(container: Container) -> int:
    with container.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(Impression)) or 0)


def test_access_log_is_stored_for_the_token_user_with_the_like_count(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user = factory.user()
    animal = factory.animal()
    factory.like(animal, factory.user())
    factory.like(animal, user)
    body = _event(animal, factory.shown(user, animal))
    response = client.post("/v0/access_log", json=body, headers=_auth(client, user))
    assert response.status_code == 200, response.text
    log = response.json()
    assert len(log["id"]) == 32
    assert log["user_id"] == user.id
    assert log["likes"] == 2
    assert log["created_at"]
    for field in ("search_id", "phrases", "sort_by", "model_name", "animal_id", "action"):
        assert log[field] == body[field]
    assert _stored(container) == 1


def test_many_events_share_one_search_id(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user = factory.user()
    animal = factory.animal()
    headers = _auth(client, user)
    search_id = factory.shown(user, animal)
    ids = {
        client.post(
            "/v0/access_log",
            json=_event(animal, search_id, action=action),
            headers=headers,
        ).json()["id"]
        for action in ("select", "see_long", "like")
    }
    assert len(ids) == 3
    assert _stored(container) == 3


def test_access_log_accepts_image_search_without_category(
    client: TestClient, factory: Factory
) -> None:
    user = factory.user()
    animal = factory.animal()
    body = _event(
        animal,
        factory.shown(user, animal, sort_by="image_similarity"),
        phrases=["image_search"],
        sort_by="image_similarity",
        animal_category_id=None,
        animal_subcategory_id=None,
        model_name=None,
    )
    response = client.post("/v0/access_log", json=body, headers=_auth(client, user))
    assert response.status_code == 200, response.text
    assert response.json()["animal_category_id"] is None


def test_access_log_retry_with_same_id_is_idempotent(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user = factory.user()
    headers = _auth(client, user)
    animal = factory.animal()
    body = _event(animal, factory.shown(user, animal), id=new_id())
    first = client.post("/v0/access_log", json=body, headers=headers)
    second = client.post("/v0/access_log", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["id"] == body["id"]
    assert _stored(container) == 1


def test_access_log_id_reused_for_another_event_is_409(
    client: TestClient, factory: Factory, container: Container
) -> None:
    animal = factory.animal()
    event_id = new_id()
    first_user, second_user = factory.user(), factory.user()
    search_id = factory.shown(first_user, animal)
    factory.shown(second_user, animal, search_id=search_id[::-1])
    body = _event(animal, search_id, id=event_id)
    assert client.post("/v0/access_log", json=body, headers=_auth(client, first_user)).is_success
    other_user = client.post("/v0/access_log", json=body, headers=_auth(client, second_user))
    assert other_user.status_code == 409
    other_action = _event(animal, search_id, id=event_id, action="like")
    response = client.post("/v0/access_log", json=other_action, headers=_auth(client, first_user))
    assert response.status_code == 409
    assert "already used" in response.json()["detail"]
    assert _stored(container) == 1


def test_access_log_for_unknown_animal_is_404(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    body = _event(factory.animal(), new_id(), animal_id=new_id())
    response = client.post("/v0/access_log", json=body, headers=headers)
    assert response.status_code == 404
    assert "animal" in response.json()["detail"]


def test_access_log_for_hidden_animal_is_404(client: TestClient, factory: Factory) -> None:
    user = factory.user()
    hidden = factory.animal(deactivated=True)
    body = _event(hidden, factory.shown(user, hidden))  # shown before it was hidden
    assert client.post("/v0/access_log", json=body, headers=_auth(client, user)).status_code == 404


def test_access_log_with_bad_action_is_422(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    response = client.post(
        "/v0/access_log", json=_event(factory.animal(), new_id(), action="stare"), headers=headers
    )
    assert response.status_code == 422
    assert "action" in response.json()["detail"]


def test_access_log_with_bad_fields_is_422_with_the_field_named(
    client: TestClient, factory: Factory
) -> None:
    headers = _auth(client, factory.user())
    animal = factory.animal()
    cases = {
        "search_id": {"search_id": "not-hex"},
        "phrases": {"phrases": ["x" * 101]},
        "sort_by": {"sort_by": "popularity"},
        "animal_category_id": {"animal_category_id": 2**40},
        "id": {"id": "ABC"},
        "unexpected": {"unexpected": 1},
    }
    for field, change in cases.items():
        body = _event(animal, new_id(), **change)
        response = client.post("/v0/access_log", json=body, headers=headers)
        assert response.status_code == 422, field
        assert field in response.json()["detail"], field
    too_many = _event(animal, new_id(), phrases=["a"] * 21)
    assert client.post("/v0/access_log", json=too_many, headers=headers).status_code == 422


def test_access_log_for_another_user_id_is_403(client: TestClient, factory: Factory) -> None:
    user, other = factory.user(), factory.user()
    headers = _auth(client, user)
    animal = factory.animal()
    search_id = factory.shown(user, animal)
    mine = _event(animal, search_id, user_id=user.id)
    assert client.post("/v0/access_log", json=mine, headers=headers).status_code == 200
    theirs = _event(animal, search_id, user_id=other.id)
    assert client.post("/v0/access_log", json=theirs, headers=headers).status_code == 403


def test_access_log_without_token_is_401(client: TestClient, factory: Factory) -> None:
    response = client.post("/v0/access_log", json=_event(factory.animal(), new_id()))
    assert response.status_code == 401


def _refused(response: Response) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "unverified_action"
    assert "did not show" in response.json()["detail"]


def test_an_action_on_a_made_up_search_is_refused_and_not_stored(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user, animal = factory.user(), factory.animal()
    headers = _auth(client, user)
    for action in ("select", "see_long", "like") * 3 + ("like",):
        body = _event(animal, new_id(), action=action)
        _refused(client.post("/v0/access_log", json=body, headers=headers))
    assert _stored(container) == 0


def test_an_action_on_another_users_search_or_on_an_animal_it_did_not_show_is_refused(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user, other = factory.user(), factory.user()
    shown, not_shown = factory.animal(), factory.animal()
    theirs = factory.shown(other, shown)
    mine = factory.shown(user, shown)
    headers = _auth(client, user)
    _refused(client.post("/v0/access_log", json=_event(shown, theirs), headers=headers))
    _refused(client.post("/v0/access_log", json=_event(not_shown, mine), headers=headers))
    assert client.post("/v0/access_log", json=_event(shown, mine), headers=headers).is_success
    assert _stored(container) == 1


def test_an_action_right_after_a_search_is_accepted_before_its_impressions_are_stored(
    client: TestClient, factory: Factory, container: Container
) -> None:
    user = factory.user()
    animal = factory.animal()
    rebuild_index(container.database, container.search_index, container.cache)
    container.impressions.flush_seconds = 60  # the search's impressions stay in the writer
    headers = _auth(client, user)
    search = client.post("/v0/animal/search", json={"sort_by": "created_at"}, headers=headers)
    assert [result["id"] for result in search.json()["results"]] == [animal.id]
    body = _event(animal, search.json()["search_id"], sort_by="created_at", model_name=None)
    assert _stored_impressions(container) == 0
    held = client.post("/v0/access_log", json=body, headers=headers)
    assert held.status_code == 200, held.text
    container.impressions.flush()
    assert _stored_impressions(container) == 1
    stored = client.post("/v0/access_log", json={**body, "action": "like"}, headers=headers)
    assert stored.status_code == 200, stored.text
    other = _auth(client, factory.user())
    _refused(client.post("/v0/access_log", json=body, headers=other))
    assert _stored(container) == 2
