"""The OpenSearch adapter's queries, as pure functions: a `SearchQuery` as search bodies,
and pages and explanations read from the answers.

The query has the embedded index's shape and scores (see `tantivy_query`): per term, a
`term` query per field boosted by field weight × term weight (Lucene's BM25, as tantivy's
once its (k1 + 1) is divided out), and when fuzzy a `constant_score` over `fuzzy` queries
(transpositions on, every near token: `rewrite: constant_score`); per clause a `dis_max` of
its terms plus a `constant_score` of COVER_WEIGHT; clauses as should with
`minimum_should_match`, filters in filter context, boosts as optional shoulds.
`explain` names every leaf (`_name`) and reads their scores back (`matched_queries`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aianimals.ports.search.base import (
    COVER_WEIGHT,
    FUZZY_SCORE,
    MAX_FUZZY,
    Clause,
    HitExplanation,
    SearchHit,
    SearchPage,
    SearchQuery,
    SortKey,
    Term,
    TermMatch,
)

Body = dict[str, Any]
_EVERYTHING: Body = {"match_all": {}}


def _leaf(kind: str, field: str, body: Body, name: str | None) -> Body:
    return {kind: {field: body if name is None else {**body, "_name": name}}}


def term_query(term: Term, name: str | None = None) -> Body:
    """A term's score: its weighted BM25 summed over the fields, plus the fuzzy constant."""
    should = [
        _leaf(
            "term",
            field,
            {"value": term.token, "boost": term.weight * weight},
            None if name is None else f"{name}.{field}",
        )
        for field, weight in term.weighted_fields()
    ]
    if term.fuzzy > 0:
        fuzzy = {
            "value": term.token,
            "fuzziness": min(term.fuzzy, MAX_FUZZY),
            "transpositions": True,
            "prefix_length": 0,
            "rewrite": "constant_score",
        }
        near = [
            _leaf("fuzzy", field, fuzzy, None if name is None else f"{name}.~{field}")
            for field in term.fields
        ]
        should.append(
            {
                "constant_score": {
                    "filter": {"bool": {"should": near}},
                    "boost": FUZZY_SCORE * term.weight,
                }
            }
        )
    return {"bool": {"should": should}}


def clause_query(clause: Clause, name: str | None = None) -> Body:
    """COVER_WEIGHT plus the best of the clause's terms, where any of them matches."""
    terms = [
        term_query(term, None if name is None else f"{name}.{n}")
        for n, term in enumerate(clause.terms)
    ]
    best = terms[0] if len(terms) == 1 else {"dis_max": {"queries": terms, "tie_breaker": 0.0}}
    cover = {"constant_score": {"filter": _EVERYTHING, "boost": COVER_WEIGHT}}
    return {"bool": {"must": [best, cover]}}


def _filters(query: SearchQuery) -> list[Body]:
    pairs = (
        ("category_id", query.category_id),
        ("subcategory_id", query.subcategory_id),
        ("owner", query.owner),
    )
    return [{"term": {field: value}} for field, value in pairs if value is not None]


def match_query(query: SearchQuery, *, named: bool = False) -> Body:
    """The documents `query` matches, with their scores (leaves named for `explain`)."""
    clauses = [
        clause_query(clause, f"c{n}" if named else None)
        for n, clause in enumerate(query.clauses)
        if clause.terms
    ]
    filters = _filters(query)
    if query.clauses and query.min_cover > len(clauses):
        return {"match_none": {}}
    if not clauses:  # every document, score 0: boost terms have nothing to add to
        return {"bool": {"filter": filters or [_EVERYTHING]}}
    if query.min_cover <= 0:
        core: Body = {"bool": {"filter": [_EVERYTHING], "should": clauses}}
    else:
        core = {"bool": {"should": clauses, "minimum_should_match": query.min_cover}}
    boosts = [term_query(term, f"b{n}" if named else None) for n, term in enumerate(query.boosts)]
    if not filters and not boosts:
        return core
    body: Body = {"must": [core]}
    if filters:
        body["filter"] = filters
    if boosts:
        body["should"] = boosts
    return {"bool": body}


def is_scored(query: SearchQuery) -> bool:
    """Whether scores are text relevance (not all 0): the query has a clause with terms."""
    return any(clause.terms for clause in query.clauses)


_SORTS: dict[SortKey, list[dict[str, str]]] = {
    "score": [{"_score": "desc"}, {"created_us": "desc"}, {"animal_id": "asc"}],
    "like": [{"likes": "desc"}, {"created_us": "desc"}, {"animal_id": "asc"}],
    "created_at": [{"created_us": "desc"}, {"animal_id": "asc"}],
    "random": [{"_score": "desc"}, {"animal_id": "asc"}],
}


