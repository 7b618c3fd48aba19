"""Sound keys: one spelling for the ways a word is written in kana or romaji."""

from __future__ import annotations

import pytest

from aianimals.ports.search.sound import is_kana, kana_key, latin_key


@pytest.mark.parametrize(
    ("kana", "romaji"),
    [
        ("しばいぬ", "shibainu"),
        ("シバイヌ", "sibainu"),
        ("チワワ", "chiwawa"),
        ("チワワ", "tiwawa"),
        ("コイヌ", "koinu"),
        ("ツナ", "tuna"),
        ("ツナ", "tsuna"),
        ("ジャンプ", "jampu"),
        ("ラグドール", "ragudoru"),
        ("ラグドール", "ragudooru"),
        ("コッカー", "koka"),
    ],
)
def test_kana_and_romaji_spellings_share_a_key(kana: str, romaji: str) -> None:
    assert kana_key(kana) == latin_key(romaji)


def test_long_vowels_written_or_not_share_a_key() -> None:
    assert kana_key("ラグドル") == kana_key("ラグドール")
    assert kana_key("ゴールデンレトリバー") == kana_key("ゴールデンレトリーバー")


def test_different_words_keep_different_keys() -> None:
    assert kana_key("ネコ") != kana_key("イヌ")
    assert latin_key("pug") != latin_key("pup")


def test_only_kana_has_a_kana_key() -> None:
    assert kana_key("柴犬") == ""
    assert kana_key("dog") == ""
    assert is_kana("しばいぬ")
    assert is_kana("ヨーキー")
    assert not is_kana("柴いぬ")
