"""Serving computes the same features as training: same inputs, same vector."""

from __future__ import annotations

from datetime import timedelta

from aianimals.core.clock import as_naive_utc
from aianimals.ml.ltr.history import Replay
from aianimals.ranking.features import IndexPlace, feature_vector, query_context
from aianimals.ranking.inputs import LiveInputs
from aianimals.ranking.sources import animal_kinds, every_animal, text_of
from aianimals.roles.container import Container
from aianimals.search.expansion import Expansion, SimilarWords, expander


def _dictionary() -> SimilarWords:
    return SimilarWords(version="test", words={"子猫": [("kitten", 0.8)]})


def test_live_counters_profile_and_texts_equal_the_replay_after_the_last_event(
    simulated: Container,
) -> None:
    analyze = simulated.analyzer.analyze
    with simulated.database.session() as session:
        documents = every_animal(session)
        connection = session.connection()
        replay = Replay.from_store(connection, animal_kinds(documents))
        last = connection.exec_driver_sql("SELECT max(created_at) FROM access_logs").scalar_one()
        users = [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT user_id FROM access_logs GROUP BY user_id ORDER BY count(*) DESC LIMIT 5"
            )
        ]
        every = documents[:: max(1, len(documents) // 40)]
        served_inputs = LiveInputs(analyze)
        texts = served_inputs.texts(session, [d.id for d in every])
        sample = [d for d in every if d.id in texts]  # the visible ones
        counters = served_inputs.counters(session, [d.id for d in sample])
        profiles = {user: served_inputs.profile(session, user) for user in users}

    moment = as_naive_utc(last) + timedelta(days=365)
    replay.advance_to(moment)
    phrases = ("子猫",)
    served_query = query_context(
        analyze,
        phrases=phrases,
        expansions=(Expansion("子猫", "kitten", 0.4),),
        filtered=False,
        at=moment,
    )
    # training expands logged phrases with the same dictionary the search route uses
    trained_query = query_context(
        analyze,
        phrases=phrases,
        expansions=expander(_dictionary(), 0.5, 3)(phrases),
        filtered=False,
        at=moment,
    )
    assert served_query == trained_query
    place = IndexPlace(3.0, 1)
    for user in users:
        assert profiles[user] == replay.profile(user)
        for document in sample:
            assert counters[document.id] == replay.counters(document.id)
            served = feature_vector(
                served_query, texts[document.id], counters[document.id], profiles[user], place
            )
            trained = feature_vector(
                trained_query,
                text_of(document, analyze),
                replay.counters(document.id),
                replay.profile(user),
                place,
            )
            assert served == trained
    assert any(profile.actions for profile in profiles.values())
    assert any(counters[d.id].impressions for d in sample)
