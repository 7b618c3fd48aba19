"""The learned ranking's background preload of analysed texts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aianimals.core.clock import utcnow
from aianimals.ranking.inputs import LiveInputs
from aianimals.ranking.learned import build_learned_ranking
from aianimals.roles.container import Container
from tests.factories import Factory


@pytest.mark.parametrize(("kept", "asked", "loaded"), [(2, 10, 2), (50, 3, 3)])
def test_preload_analyses_the_newest_animals_asked_for_but_no_more_than_the_cache_keeps(
    factory: Factory, container: Container, kept: int, asked: int, loaded: int
) -> None:
    now = utcnow()
    names = [f"animal{i}" for i in range(5)]
    for age, name in enumerate(names):
        factory.animal(name=name, description="", created_at=now - timedelta(hours=age))
    factory.animal(
        name="hidden", description="", created_at=now + timedelta(hours=1), deactivated=True
    )
    analysed: list[str] = []

    def analyze(text: str) -> list[str]:
        analysed.append(text)
        return text.split()

    ranking = build_learned_ranking(container.settings, analyze)
    try:
        ranking.inputs = LiveInputs(analyze, size=kept)
        ranking.preload(container.database, asked).join(timeout=30)
    finally:
        ranking.close()
    assert {name for name in names if any(name in text for text in analysed)} == set(names[:loaded])
    assert not any("hidden" in text for text in analysed)
