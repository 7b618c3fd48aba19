"""The Japanese-aware text analyzer shared by indexing and querying.

Text → NFKC (full/half-width folded) → lower case → SudachiPy (mode C, plus the mode-A
parts of compound words) → Sudachi's normalised forms (ねこ / ネコ / 猫 → 猫, 遊んで → 遊ぶ,
ひなたぼっこ → 日向ぼっこ) → kana folding of words Sudachi does not normalise (イヌ → 犬,
unknown hiragana → katakana) → particles, auxiliaries, symbols and stop words dropped →
English words stemmed with Snowball ("dogs" → "dog", "walking" → "walk").

The Sudachi dictionary is loaded lazily, once per `Analyzer`; each thread gets its own
tokenizer (Sudachi tokenizers are not re-entrant).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sudachipy import (  # type: ignore[import-untyped]
        Dictionary,
        Morpheme,
        Tokenizer,
    )

KEPT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞"})
"""Parts of speech that carry meaning; particles, auxiliaries, symbols… are dropped."""

STOP_WORDS = frozenset(
    {
        # Japanese (normalised forms): light verbs, formal nouns, bare kana
        *("為る", "居る", "有る", "成る", "出来る", "仕舞う", "呉れる", "貰う", "遣る"),
        *("事", "物", "様", "時", "所", "為", "筈", "訳", "儘", "他", "達", "方"),
        *("子", "うち", "さん", "ちゃん", "くん", "ちゃう", "とても", "すごい", "凄い"),
        # English
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have"),
        *("he", "her", "his", "i", "in", "is", "it", "its", "me", "my", "of", "on", "or"),
        *("our", "she", "so", "that", "the", "their", "this", "to", "very", "was", "we"),
        *("were", "with", "you", "your"),
    }
)
"""Words too common or too light to be worth indexing (after normalisation)."""

_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_DIGITS = re.compile(r"[0-9]+")
_HIRAGANA = re.compile(r"[\u3041-\u3096ー]+")
_KATAKANA = re.compile(r"[\u30a1-\u30f6ー]+")
_HAS_KANJI = re.compile(r"[\u4e00-\u9fff\u3005]")
_KANA_SHIFT = 0x60
_MORPHEME_CACHE_SIZE = 500_000
_MAX_CHUNK = 4000
"""Sudachi refuses very long inputs; longer texts are analysed in chunks of this size."""


def to_katakana(text: str) -> str:
    """Hiragana → katakana (other characters unchanged)."""
    return "".join(chr(ord(c) + _KANA_SHIFT) if "\u3041" <= c <= "\u3096" else c for c in text)


def to_hiragana(text: str) -> str:
    """Katakana → hiragana (other characters unchanged)."""
    return "".join(chr(ord(c) - _KANA_SHIFT) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def normalize_text(text: str) -> str:
    """NFKC (full/half-width folding, ｶﾞ → ガ, ＡＢＣ → ABC) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _chunks(text: str) -> Iterator[str]:
    """`text` in pieces Sudachi accepts, cut at line ends or 。 where possible."""
    start = 0
    while start < len(text):
        end = min(start + _MAX_CHUNK, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


class Analyzer:
    """Turns text into index terms; the same instance serves indexing and queries."""

    def __init__(self, dictionary: str = "core", query_cache_size: int = 4096) -> None:
        self._dictionary_name = dictionary
        self._dictionary: Dictionary | None = None
        self._load_lock = threading.Lock()
        self._local = threading.local()
        self.query_terms: Callable[[str], tuple[str, ...]] = lru_cache(maxsize=query_cache_size)(
            self._query_terms
        )
        self._fold_katakana = lru_cache(maxsize=65536)(self._fold_katakana_uncached)
        self._stem = lru_cache(maxsize=65536)(self._stem_uncached)
        self._morpheme_terms: dict[object, tuple[str, ...]] = {}

    def analyze(self, text: str) -> list[str]:
        """Every term of `text`, in order, repeated as often as it occurs (for indexing)."""
        text = normalize_text(text)
        if not text.strip():
            return []
        terms: list[str] = []
        tokenizer = self._tokenizer()
        for chunk in _chunks(text):
            for morpheme in tokenizer.tokenize(chunk):
                terms.extend(self._cached_terms_of(morpheme))
        return terms

    def _query_terms(self, text: str) -> tuple[str, ...]:
        """The distinct terms of a query phrase, in first-occurrence order (cached)."""
        return tuple(dict.fromkeys(self.analyze(text)))

    def _cached_terms_of(self, morpheme: Morpheme) -> tuple[str, ...]:
        """`_terms_of`, remembered per dictionary entry (or unknown word and its POS)."""
        key: object = (
            (morpheme.surface(), morpheme.part_of_speech_id())
            if morpheme.is_oov()
            else morpheme.word_id()
        )
        terms = self._morpheme_terms.get(key)
        if terms is None:
            terms = self._terms_of(morpheme)
            if len(self._morpheme_terms) < _MORPHEME_CACHE_SIZE:
                self._morpheme_terms[key] = terms
        return terms

    def _terms_of(self, morpheme: Morpheme) -> tuple[str, ...]:
        """The terms one morpheme contributes: itself and, for compounds, its mode-A parts."""
        if morpheme.part_of_speech()[0] not in KEPT_POS:
            return ()
        head = self._term(morpheme)
        terms = [head] if head else []
        from sudachipy import SplitMode

        parts = morpheme.split(SplitMode.A)
        if len(parts) > 1:
            terms.extend(t for p in parts if (t := self._term(p)) and t != head)
        return tuple(terms)

    def _term(self, morpheme: Morpheme) -> str:
        """One morpheme's term, or "" when it is a stop word or has no word characters."""
        surface = str(morpheme.surface())
        if _ASCII_WORD.fullmatch(surface):
            return "" if surface in STOP_WORDS else self._stem(surface)
        if _DIGITS.fullmatch(surface):
            return surface
        form = str(morpheme.normalized_form()).lower()
        if _KATAKANA.fullmatch(form):
            form = self._fold_katakana(form)
        elif morpheme.is_oov() and _HIRAGANA.fullmatch(form):
            form = to_katakana(form)
        if form in STOP_WORDS or not any(c.isalnum() for c in form):
            return ""
        return form

    def _fold_katakana_uncached(self, word: str) -> str:
        """A katakana word Sudachi kept as is, as its kanji form when the hiragana reading is
        one known word written in kanji (イヌ → 犬); otherwise unchanged."""
        if len(word) > 4:
            return word
        morphemes = self._tokenizer().tokenize(to_hiragana(word))
        if len(morphemes) != 1:
            return word
        morpheme = morphemes[0]
        form = str(morpheme.normalized_form())
        is_plain_noun = morpheme.part_of_speech()[:2] == ("名詞", "普通名詞")
        if is_plain_noun and morpheme.reading_form() == word and _HAS_KANJI.search(form):
            return form
        return word

    def _stem_uncached(self, word: str) -> str:
        """Snowball English stem, with this thread's (stateful) stemmer."""
        stem_words: Callable[[list[str]], list[str]] | None = getattr(self._local, "stem", None)
        if stem_words is None:
            import snowballstemmer  # type: ignore[import-untyped]

            stem_words = snowballstemmer.stemmer("english").stemWords
            self._local.stem = stem_words
        return str(stem_words([word])[0])

    def _tokenizer(self) -> Tokenizer:
        """This thread's tokenizer over the (lazily loaded, shared) dictionary."""
        tokenizer: Tokenizer | None = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            from sudachipy import SplitMode

            tokenizer = self._load_dictionary().tokenizer(mode=SplitMode.C)
            self._local.tokenizer = tokenizer
        return tokenizer

    def _load_dictionary(self) -> Dictionary:
        with self._load_lock:
            if self._dictionary is None:
                from sudachipy import Dictionary

                self._dictionary = Dictionary(dict=self._dictionary_name)
            return self._dictionary
