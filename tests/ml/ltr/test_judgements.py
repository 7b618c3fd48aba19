"""Labelled searches from the logs, and the split by time."""

from __future__ import annotations

from aianimals.api.container import Container
from aianimals.ml.ltr.judgements import GRADES, load_judged_searches, time_split


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
