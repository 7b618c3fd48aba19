"""Feature matrices of judged searches, built with the same functions the API ranks with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aianimals.ml.ltr.history import Replay
from aianimals.ml.ltr.judgements import JudgedSearch
from aianimals.ml.ltr.propensity import RANDOMISED_SORT
from aianimals.ranking.features import (
    FEATURE_NAMES,
    AnimalText,
    IndexPlace,
    feature_vector,
    query_context,
)
from aianimals.search.expansion import Expand

IndexOrder = Callable[[JudgedSearch], Mapping[str, IndexPlace]]
"""The text index's order for a search's phrases and filters: animal id → score and rank."""


@dataclass(frozen=True)
class LtrDataset:
    """Rows of candidates grouped by search, in search order; `groups` are the group sizes."""

    features: NDArray[np.float64]
    grades: NDArray[np.int64]
    groups: NDArray[np.int64]
    search_ids: list[str]
    positions: NDArray[np.int64]  # where each candidate was shown (0 = top)
    animal_ids: list[str]
    randomised: NDArray[np.bool_]  # per group: its results were shown in a random order

    @property
    def group_ids(self) -> NDArray[np.int64]:
        """The group index of every row."""
        return np.repeat(np.arange(len(self.groups)), self.groups)

    def __len__(self) -> int:
        return len(self.groups)

    def with_choices(self, at_least: int = 2) -> LtrDataset:
        """Only the searches with `at_least` candidates: one alone has no order to judge."""
        keep = self.groups >= at_least
        rows = np.repeat(keep, self.groups)
        return LtrDataset(
            features=self.features[rows],
            grades=self.grades[rows],
            groups=self.groups[keep],
            search_ids=[s for s, kept in zip(self.search_ids, keep, strict=True) if kept],
            positions=self.positions[rows],
            animal_ids=[a for a, kept in zip(self.animal_ids, rows, strict=True) if kept],
            randomised=self.randomised[keep],
        )


def build_dataset(
    searches: Sequence[JudgedSearch],
    *,
    texts: Mapping[str, AnimalText],
    replay: Replay,
    index_order: IndexOrder,
    analyze: Callable[[str], Iterable[str]],
    candidates: int,
    expand: Expand,
    on_search: Callable[[int], None] | None = None,
) -> LtrDataset:
    """Features of every graded candidate of every search, as known when it happened.

    `searches` must be in time order (the replay only moves forward). Animals gone from
    the store (no text) are left out; a search left without a candidate is skipped.
    """
    rows: list[list[float]] = []
    grades: list[int] = []
    groups: list[int] = []
    kept: list[str] = []
    positions: list[int] = []
    animal_ids: list[str] = []
    randomised: list[bool] = []
    beyond = IndexPlace(score=0.0, rank=candidates)  # not among the index's top candidates
    for search in searches:
        replay.advance_to(search.at)
        query = query_context(
            analyze,
            phrases=search.phrases,
            expansions=expand(search.phrases),
            filtered=search.category_id is not None or search.subcategory_id is not None,
            at=search.at,
        )
        places = index_order(search)
        user = replay.profile(search.user_id)
        size = 0
        for animal_id, grade in search.grades.items():
            text = texts.get(animal_id)
            if text is None:
                continue
            place = places.get(animal_id, beyond)
            rows.append(feature_vector(query, text, replay.counters(animal_id), user, place))
            grades.append(grade)
            positions.append(search.positions.get(animal_id, len(search.grades)))
            animal_ids.append(animal_id)
            size += 1
        if size:
            groups.append(size)
            kept.append(search.search_id)
            randomised.append(search.sort_by == RANDOMISED_SORT)
        if on_search:
            on_search(1)
    return LtrDataset(
        features=np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURE_NAMES)),
        grades=np.asarray(grades, dtype=np.int64),
        groups=np.asarray(groups, dtype=np.int64),
        search_ids=kept,
        positions=np.asarray(positions, dtype=np.int64),
        animal_ids=animal_ids,
        randomised=np.asarray(randomised, dtype=np.bool_),
    )
