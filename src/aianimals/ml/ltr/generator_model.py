"""What only the demo generator knows, rebuilt from its seed: the hidden model's expected gain
of each shown animal (the generator's own model, an oracle no ranker can see) and the true
position curve of its randomised searches (to check the propensity estimate against).

Only the learn-to-rank report and its checks use this; training never does.
"""

from __future__ import annotations

from collections import defaultdict

from aianimals.dataset.generator.behaviour import (
    Match,
    click_probability,
    like_probability,
    see_long_probability,
)
from aianimals.dataset.generator.pipeline import Simulated
from aianimals.dataset.generator.simulation import Trace, match_of
from aianimals.ml.ltr.propensity import (
    FIRST_PAGE,
    RANDOMISED_SORT,
    ExaminedSearch,
    ShownClicks,
)

GAIN = {1: 1.0, 3: 7.0, 4: 15.0}
"""2^grade − 1: the gain NDCG gives select, see_long and like."""


class GeneratorTruth:
    """The simulation of a generated dataset, keyed by the store's search and animal ids."""

    def __init__(self, simulated: Simulated) -> None:
        self.simulated = simulated
        self._animals = {animal.animal_id: i for i, animal in enumerate(simulated.animals)}
        self._traces = {trace.search_id: trace for trace in simulated.result.traces}

    def knows(self, search_id: str) -> bool:
        """Whether the simulation made this search."""
        return search_id in self._traces

    def expected_gain(self, search_id: str, animal_id: str) -> float:
        """E[2^grade − 1] of this animal in this search if examined, under the hidden model."""
        match = self.match(search_id, animal_id)
        if match is None:
            return 0.0
        model = self.simulated.world.model
        click = click_probability(model, match)
        read = see_long_probability(model, match)
        like = like_probability(model, match)
        return click * ((1 - read) * GAIN[1] + read * ((1 - like) * GAIN[3] + like * GAIN[4]))

    def match(self, search_id: str, animal_id: str) -> Match | None:
        """The hidden features of this animal for the user and concepts of this search
        (None: an animal the generator did not make)."""
        trace = self._traces[search_id]
        index = self._animals.get(animal_id)
        if index is None:
            return None
        return match_of(self.simulated.world, trace.user, index, trace.concepts)

    def randomised(self) -> tuple[list[ShownClicks], list[ExaminedSearch]]:
        """The randomised searches as their logs show them, and as the simulation knows them."""
        sim = self.simulated
        pages: dict[str, dict[int, int]] = defaultdict(dict)
        for shown in sim.result.impressions:
            trace = self._traces[shown.search_id]
            if trace.sort_by == RANDOMISED_SORT and shown.position < FIRST_PAGE:
                pages[shown.search_id][shown.animal] = shown.position
        clicked: dict[str, set[int]] = defaultdict(set)
        for event in sim.result.events:
            page = pages.get(event.search_id)
            if page is not None and event.action == "select" and event.animal in page:
                clicked[event.search_id].add(page[event.animal])
        logged, known = [], []
        for search_id, page in pages.items():
            trace = self._traces[search_id]
            logged.append(ShownClicks(len(page), frozenset(clicked[search_id])))
            order = sorted(page, key=page.__getitem__)
            chances = tuple(self._click_chance(trace, animal) for animal in order)
            known.append(ExaminedSearch(trace.deepest, chances))
        return logged, known

    def _click_chance(self, trace: Trace, animal: int) -> float:
        world = self.simulated.world
        return click_probability(world.model, match_of(world, trace.user, animal, trace.concepts))
