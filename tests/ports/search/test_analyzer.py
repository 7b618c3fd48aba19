"""The Japanese-aware analyzer: one token per meaning, whatever the script or inflection."""

from __future__ import annotations

import pytest

from aianimals.ports.search.analyzer import Analyzer, normalize_text, to_hiragana, to_katakana


def test_hiragana_katakana_and_kanji_spellings_give_one_term(analyzer: Analyzer) -> None:
    assert analyzer.analyze("ねこ") == analyzer.analyze("ネコ") == analyzer.analyze("猫") == ["猫"]
    assert analyzer.analyze("いぬ") == analyzer.analyze("イヌ") == analyzer.analyze("犬") == ["犬"]


def test_inflected_verbs_give_their_dictionary_form(analyzer: Analyzer) -> None:
    for text in ("遊んで", "遊びました", "遊んでる", "遊ぶ"):
        assert analyzer.analyze(text) == ["遊ぶ"], text


def test_spelling_variants_are_normalised(analyzer: Analyzer) -> None:
    assert analyzer.analyze("ひなたぼっこ") == analyzer.analyze("日向ぼっこ") == ["日向ぼっこ"]
    assert analyzer.analyze("かわいい") == analyzer.analyze("カワイイ")


def test_particles_auxiliaries_and_symbols_are_dropped(analyzer: Analyzer) -> None:
    assert analyzer.analyze("ねこが公園で遊んでいました。") == ["猫", "公園", "遊ぶ"]


@pytest.mark.parametrize("breed", ["アビシニアン", "スフィンクス", "ポメラニアン", "チワワ"])
def test_katakana_breed_names_stay_one_term(analyzer: Analyzer, breed: str) -> None:
    assert analyzer.analyze(breed) == [breed]
    assert analyzer.analyze(f"うちの{breed}です") == [breed]


def test_compound_words_also_give_their_parts(analyzer: Analyzer) -> None:
    assert analyzer.analyze("子犬") == ["子犬", "犬"]


def test_english_words_are_lower_cased_and_stemmed(analyzer: Analyzer) -> None:
    assert analyzer.analyze("Dogs") == ["dog"]
    assert analyzer.analyze("walking") == analyzer.analyze("walks") == ["walk"]
    assert analyzer.analyze("The dogs are walking in the park") == ["dog", "walk", "park"]


def test_half_width_katakana_is_folded(analyzer: Analyzer) -> None:
    assert normalize_text("ｶﾞ") == "ガ"
    assert analyzer.analyze("ｶﾞｰﾃﾞﾝ") == analyzer.analyze("ガーデン")
    assert analyzer.analyze("ﾈｺ") == ["猫"]


def test_full_width_latin_is_folded(analyzer: Analyzer) -> None:
    assert normalize_text("ＡＢＣ") == "abc"
    assert analyzer.analyze("ＡＢＣ") == analyzer.analyze("abc") == ["abc"]
    assert analyzer.analyze("ＤＯＧＳ") == ["dog"]


@pytest.mark.parametrize(
    "text", ["' OR 1=1 --", "'; DROP TABLE animals; --", '" OR ""="', "<script>alert(1)</script>"]
)
def test_injection_attempts_analyse_to_harmless_word_tokens(analyzer: Analyzer, text: str) -> None:
    terms = analyzer.analyze(text)
    assert all(term.isalnum() for term in terms), terms


def test_sql_comment_and_quote_are_dropped(analyzer: Analyzer) -> None:
    assert analyzer.analyze("' OR 1=1 --") == ["1", "1"]


@pytest.mark.parametrize("text", ["", " ", "\u3000\t\n", "。、！？", "の"])
def test_empty_whitespace_and_punctuation_give_no_terms(analyzer: Analyzer, text: str) -> None:
    assert analyzer.analyze(text) == []
    assert analyzer.query_terms(text) == ()


def test_query_terms_are_distinct_and_cached(analyzer: Analyzer) -> None:
    assert analyzer.query_terms("ねこ と ネコ と 猫") == ("猫",)
    assert analyzer.query_terms("犬 猫") is analyzer.query_terms("犬 猫")


def test_long_texts_are_analysed_in_chunks(analyzer: Analyzer) -> None:
    assert analyzer.analyze("ねこが遊ぶ。" * 5000).count("猫") == 5000


def test_kana_helpers_round_trip() -> None:
    assert to_katakana("ねこだ!") == "ネコダ!"
    assert to_hiragana("ネコダ!") == "ねこだ!"


def test_nothing_is_loaded_before_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import sudachipy

    loads: list[object] = []
    real = sudachipy.Dictionary

    def counting(*args: object, **kwargs: object) -> object:
        loads.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(sudachipy, "Dictionary", counting)
    fresh = Analyzer()
    assert loads == []
    assert fresh.analyze("猫") == ["猫"]
    assert len(loads) == 1


def test_latin_words_are_never_fused_into_multi_word_terms(analyzer: Analyzer) -> None:
    assert analyzer.analyze("Saint Bernard") == ["saint", "bernard"]
    assert analyzer.analyze("セントバーナード saint bernard")[-2:] == ["saint", "bernard"]


def test_katakana_names_meet_across_the_middle_dot(analyzer: Analyzer) -> None:
    assert analyzer.analyze("ミニチュア・ピンシャー") == analyzer.analyze("ミニチュアピンシャー")


def test_index_tokens_carry_the_sound_of_japanese_nouns(analyzer: Analyzer) -> None:
    tokens = analyzer.index_tokens("柴犬の子犬")
    assert {"柴犬", "子犬", "犬", "~koinu", "~inu"} <= set(tokens)
    assert "~neko" in analyzer.index_tokens("ねこが遊んでいます")


def test_inflected_verbs_and_short_readings_get_no_sound_key(analyzer: Analyzer) -> None:
    tokens = analyzer.index_tokens("遊んでいました 子")
    assert not [t for t in tokens if t.startswith("~")], tokens


def test_joined_latin_words_are_indexed_only_when_asked(analyzer: Analyzer) -> None:
    assert "pitbul" in analyzer.index_tokens("pit bull", join_latin=True)
    assert "pitbul" not in analyzer.index_tokens("pit bull")
    assert analyzer.index_tokens("the dog", join_latin=True) == ["dog"]


def test_compound_parts_keep_their_affixes(analyzer: Analyzer) -> None:
    assert analyzer.analyze("大型犬") == ["大型犬", "大型", "犬"]
