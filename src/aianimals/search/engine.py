"""Text search as every caller runs it: the search route, learn-to-rank and the evaluations.

A `TextQuery` is what a user asked (phrases, filters, sort, page, and the similar words the
route adds); `TextSearch` understands it, runs it on the index and, when it finds too
little, runs it again forgiving typos, then (found nothing) with the similar words as
alternatives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aianimals.ports.search.base import SearchIndex, SearchPage, SearchQuery, SortKey
from aianimals.search.expansion import Expansion
from aianimals.search.understanding import QueryBuilder, Understood

FEW_HITS = 3
"""A search that finds fewer animals than this is run again, forgiving typos."""
BM25_MODEL = "bm25"


@dataclass(frozen=True)
class TextQuery:
    """A search as asked: phrases, the similar words that widen them, filters, order, page."""

    phrases: tuple[str, ...] = ()
    expansions: tuple[Expansion, ...] = ()
    category_id: int | None = None
    subcategory_id: int | None = None
    sort_by: SortKey = "score"
    limit: int = 100
    offset: int = 0
    seed: int = 0


@dataclass(frozen=True)
class Found:
    """A page of results, the index query that gave it, and what the search understood."""

    page: SearchPage
    query: SearchQuery
    understood: Understood
    expanded: bool
    """Similar words took part (as boosts, or as alternatives of a zero-hit query)."""
    suggestion: str | None = None
    """The query as understood, when a word was read as a typo of a vocabulary form."""
    forgiven: bool = False
    """The results are the typo-forgiving pass's (the page's texts say what was meant)."""


Run = Callable[[SearchQuery], SearchPage]
"""Runs an index query (the search route goes through its page cache)."""


class TextSearch:
    """Understands a `TextQuery` and runs it on the index."""

    def __init__(self, index: SearchIndex, builder: QueryBuilder) -> None:
        self.index = index
        self.builder = builder

    def search(self, text: TextQuery, run: Run | None = None) -> Found:
        """The page `text` asks for; `run` runs index queries (default: the index itself)."""
        run = run or self.index.search
        understood = self.builder.understand(text.phrases)
        shape = SearchQuery(
            category_id=text.category_id,
            subcategory_id=text.subcategory_id,
            sort_by=text.sort_by,
            limit=text.limit,
            offset=text.offset,
            seed=text.seed,
        )
        # Similar words never stand in for a breed the user named, and only ever order
        # results (boosts), so they take no part in the other sorts.
        names_breed = any(r.meaning.startswith("breed:") for r in understood.readings)
        expansions = () if names_breed or text.sort_by != "score" else text.expansions
        query = self.builder.query(understood, shape, expansions=expansions)
        if understood.meaningless:
            return Found(SearchPage(hits=0, max_score=0.0, results=[]), query, understood, False)
        if understood.corrected:
            # A word read as a typo may be a word after all (`horse`, not "home"): as typed
            # first, and the correction only when that finds too little.
            literal = self.builder.query(understood, shape, literal=True, expansions=expansions)
            found = run(literal)
            if found.hits >= FEW_HITS:
                return Found(found, literal, understood, bool(literal.boosts))
        suggestion = understood.suggestion
        page = run(query)
        if page.hits >= FEW_HITS or not query.clauses:
            return Found(page, query, understood, bool(query.boosts), suggestion)
        forgiving = self.builder.query(understood, shape, fuzzy=True, expansions=expansions)
        wider = run(forgiving)
        forgiven = wider.hits > page.hits
        if forgiven:
            query, page = forgiving, wider
        if page.hits == 0 and expansions:
            rescue = self.builder.query(understood, shape, expansions=expansions, rescue=True)
            rescued = run(rescue)
            if rescued.hits:
                return Found(rescued, rescue, understood, True, suggestion)
        return Found(page, query, understood, bool(query.boosts), suggestion, forgiven)

    def model_name(
        self, text: TextQuery, found: Found, expansion_version: str | None
    ) -> str | None:
        """What ordered the results: BM25, with the similar-word model when it took part."""
        if text.sort_by != "score" or not found.query.clauses:
            return None
        if found.expanded and expansion_version is not None:
            return f"{BM25_MODEL}+similar_words:{expansion_version}"
        return BM25_MODEL
