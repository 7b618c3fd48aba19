"""A `SearchQuery` as a tantivy query, scored as the port says (see `SearchQuery`).

    term      Σ over fields of BM25(token, field) × field weight × term weight
              (+ FUZZY_SCORE × term weight when fuzzy and within distance in any field)
    clause    dis_max of its terms, plus COVER_WEIGHT (a constant over all documents,
              required alongside: it adds to the clause's score only where the clause matches)
              (a query of one clause leaves the constant out: `cover_shift` adds it back)
    query     clauses as should-clauses with minimum_number_should_match = min_cover, filters
              as zero-scored musts, boost terms as should-clauses beside a must (never needed).
              Without clauses: every document (filtered), score 0, boost terms ignored

tantivy's BM25 carries a (k1 + 1) factor that Lucene's, and so OpenSearch's, does not: it is
divided out, so that both backends score alike and BM25 stays below COVER_WEIGHT.
"""

from __future__ import annotations

from collections.abc import Iterator

import tantivy
from tantivy import Occur, Query

from aianimals.ports.search.base import (
    COVER_WEIGHT,
    FUZZY_SCORE,
    MAX_FUZZY,
    Clause,
    SearchQuery,
    Term,
)

K1 = 1.2
LUCENE_BM25 = 1.0 / (1.0 + K1)
FILTER_FIELDS: tuple[tuple[str, str], ...] = (
    ("category_id", "category_id"),
    ("subcategory_id", "subcategory_id"),
    ("owner", "owner"),
)
"""(SearchQuery attribute, schema field) of the exact filters."""


def zero(query: Query) -> Query:
    """`query` as a filter: it must match, and adds nothing to the score."""
    return Query.const_score_query(query, 0.0)


def exact_query(schema: tantivy.Schema, term: Term, field: str, field_weight: float) -> Query:
    """BM25 of `term`'s token in one field, weighted."""
    boost = term.weight * field_weight * LUCENE_BM25
    return Query.boost_query(Query.term_query(schema, field, term.token), boost)


def fuzzy_query(schema: tantivy.Schema, term: Term, field: str) -> Query:
    """Any token of `field` within `term.fuzzy` edits (a transposition is one), unscored."""
    distance = min(term.fuzzy, MAX_FUZZY)
    return Query.fuzzy_term_query(
        schema, field, term.token, distance=distance, transposition_cost_one=True
    )


def term_query(schema: tantivy.Schema, term: Term) -> Query:
    """A term's score: its weighted BM25 summed over the fields, plus the fuzzy constant."""
    parts = [
        (Occur.Should, exact_query(schema, term, field, weight))
        for field, weight in term.weighted_fields()
    ]
    if term.fuzzy > 0:
        near = Query.boolean_query(
            [(Occur.Should, fuzzy_query(schema, term, field)) for field in term.fields]
        )
        parts.append((Occur.Should, Query.const_score_query(near, FUZZY_SCORE * term.weight)))
    return Query.boolean_query(parts)


def best_term_query(schema: tantivy.Schema, clause: Clause) -> Query:
    """The best of the clause's terms, where any of them matches."""
    terms = [term_query(schema, term) for term in clause.terms]
    return terms[0] if len(terms) == 1 else Query.disjunction_max_query(terms, tie_breaker=0.0)


def clause_query(schema: tantivy.Schema, clause: Clause) -> Query:
    """COVER_WEIGHT plus the best of the clause's terms, where any of them matches."""
    cover = Query.const_score_query(Query.all_query(), COVER_WEIGHT)
    return Query.boolean_query([(Occur.Must, best_term_query(schema, clause)), (Occur.Must, cover)])


def cover_shift(query: SearchQuery) -> float:
    """What `match_query` leaves out of every score, for the caller to add back: with one
    clause every match covers exactly it, so its COVER_WEIGHT orders nothing and is not
    computed over every match (a third of the work for a common word at a million)."""
    return COVER_WEIGHT if _single_clause(query) else 0.0


def _single_clause(query: SearchQuery) -> bool:
    return len([c for c in query.clauses if c.terms]) == 1 and query.min_cover == 1


def filter_queries(schema: tantivy.Schema, query: SearchQuery) -> Iterator[Query]:
    """The exact filters; a value no document can have gives an empty query."""
    for attribute, field in FILTER_FIELDS:
        value = getattr(query, attribute)
        if value is None:
            continue
        if isinstance(value, int) and value < 0:
            yield Query.empty_query()
        else:
            yield zero(Query.term_query(schema, field, value))


def match_query(schema: tantivy.Schema, query: SearchQuery) -> Query:
    """The documents `query` matches, with their scores."""
    clauses = [clause for clause in query.clauses if clause.terms]
    everything = zero(Query.all_query())
    filters = list(filter_queries(schema, query))
    if query.clauses and query.min_cover > len(clauses):
        return Query.empty_query()
    if not clauses:  # every document, score 0: boost terms have nothing to add to
        return Query.boolean_query([(Occur.Must, q) for q in [everything, *filters]])
    if _single_clause(query):
        core = best_term_query(schema, clauses[0])  # + cover_shift(query), added by the caller
    elif query.min_cover <= 0:
        core = Query.boolean_query(
            [(Occur.Must, everything)]
            + [(Occur.Should, clause_query(schema, clause)) for clause in clauses]
        )
    else:
        core = Query.boolean_query(
            [(Occur.Should, clause_query(schema, clause)) for clause in clauses],
            minimum_number_should_match=query.min_cover,
        )
    parts = [(Occur.Must, q) for q in [core, *filters]]
    parts.extend((Occur.Should, term_query(schema, term)) for term in query.boosts)
    return core if len(parts) == 1 else Query.boolean_query(parts)


def is_scored(query: SearchQuery) -> bool:
    """Whether scores are text relevance (not all 0): the query has a clause with terms."""
    return any(clause.terms for clause in query.clauses)
