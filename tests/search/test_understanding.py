"""How typed queries are understood: vocabulary runs, sounds, typos, coverage."""

from __future__ import annotations

import pytest

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import Term
from aianimals.ports.search.fields import breed_token
from aianimals.search.expansion import Expansion
from aianimals.search.lexicon import Lexicon
from aianimals.search.understanding import QueryBuilder, Understood, min_cover
from aianimals.search.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def builder() -> QueryBuilder:
    analyzer = Analyzer()
    return QueryBuilder(analyzer, Lexicon(load_vocabulary(), analyzer))


def understood(builder: QueryBuilder, text: str) -> Understood:
    return builder.understand(tuple(text.split()))


def meanings(builder: QueryBuilder, text: str) -> list[str]:
    return [reading.meaning for reading in understood(builder, text).readings]


@pytest.mark.parametrize(
    "typed",
    ["柴犬", "シバイヌ", "しばいぬ", "shiba inu", "shibainu", "shiba", "SHIBA INU", "ｼﾊﾞｲﾇ"],
)
def test_a_breed_in_any_script_or_spelling_is_that_breed(builder: QueryBuilder, typed: str) -> None:
    assert meanings(builder, typed) == ["breed: shiba_inu"]


@pytest.mark.parametrize(
    ("typed", "breed"),
    [
        ("ちわわ", "chihuahua"),
        ("ぱぐ", "pug"),
        ("ヨーキー", "yorkshire_terrier"),
        ("yorkie", "yorkshire_terrier"),
        ("saint bernard", "saint_bernard"),
        ("pitbull", "american_pit_bull_terrier"),
        ("cocker-spaniel", "english_cocker_spaniel"),
        ("ミニチュア・ピンシャー", "miniature_pinscher"),
    ],
)
def test_nicknames_joined_hyphenated_and_dotted_names_find_the_breed(
    builder: QueryBuilder, typed: str, breed: str
) -> None:
    assert meanings(builder, typed) == [f"breed: {breed}"]


@pytest.mark.parametrize(
    ("typed", "breed", "suggestion"),
    [
        ("chihuaua", "chihuahua", "chihuahua"),
        ("beagel", "beagle", "beagle"),
        ("pomeranain", "pomeranian", "pomeranian"),
        ("メイクーン", "maine_coon", "メインクーン"),
    ],
)
def test_a_typo_of_a_breed_is_read_as_the_breed_and_suggested(
    builder: QueryBuilder, typed: str, breed: str, suggestion: str
) -> None:
    found = understood(builder, typed)
    assert [r.meaning for r in found.readings] == [f"breed: {breed}"]
    assert found.readings[0].corrected
    assert found.suggestion == suggestion


def test_a_long_vowel_left_out_is_no_typo(builder: QueryBuilder) -> None:
    found = understood(builder, "ラグドル")
    assert [r.meaning for r in found.readings] == ["breed: ragdoll"]
    assert found.suggestion is None


def test_short_words_are_never_read_as_typos(builder: QueryBuilder) -> None:
    assert meanings(builder, "pup") == ["concept: puppy"]
    assert not any(r.corrected for r in understood(builder, "pug").readings)


def test_english_concepts_reach_japanese_forms_and_back(builder: QueryBuilder) -> None:
    kitten = {t.token for c in understood(builder, "kitten").clauses for t in c.terms}
    assert {"子猫", "kitten"} <= kitten
    japanese = {t.token for c in understood(builder, "子猫").clauses for t in c.terms}
    assert japanese == kitten


def test_romaji_finds_japanese_words_by_their_sound(builder: QueryBuilder) -> None:
    assert meanings(builder, "neko") == ["concept: cat"]
    assert meanings(builder, "koinu") == ["concept: puppy"]
    plain = understood(builder, "momo")
    assert Term("~momo", 0.8) in plain.clauses[0].terms


def test_a_word_the_vocabulary_does_not_know_matches_its_term_and_sound(
    builder: QueryBuilder,
) -> None:
    found = understood(builder, "もも")
    tokens = {t.token for t in found.clauses[0].terms}
    assert "~momo" in tokens


def test_a_compound_matches_whole_or_by_its_head(builder: QueryBuilder) -> None:
    clause = understood(builder, "ドッグフード").clauses[0]
    weights = {t.token: t.weight for t in clause.terms}
    assert weights["フード"] < weights["ドッグフード"]


def test_particles_and_stop_words_are_dropped_never_emptying_the_query(
    builder: QueryBuilder,
) -> None:
    assert meanings(builder, "cat sleeping on sofa") == [
        "concept: cat",
        "concept: sleeping",
        "concept: sofa",
    ]
    nothing = understood(builder, "on the")
    assert nothing.clauses == ()
    assert nothing.meaningless
    assert not understood(builder, "@someone").meaningless


