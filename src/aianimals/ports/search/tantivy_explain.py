"""Why a document scored what it did, for the administrators' search console.

Each part of the query is run again restricted to the one document: the whole query (its
score), then every term in every field (what the term scores there). A fuzzy term's constant
is reported once, as `token~distance` in the first field where a near token occurs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import tantivy
from tantivy import Occur, Query

from aianimals.ports.search.base import (
    FUZZY_SCORE,
    MAX_FUZZY,
    HitExplanation,
    SearchQuery,
    Term,
    TermMatch,
)
from aianimals.ports.search.tantivy_query import (
    cover_shift,
    exact_query,
    fuzzy_query,
    match_query,
    zero,
)


class Explainer:
    """Explains matches of queries on one searcher."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema) -> None:
        self.searcher = searcher
        self.schema = schema

    def explain(self, query: SearchQuery, animal_ids: Sequence[str]) -> list[HitExplanation]:
        match = match_query(self.schema, query)
        shift = cover_shift(query)
        explained = []
        for animal_id in animal_ids:
            score = self._score(match, animal_id)
            if score is None:
                continue
            score += shift
            clauses = [clause.terms for clause in query.clauses if clause.terms]
            per_clause = [
                [m for t in terms for m in self._matches(t, animal_id)] for terms in clauses
            ]
            boosts = [m for term in query.boosts for m in self._matches(term, animal_id)]
            matches = tuple(m for found in per_clause for m in found) + tuple(boosts)
            covered = sum(1 for found in per_clause if found)
            explained.append(HitExplanation(animal_id, score, covered, matches))
        return explained

    def _matches(self, term: Term, animal_id: str) -> Iterator[TermMatch]:
        for field, weight in term.weighted_fields():
            score = self._score(exact_query(self.schema, term, field, weight), animal_id)
            if score is not None:
                yield TermMatch(field, term.token, score)
        if term.fuzzy <= 0:
            return
        for field in term.fields:
            if self._score(fuzzy_query(self.schema, term, field), animal_id) is not None:
                token = f"{term.token}~{min(term.fuzzy, MAX_FUZZY)}"
                yield TermMatch(field, token, FUZZY_SCORE * term.weight)
                return

    def _score(self, query: Query, animal_id: str) -> float | None:
        """`query`'s score of the document, or None where it does not match."""
        this = zero(Query.term_query(self.schema, "id", animal_id))
        both = Query.boolean_query([(Occur.Must, query), (Occur.Must, this)])
        hits = self.searcher.search(both, 1, count=False).hits
        return float(hits[0][0]) if hits else None
