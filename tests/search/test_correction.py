"""Did you mean for words the vocabulary does not know, from the texts a search found."""

from __future__ import annotations

import pytest

from aianimals.ports.search.analyzer import Analyzer
from aianimals.search.correction import correction
from aianimals.search.lexicon import Lexicon
from aianimals.search.understanding import QueryBuilder, Understood
from aianimals.search.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def builder() -> QueryBuilder:
    analyzer = Analyzer()
    return QueryBuilder(analyzer, Lexicon(load_vocabulary(), analyzer))


def understood(builder: QueryBuilder, *phrases: str) -> Understood:
    return builder.understand(phrases)


def test_a_misspelt_name_is_spelt_as_the_result_spells_it(builder: QueryBuilder) -> None:
    found = understood(builder, "Oliverr")
    assert correction(found, ["Oliver", "よく眠る子です"]) == "Oliver"


def test_words_spelt_right_and_short_words_stay_as_typed(builder: QueryBuilder) -> None:
    assert correction(understood(builder, "Oliver"), ["Oliver"]) is None
    assert correction(understood(builder, "Mex"), ["Max"]) is None  # under 4 letters


def test_katakana_names_are_corrected_within_one_edit(builder: QueryBuilder) -> None:
    assert correction(understood(builder, "ポチタロ"), ["ポチタロウ", "散歩が好き"]) == "ポチタロウ"


def test_nothing_close_enough_gives_no_suggestion(builder: QueryBuilder) -> None:
    assert correction(understood(builder, "Oliverr"), ["Bella", "Luna"]) is None


def test_the_owner_filter_is_kept(builder: QueryBuilder) -> None:
    found = understood(builder, "@kenta", "Oliverr")
    assert correction(found, ["Oliver"]) == "@kenta Oliver"
