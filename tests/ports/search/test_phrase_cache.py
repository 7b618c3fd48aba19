"""Cached phrase scores: reused for one index state only, never changed in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import Expansion, SearchQuery
from aianimals.ports.search.bm25 import all_terms_scores
from aianimals.ports.search.phrase_cache import PhraseScores
from tests.ports.search.conftest import make_embedded
from tests.ports.search.contract import CORPUS, make_doc


def test_same_state_and_terms_answer_the_same_read_only_arrays(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    index = make_embedded(tmp_path / "index", analyzer)
    index.upsert(CORPUS)
    state = index._state
    scores = PhraseScores()
    first = scores(state, ("猫",))
    assert scores(state, ("猫",)) is first
    expected_match, expected_scores = all_terms_scores(state, ("猫",))
    assert np.array_equal(first[0], expected_match)
    assert np.array_equal(first[1], expected_scores)
    with pytest.raises(ValueError, match="read-only"):
        first[1][0] = 1.0


def test_a_new_state_is_scored_afresh(tmp_path: Path, analyzer: Analyzer) -> None:
    index = make_embedded(tmp_path / "index", analyzer)
    index.upsert(CORPUS)
    scores = PhraseScores()
    before = scores(index._state, ("猫",))
    index.upsert([make_doc("a99", "ネコ", "猫です", 1)])
    after = scores(index._state, ("猫",))
    assert after is not before
    assert after[0].sum() == before[0].sum() + 1


def test_the_byte_bound_evicts_the_least_recent_phrase(tmp_path: Path, analyzer: Analyzer) -> None:
    index = make_embedded(tmp_path / "index", analyzer)
    index.upsert(CORPUS)
    state = index._state
    one = sum(a.nbytes for a in all_terms_scores(state, ("猫",)))
    scores = PhraseScores(max_bytes=2 * one)
    cat = scores(state, ("猫",))
    scores(state, ("犬",))
    scores(state, ("猫",))  # now the most recent
    scores(state, ("柴犬",))  # evicts 犬
    assert scores(state, ("猫",)) is cat
    dog = scores(state, ("犬",))
    assert scores(state, ("犬",)) is dog


def test_repeated_searches_follow_deletes_and_expansions(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    index = make_embedded(tmp_path / "index", analyzer)
    index.upsert(CORPUS)
    query = SearchQuery(phrases=("猫",))
    found = {hit.animal_id for hit in index.search(query).results}
    assert "a01" in found
    index.delete(["a01"])
    assert "a01" not in {hit.animal_id for hit in index.search(query).results}
    widened = SearchQuery(phrases=("猫",), expansions=(Expansion("猫", "犬", 0.5),))
    wide = index.search(widened)
    assert wide.hits > index.search(query).hits
    # the expansion did not leak into the cached arrays of the plain phrase
    assert index.search(query).hits == len(found) - 1
