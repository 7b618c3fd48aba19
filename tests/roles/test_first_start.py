"""First-start steps: the sources the training steps read come from the container."""

from __future__ import annotations

from aianimals.roles.container import Container
from aianimals.roles.first_start import ltr_sources


def test_learn_to_rank_sources_read_the_containers_store_and_search_with_the_runs_choices(
    container: Container,
) -> None:
    sources = ltr_sources(container, candidates=7, test_share=0.5)
    assert sources.database is container.database
    assert sources.index is container.text_search
    assert (sources.candidates, sources.test_share) == (7, 0.5)
    assert list(sources.analyze("柴犬の写真")) == list(container.analyzer.analyze("柴犬の写真"))