def search_body(query: SearchQuery) -> Body:
    """The body of `POST /<alias>/_search` for one page of `query`."""
    matched = match_query(query)
    if query.sort_by == "random":  # the same seed gives the same order; ids are hashed
        matched = {
            "function_score": {
                "query": matched,
                "random_score": {"seed": query.seed, "field": "animal_id"},
                "boost_mode": "replace",
            }
        }
    body: Body = {
        "query": matched,
        "sort": _SORTS[query.sort_by],
        "from": max(query.offset, 0),
        "size": max(query.limit, 0),
        "track_total_hits": True,
        "_source": False,
    }
    if query.sort_by in ("like", "created_at"):
        body["track_scores"] = True  # text scores (and max_score) even when not sorted by them
    return body


def text_scores_bodies(query: SearchQuery, animal_ids: Sequence[str]) -> list[Body]:
    """`_msearch` bodies for a random page's text scores: those of these animals, and the
    best overall (the page's own scores are the random keys)."""
    these = {"bool": {"must": [match_query(query)], "filter": [{"ids": {"values": animal_ids}}]}}
    return [
        {"query": these, "size": len(animal_ids), "_source": False},
        {"query": match_query(query), "size": 1, "_source": False, "track_total_hits": False},
    ]


def explain_body(query: SearchQuery, animal_ids: Sequence[str]) -> Body:
    """The body of a `_search` (with `include_named_queries_score`) for `explain`."""
    named = match_query(query, named=True)
    these = {"bool": {"must": [named], "filter": [{"ids": {"values": list(animal_ids)}}]}}
    return {"query": these, "size": len(animal_ids), "_source": False}


def parse_search_page(response: Mapping[str, Any], *, scored: bool) -> SearchPage:
    """A `_search` response as a page; scores are 0 where they are not text relevance."""
    hits = response["hits"]
    results = [
        SearchHit(str(hit["_id"]), float(hit.get("_score") or 0.0) if scored else 0.0)
        for hit in hits["hits"]
    ]
    max_score = float(hits.get("max_score") or 0.0) if scored else 0.0
    return SearchPage(hits=int(hits["total"]["value"]), max_score=max_score, results=results)


def with_text_scores(page: SearchPage, responses: Sequence[Mapping[str, Any]]) -> SearchPage:
    """A random page with the text scores the `text_scores_bodies` searches answered."""
    scores = {str(hit["_id"]): float(hit["_score"] or 0.0) for hit in responses[0]["hits"]["hits"]}
    best = float(responses[1]["hits"].get("max_score") or 0.0)
    results = [SearchHit(hit.animal_id, scores.get(hit.animal_id, 0.0)) for hit in page.results]
    return SearchPage(hits=page.hits, max_score=best, results=results)


def _term_matches(term: Term, prefix: str, named: Mapping[str, float]) -> list[TermMatch]:
    matches = [
        TermMatch(field, term.token, float(named[f"{prefix}.{field}"]))
        for field in term.fields
        if f"{prefix}.{field}" in named
    ]
    near = [field for field in term.fields if f"{prefix}.~{field}" in named]
    if term.fuzzy > 0 and near:
        token = f"{term.token}~{min(term.fuzzy, MAX_FUZZY)}"
        matches.append(TermMatch(near[0], token, FUZZY_SCORE * term.weight))
    return matches


def parse_explanations(
    response: Mapping[str, Any], query: SearchQuery, animal_ids: Sequence[str]
) -> list[HitExplanation]:
    """Explanations of the animals the response holds, in the order asked."""
    hits = {str(hit["_id"]): hit for hit in response["hits"]["hits"]}
    explained = []
    for animal_id in animal_ids:
        hit = hits.get(animal_id)
        if hit is None:
            continue
        named = hit.get("matched_queries") or {}
        if not isinstance(named, Mapping):  # a server without named-query scores
            named = dict.fromkeys(named, 0.0)
        per_clause = [
            [
                m
                for t, term in enumerate(clause.terms)
                for m in _term_matches(term, f"c{c}.{t}", named)
            ]
            for c, clause in enumerate(query.clauses)
            if clause.terms
        ]
        boosts = [
            m for b, term in enumerate(query.boosts) for m in _term_matches(term, f"b{b}", named)
        ]
        matches = tuple(m for found in per_clause for m in found) + tuple(boosts)
        covered = sum(1 for found in per_clause if found)
        explained.append(HitExplanation(animal_id, float(hit["_score"] or 0.0), covered, matches))
    return explained
