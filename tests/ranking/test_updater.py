"""The feature updater: events through the real outbox and queue keep the feature store's
counters and profiles equal to what SQL says."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aianimals.animals.service import AnimalService
from aianimals.cli import app
from aianimals.core.events import LIKE_ADDED, Event, MalformedMessage
from aianimals.likes.events import like_added
from aianimals.ml.ltr.live import live_counters, live_profile
from aianimals.ranking.features import FEATURE_VERSION, AnimalCounters, UserProfile
from aianimals.ranking.updater import ANIMAL_COUNTERS, USER_PROFILE, FeatureUpdater
from aianimals.roles.container import Container
from aianimals.users.models import User
from tests.factories import PASSWORD, Factory

# The updater reads in one session and stores through the feature store's own: on a test's
# one connection the reading session's savepoint, rolled back when it closes, would undo
# the stored rows. The rebuild command builds a container of its own.
pytestmark = pytest.mark.committed


def _auth(client: TestClient, user: User) -> dict[str, str]:
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def _counters(container: Container, animal_id: str) -> AnimalCounters | None:
    rows = container.feature_store.get_many(ANIMAL_COUNTERS, FEATURE_VERSION, [animal_id])
    return AnimalCounters.from_dict(rows[animal_id]) if animal_id in rows else None


def _profile(container: Container, user_id: str) -> UserProfile | None:
    rows = container.feature_store.get_many(USER_PROFILE, FEATURE_VERSION, [user_id])
    return UserProfile.from_dict(rows[user_id]) if user_id in rows else None


def test_a_like_updates_the_animals_counters_and_the_likers_profile(
    client: TestClient, factory: Factory, container: Container, drain: Callable[[], int]
) -> None:
    animal, liker = factory.animal(), factory.user("liker")
    headers = _auth(client, liker)
    like = client.post("/v0/like", json={"animal_id": animal.id}, headers=headers)
    assert like.status_code == 200, like.text
    drain()
    assert _counters(container, animal.id) == AnimalCounters(likes=1)
    assert _profile(container, liker.id) == UserProfile(likes=1, likes_by_breed={14: 1})

    client.delete("/v0/like", params={"like_id": like.json()["id"]}, headers=headers)
    drain()
    assert _counters(container, animal.id) == AnimalCounters(likes=0)
    assert _profile(container, liker.id) == UserProfile()


def test_an_access_log_updates_the_actions_of_the_animal_and_of_the_user_who_acted(
    client: TestClient, factory: Factory, container: Container, drain: Callable[[], int]
) -> None:
    animal, user = factory.animal(), factory.user("actor")
    body = {
        "search_id": factory.shown(user, animal),
        "phrases": ["柴犬"],
        "animal_category_id": 2,
        "animal_subcategory_id": 14,
        "sort_by": "learn_to_rank",
        "model_name": None,
        "animal_id": animal.id,
        "action": "select",
    }
    response = client.post("/v0/access_log", json=body, headers=_auth(client, user))
    assert response.status_code == 200, response.text
    drain()
    assert _counters(container, animal.id) == AnimalCounters(impressions=1, actions=1)
    expected = UserProfile(
        actions=1,
        actions_by_breed={14: 1},
        actions_by_category={2: 1},
        graded={animal.id: 1},
    )
    assert _profile(container, user.id) == expected


def test_deactivating_an_animal_deletes_its_counters(
    client: TestClient, factory: Factory, container: Container, drain: Callable[[], int]
) -> None:
    owner = factory.user("owner")
    animal = factory.animal(owner)
    client.post("/v0/like", json={"animal_id": animal.id}, headers=_auth(client, owner))
    drain()
    assert _counters(container, animal.id) == AnimalCounters(likes=1)
    with container.database.session() as session:
        AnimalService(session).hide_own(session.merge(owner), animal.id)
    drain()
    assert _counters(container, animal.id) is None
    assert _profile(container, owner.id) == UserProfile(likes=1, likes_by_breed={14: 1})


def test_a_redelivered_event_leaves_the_same_rows(factory: Factory, container: Container) -> None:
    animal, liker = factory.animal(), factory.user()
    like = factory.like(animal, liker)
    updater = FeatureUpdater(container.database, container.feature_store)
    event = like_added(like.id, animal.id, liker.id)
    updater.sync_like(event)
    first = container.feature_store.get_many(ANIMAL_COUNTERS, FEATURE_VERSION, [animal.id])
    updater.sync_like(event)
    again = container.feature_store.get_many(ANIMAL_COUNTERS, FEATURE_VERSION, [animal.id])
    assert first == again == {animal.id: {"likes": 1, "impressions": 0, "actions": 0}}


def test_an_event_without_its_ids_is_malformed(container: Container) -> None:
    updater = FeatureUpdater(container.database, container.feature_store)
    with pytest.raises(MalformedMessage, match="user_id"):
        updater.sync_like(Event(LIKE_ADDED, {"animal_id": "a"}, "k"))


def test_features_rebuild_stores_what_sql_computes_for_every_animal_and_user(
    factory: Factory, container: Container
) -> None:
    users = [factory.user(f"user{n}") for n in range(3)]
    animals = [factory.animal(users[0]), factory.animal(users[1], subcategory_id=16)]
    hidden = factory.animal(users[2], deactivated=True)
    container.feature_store.put_many(ANIMAL_COUNTERS, FEATURE_VERSION, {hidden.id: {"likes": 9}})
    for animal in animals:
        factory.like(animal, users[2])
    factory.like(animals[0], users[1])

    result = CliRunner().invoke(app, ["features", "rebuild"], obj=container.settings)

    assert result.exit_code == 0, result.output
    assert "2 animals, 3 users" in result.output
    ids = [animal.id for animal in animals]
    with container.database.session() as session:
        live = live_counters(session, ids)
        profiles = {user.id: live_profile(session, user.id) for user in users}
    assert {animal_id: _counters(container, animal_id) for animal_id in ids} == live
    assert {user.id: _profile(container, user.id) for user in users} == profiles
    assert profiles[users[2].id].likes_by_breed == {14: 1, 16: 1}
    assert _counters(container, hidden.id) is None
