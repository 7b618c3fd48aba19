"""Runs held-out searches over a search index, with and without query expansion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from aianimals.ml.evaluation.recall import RetrievalMetrics, SearchOutcome, retrieval_metrics
from aianimals.ml.text.corpus import LoggedSearch, StepProgress
from aianimals.search.engine import TextQuery, TextSearch
from aianimals.search.expansion import SimilarWords


@dataclass(frozen=True)
class ExpansionComparison:
    """The same searches without and with the dictionary's expansions."""

    k: int
    without_expansion: RetrievalMetrics
    with_expansion: RetrievalMetrics
    expanded_searches: int
    """Searches for which the dictionary had at least one expansion."""

    @property
    def helps(self) -> bool:
        """Whether expansion beats no expansion on held-out searches: a higher recall of the
        clicked animals, or the same recall with fewer searches that find nothing."""
        plain, expanded = self.without_expansion, self.with_expansion
        if expanded.recall != plain.recall:
            return expanded.recall > plain.recall
        return expanded.zero_hit_share < plain.zero_hit_share


def evaluable(searches: Sequence[LoggedSearch]) -> list[LoggedSearch]:
    """Searches with phrases and at least one animal acted on."""
    return [s for s in searches if any(p.strip() for p in s.phrases) and s.clicked]


def _outcome(index: TextSearch, search: LoggedSearch, query: TextQuery) -> SearchOutcome:
    page = index.search(query).page
    results = tuple(hit.animal_id for hit in page.results)
    return SearchOutcome(clicked=search.clicked, results=results, hits=page.hits)


def compare_expansion(
    index: TextSearch,
    searches: Sequence[LoggedSearch],
    words: SimilarWords,
    *,
    weight: float,
    limit: int,
    k: int = 100,
    progress: StepProgress | None = None,
) -> ExpansionComparison:
    """Each search as logged (phrases, filters) sorted by score, top `k`, both ways."""
    plain: list[SearchOutcome] = []
    expanded: list[SearchOutcome] = []
    with_any = 0
    for done, search in enumerate(searches, start=1):
        query = TextQuery(
            phrases=search.phrases,
            category_id=search.category_id,
            subcategory_id=search.subcategory_id,
            sort_by="score",
            limit=k,
        )
        expansions = words.expansions(search.phrases, weight, limit)
        with_any += bool(expansions)
        plain.append(_outcome(index, search, query))
        expanded_query = replace(query, expansions=expansions)
        expanded.append(_outcome(index, search, expanded_query))
        if progress is not None and (done % 200 == 0 or done == len(searches)):
            progress("evaluating searches", done, len(searches))
    return ExpansionComparison(
        k=k,
        without_expansion=retrieval_metrics(plain, k),
        with_expansion=retrieval_metrics(expanded, k),
        expanded_searches=with_any,
    )
