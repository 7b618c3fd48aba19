"""Labelled searches from the logs, and the split by time."""

from __future__ import annotations

from datetime import timedelta

from aianimals.access_logs.models import AccessLog
from aianimals.animals.models import Animal
from aianimals.core.clock import utcnow
from aianimals.core.ids import new_id
from aianimals.ml.ltr.history import Replay
from aianimals.ml.ltr.judgements import GRADES, load_judged_searches, time_split
from aianimals.ml.ltr.live import live_counters, live_profile
from aianimals.ranking.sources import animal_kinds, every_animal
from aianimals.roles.container import Container
from aianimals.users.models import User
from tests.factories import Factory


def test_each_search_is_graded_by_the_best_action_and_shown_animals_get_zero(
    simulated: Container,
) -> None:
    with simulated.database.session() as session:
        connection = session.connection()
        searches = load_judged_searches(connection)
        rows = connection.exec_driver_sql(
            "SELECT search_id, animal_id, action FROM access_logs"
        ).all()
    assert len(searches) > 100
    best: dict[tuple[str, str], int] = {}
    for search_id, animal_id, action in rows:
        key = (search_id, animal_id)
        best[key] = max(best.get(key, 0), GRADES[action])
    by_id = {search.search_id: search for search in searches}
    for (search_id, animal_id), grade in best.items():
        assert by_id[search_id].grades[animal_id] == grade
    assert any(0 in search.grades.values() for search in searches), "no shown-not-chosen"
    assert [s.at for s in searches] == sorted(s.at for s in searches)


def test_the_time_split_keeps_searches_whole_and_tests_on_the_newest(
    simulated: Container,
) -> None:
    with simulated.database.session() as session:
        searches = load_judged_searches(session.connection())
    older, newer = time_split(searches, 0.2)
    assert len(older) + len(newer) == len(searches)
    assert len(newer) == round(len(searches) * 0.2)
    assert max(s.at for s in older) <= min(s.at for s in newer)
    assert not {s.search_id for s in older} & {s.search_id for s in newer}


def test_every_simulated_action_is_verified_so_the_demo_data_keeps_its_labels(
    simulated: Container,
) -> None:
    with simulated.database.session() as session:
        unverified = session.connection().exec_driver_sql(
            "SELECT count(*) FROM access_logs AS a WHERE NOT EXISTS (SELECT 1 FROM impressions "
            "AS i WHERE i.search_id = a.search_id AND i.user_id = a.user_id "
            "AND i.animal_id = a.animal_id)"
        )
        assert unverified.scalar_one() == 0


def _log(search_id: str, user: User, animal: Animal, action: str) -> AccessLog:
    """A stored action, as rows written before actions were checked (or imported) are."""
    return AccessLog(
        id=new_id(),
        search_id=search_id,
        phrases=["柴犬"],
        sort_by="learn_to_rank",
        user_id=user.id,
        likes=0,
        animal_id=animal.id,
        action=action,
        created_at=utcnow(),
    )


def test_a_forged_action_never_reaches_the_training_set(
    container: Container, factory: Factory
) -> None:
    user, other = factory.user(), factory.user()
    shown, also_shown, never_shown = factory.animal(), factory.animal(), factory.animal()
    search_id = factory.shown(user, shown, also_shown)
    factory.session.add_all(
        [
            _log(search_id, user, shown, "select"),  # the one real action
            _log(new_id(), user, never_shown, "like"),  # a made-up search
            _log(search_id, user, never_shown, "like"),  # an animal the search did not show
            _log(search_id, other, also_shown, "like"),  # someone else's search
        ]
    )
    factory.session.commit()
    with container.database.session() as session:
        connection = session.connection()
        searches = load_judged_searches(connection)
        replay = Replay.from_store(connection, animal_kinds(every_animal(session)))
        replay.advance_to(utcnow() + timedelta(days=1))  # after every event
        counters = live_counters(session, [shown.id, also_shown.id, never_shown.id])
        profiles = {u.id: live_profile(session, u.id) for u in (user, other)}
    assert [(s.search_id, s.grades) for s in searches] == [
        (search_id, {shown.id: 1, also_shown.id: 0})
    ]
    # features learn from verified actions only too, the same way in training and serving
    for animal, actions in ((shown, 1), (also_shown, 0), (never_shown, 0)):
        assert replay.counters(animal.id).actions == actions
        assert counters[animal.id] == replay.counters(animal.id)
    assert replay.profile(user.id).graded == {shown.id: 1}
    assert replay.profile(other.id).actions == 0
    assert profiles == {u.id: replay.profile(u.id) for u in (user, other)}