def test_most_clauses_must_be_covered_not_all() -> None:
    assert [min_cover(n) for n in range(1, 7)] == [1, 2, 3, 3, 4, 5]


def test_the_owner_handle_is_a_filter_never_free_text(builder: QueryBuilder) -> None:
    found = understood(builder, "@Dog_Leigh 猫")
    assert found.owner == "dog_leigh"
    assert meanings(builder, "@Dog_Leigh 猫") == ["concept: cat"]


def test_typo_tolerance_is_only_in_the_forgiving_variant(builder: QueryBuilder) -> None:
    found = understood(builder, "umbrellas")
    assert not any(t.fuzzy for c in found.clauses for t in c.terms)
    assert any(t.fuzzy == 2 for c in found.fuzzy_clauses for t in c.terms)


def test_similar_words_boost_and_only_widen_a_query_that_found_nothing(
    builder: QueryBuilder,
) -> None:
    found = understood(builder, "ソファ")
    expansions = (Expansion("ソファ", "クッション", 0.3),)
    boosted = builder.query(found, expansions=expansions)
    assert boosted.clauses == found.clauses
    assert [t.token for t in boosted.boosts] == ["クッション"]
    rescued = builder.query(found, expansions=expansions, rescue=True)
    assert Term("クッション", 0.3) in rescued.clauses[0].terms
    assert rescued.boosts == ()


def test_a_similar_word_that_names_a_breed_is_never_used(builder: QueryBuilder) -> None:
    found = understood(builder, "grey")
    query = builder.query(found, expansions=(Expansion("grey", "グレートピレニーズ", 0.5),))
    assert query.boosts == ()


def test_hiragana_with_particles_keeps_its_words(builder: QueryBuilder) -> None:
    assert meanings(builder, "ねこがすき") == ["concept: cat", "text: 好き"]
    assert meanings(builder, "ねこのしゃしん") == ["concept: cat", "text: 写真"]


def test_the_same_thing_asked_twice_is_one_clause_and_clauses_are_capped(
    builder: QueryBuilder,
) -> None:
    assert len(understood(builder, "犬 犬 犬 猫").clauses) == 2
    many = understood(builder, " ".join(f"word{n}" for n in range(100)))
    assert len(many.clauses) == 32


def test_a_word_read_as_a_typo_keeps_its_literal_reading(builder: QueryBuilder) -> None:
    found = understood(builder, "chihuaua")
    assert found.corrected
    assert found.literal_clauses[0].terms[0].token == "chihuaua"
    plain = understood(builder, "柴犬")
    assert plain.literal_clauses == plain.clauses


def test_the_suggestion_keeps_the_owner_filter(builder: QueryBuilder) -> None:
    assert understood(builder, "@alice chihuaua").suggestion == "@alice chihuahua"


def test_a_drawn_out_spelling_keeps_its_own_surface() -> None:
    analyzer = Analyzer()
    analyzer.words("かわいいーー")
    assert "".join(w.surface for w in analyzer.words("かわいいーーーーー")) == "かわいいーーーーー"


@pytest.mark.parametrize(("typed", "category"), [("犬", "dog"), ("いぬ", "dog"), ("cat", "cat")])
def test_a_category_word_reaches_breed_fields_only_by_its_category_token(
    builder: QueryBuilder, typed: str, category: str
) -> None:
    (clause,) = builder.query(understood(builder, typed)).clauses
    in_breeds = [term.token for term in clause.terms if "breed" in term.fields]
    assert in_breeds == [f"#c:{category}"]
    assert any("description" in term.fields for term in clause.terms)


@pytest.mark.parametrize("typed", ["雑種", "ミックス", "mix", "mixed", "mixed breed"])
def test_mixed_breed_words_reach_both_mixed_breeds(builder: QueryBuilder, typed: str) -> None:
    assert meanings(builder, typed) == ["concept: mixed_breed"]
    (clause,) = builder.query(understood(builder, typed)).clauses
    in_breeds = {term.token for term in clause.terms if "breed" in term.fields}
    assert {breed_token("mixed_cat"), breed_token("mixed_dog")} <= in_breeds


@pytest.mark.parametrize(
    ("typed", "breed"),
    [
        ("雑種犬", "mixed_dog"),
        ("ミックス犬", "mixed_dog"),
        ("mutt", "mixed_dog"),
        ("雑種猫", "mixed_cat"),
        ("ミックス猫", "mixed_cat"),
        ("mixed cat", "mixed_cat"),
    ],
)
def test_a_mixed_cat_or_dog_is_that_mixed_breed(
    builder: QueryBuilder, typed: str, breed: str
) -> None:
    assert meanings(builder, typed) == [f"breed: {breed}"]
