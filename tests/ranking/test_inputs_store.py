"""Serving reads counters and profiles from the feature store: hits without SQL, misses
from SQL (written back), a failing store skipped; the stored values equal the live ones."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from aianimals.animals.models import Animal
from aianimals.ml.ltr.live import live_counters, live_profile
from aianimals.ports.features.base import FeatureStoreError
from aianimals.ranking.features import FEATURE_VERSION, AnimalCounters, UserProfile
from aianimals.ranking.inputs import LiveInputs
from aianimals.ranking.updater import ANIMAL_COUNTERS, USER_PROFILE, rebuild_features
from aianimals.roles.container import Container
from tests.factories import Factory


class JsonStore:
    """A `FeatureStore` in a dict that round-trips rows through JSON, as the real ones do."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], str] = {}
        self.reads: list[tuple[str, list[str]]] = []

    def put_many(self, kind: str, version: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        for entity_id, body in rows.items():
            self.rows[kind, version, entity_id] = json.dumps(dict(body))

    def get_many(self, kind: str, version: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        self.reads.append((kind, list(ids)))
        found = {i: self.rows.get((kind, version, i)) for i in ids}
        return {i: json.loads(body) for i, body in found.items() if body is not None}

    def delete(self, kind: str, ids: Sequence[str]) -> None:
        for key in [key for key in self.rows if key[0] == kind and key[2] in ids]:
            del self.rows[key]

    def close(self) -> None:
        self.rows.clear()


class FailingStore(JsonStore):
    """A store whose server is down."""

    def get_many(self, kind: str, version: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        raise FeatureStoreError("down")

    def put_many(self, kind: str, version: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        raise FeatureStoreError("down")


class NoSql:
    """A session that must not be used."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"SQL was used: Session.{name}")


def _analyze(text: str) -> list[str]:
    return text.split()


def test_stored_counters_and_profiles_are_served_without_sql() -> None:
    store = JsonStore()
    counters = AnimalCounters(likes=4, impressions=10, actions=2)
    profile = UserProfile(actions=3, actions_by_breed={14: 3}, likes=1, likes_by_breed={16: 1})
    store.put_many(ANIMAL_COUNTERS, FEATURE_VERSION, {"a": counters.to_dict()})
    store.put_many(USER_PROFILE, FEATURE_VERSION, {"u": profile.to_dict()})
    inputs = LiveInputs(_analyze, store=store)
    session = cast(Session, NoSql())
    assert inputs.counters(session, ["a"]) == {"a": counters}
    assert inputs.profile(session, "u") == profile
    assert inputs.counters(session, ["a"]) == {"a": counters}  # now from the TTL cache
    assert store.reads == [(ANIMAL_COUNTERS, ["a"]), (USER_PROFILE, ["u"])]


def test_what_the_store_lacks_is_computed_from_sql_and_written_back(
    factory: Factory, container: Container
) -> None:
    stored, fresh, user = factory.animal(), factory.animal(), factory.user("liker")
    factory.like(fresh, user)
    store = JsonStore()
    store.put_many(ANIMAL_COUNTERS, FEATURE_VERSION, {stored.id: {"likes": 7}})
    inputs = LiveInputs(_analyze, store=store)
    with container.database.session() as session:
        counters = inputs.counters(session, [stored.id, fresh.id])
        profile = inputs.profile(session, user.id)
    assert counters == {stored.id: AnimalCounters(likes=7), fresh.id: AnimalCounters(likes=1)}
    assert profile == UserProfile(likes=1, likes_by_breed={14: 1})
    inputs.close()  # the write-backs are done
    again = LiveInputs(_analyze, store=store)
    session = cast(Session, NoSql())
    assert again.counters(session, [fresh.id]) == {fresh.id: AnimalCounters(likes=1)}
    assert again.profile(session, user.id) == profile


def test_a_failing_store_is_skipped_and_sql_answers(factory: Factory, container: Container) -> None:
    animal, user = factory.animal(), factory.user("liker")
    factory.like(animal, user)
    inputs = LiveInputs(_analyze, store=FailingStore())
    with container.database.session() as session:
        assert inputs.counters(session, [animal.id]) == {animal.id: AnimalCounters(likes=1)}
        assert inputs.profile(session, user.id) == UserProfile(likes=1, likes_by_breed={14: 1})


def test_stored_counters_and_profiles_equal_the_live_ones_on_the_simulated_store(
    simulated: Container,
) -> None:
    store = JsonStore()
    animals, users = rebuild_features(simulated.database, store)
    assert animals > 0
    assert users > 0
    served = LiveInputs(simulated.analyzer.analyze, store=store)
    with simulated.database.session() as session:
        visible = select(Animal.id).where(Animal.deactivated.is_(False)).order_by(Animal.id)
        sample = list(session.scalars(visible))[::7]
        user_ids = [
            row[0]
            for row in session.connection().exec_driver_sql(
                "SELECT user_id FROM access_logs GROUP BY user_id ORDER BY count(*) DESC LIMIT 8"
            )
        ]
        live = live_counters(session, sample)
        profiles = {user_id: live_profile(session, user_id) for user_id in user_ids}
    no_sql = cast(Session, NoSql())
    assert served.counters(no_sql, sample) == live
    assert {user_id: served.profile(no_sql, user_id) for user_id in user_ids} == profiles
    assert any(profile.actions_by_breed for profile in profiles.values())


def test_a_stored_row_that_does_not_decode_is_computed_from_sql(
    factory: Factory, container: Container
) -> None:
    animal = factory.animal()
    store = JsonStore()
    store.put_many(ANIMAL_COUNTERS, FEATURE_VERSION, {animal.id: {"likes": "many"}})
    store.put_many(USER_PROFILE, FEATURE_VERSION, {"u": {"likes_by_breed": [1, 2]}})
    inputs = LiveInputs(_analyze, store=store)
    with container.database.session() as session:
        assert inputs.counters(session, [animal.id]) == {animal.id: AnimalCounters()}
        assert inputs.profile(session, "u") == UserProfile()
