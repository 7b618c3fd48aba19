"""BM25 over the index's fields: matching and scoring of one term, phrase and query."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from aianimals.ports.search.base import SearchQuery
from aianimals.ports.search.documents import FIELD_WEIGHTS
from aianimals.ports.search.state import BoolArray, IndexState

K1 = 1.2
B = 0.75

ScoreArray = npt.NDArray[np.float32]
Terms = Callable[[str], tuple[str, ...]]


def idf(df: int, n: int) -> float:
    """Lucene's BM25 idf: always positive."""
    return float(np.log1p((n - df + 0.5) / (df + 0.5)))


def term_scores(state: IndexState, term: str) -> ScoreArray:
    """Dense BM25 score of `term` over docs 0..n-1, summed over fields with their weights.

    Zero exactly where no field contains the term (idf and tf are positive).
    """
    scores = np.zeros(state.n, dtype=np.float32)
    for f, weight in enumerate(FIELD_WEIGHTS):
        base_docs, base_tfs = state.postings[f].lookup(term)
        delta_docs, delta_tfs = state.deltas[f].lookup(term, state.n)
        df = len(base_docs) + len(delta_docs)
        if df == 0:
            continue
        live = max(state.n_live, 1)
        avgdl = max(state.total_lengths[f] / live, 1e-6)
        weight_idf = np.float32(weight * idf(df, state.n))
        for docs, tfs in ((base_docs, base_tfs), (delta_docs, delta_tfs)):
            if len(docs) == 0:
                continue
            tf = tfs.astype(np.float32)
            norm = np.float32(K1) * (
                np.float32(1 - B) + np.float32(B / avgdl) * state.lengths[f][docs]
            )
            scores[docs] += weight_idf * tf * np.float32(K1 + 1) / (tf + norm)
    return scores


def all_terms_scores(state: IndexState, terms: Sequence[str]) -> tuple[BoolArray, ScoreArray]:
    """(docs containing every term in some field, their summed scores)."""
    match = np.full(state.n, bool(terms), dtype=np.bool_)
    total = np.zeros(state.n, dtype=np.float32)
    for term in terms:
        scores = term_scores(state, term)
        match &= scores > 0
        total += scores
    return match, np.where(match, total, np.float32(0))


PhraseScorer = Callable[[IndexState, tuple[str, ...]], tuple[BoolArray, ScoreArray]]


def match_query(
    state: IndexState,
    query: SearchQuery,
    terms: Terms,
    phrase_scores: PhraseScorer = all_terms_scores,
) -> tuple[BoolArray, ScoreArray | None]:
    """(matching docs, their scores) — scores None when the query has no usable phrase.

    A doc matches a phrase when it has all the phrase's terms, or all the terms of one of
    the phrase's expansions (whose score counts `weight` times); every phrase must match.
    A phrase with no terms at all (only particles, symbols or stop words) matches nothing,
    as OpenSearch's match query does. `phrase_scores` may answer from a cache: its arrays
    are never changed in place.
    """
    match = state.alive[: state.n].copy()
    total: ScoreArray | None = None
    for phrase in query.phrases:
        phrase_match, phrase_score = phrase_scores(state, terms(phrase))
        for expansion in query.expansions:
            if expansion.phrase != phrase:
                continue
            word_terms = terms(expansion.word)
            if not word_terms:
                continue
            word_match, word_score = phrase_scores(state, word_terms)
            phrase_match = phrase_match | word_match
            phrase_score = phrase_score + np.float32(expansion.weight) * word_score
        match &= phrase_match
        total = phrase_score if total is None else total + phrase_score
    if query.category_id is not None:
        match &= state.category[: state.n] == query.category_id
    if query.subcategory_id is not None:
        match &= state.subcategory[: state.n] == query.subcategory_id
    return match, total
