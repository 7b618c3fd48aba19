"""The Japanese-aware text analyzer shared by indexing and querying.

Text → NFKC (full/half-width folded) → lower case → `・` between katakana dropped → Latin
words cut out by a Latin tokenizer (never fused into multi-word terms) and stemmed with
Snowball ("dogs" → "dog", "walking" → "walk") → the rest through SudachiPy (mode C, plus the
mode-A parts of compound words) → Sudachi's normalised forms (ねこ / ネコ / 猫 → 猫,
遊んで → 遊ぶ, ひなたぼっこ → 日向ぼっこ) → kana folding of words Sudachi does not normalise
(イヌ → 犬, unknown hiragana → katakana) → particles, auxiliaries, symbols and stop words
dropped.

`analyze` gives those terms. `index_tokens` gives what the search index stores: the terms,
each Japanese word's sound key (`~` + its reading as a romaji key, so 「しばいぬ」, `shiba inu`
and 「柴犬」's parts meet) and the joined form of neighbouring Latin words (`pit bull` also
gives `pitbul`, the stem of `pitbull`). `words` gives the words themselves, for queries.

The Sudachi dictionary is loaded lazily, once per `Analyzer`; each thread gets its own
tokenizer (Sudachi tokenizers are not re-entrant).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from aianimals.ports.search.sound import kana_key, latin_key

if TYPE_CHECKING:
    from sudachipy import (  # type: ignore[import-untyped]
        Dictionary,
        Morpheme,
        Tokenizer,
    )

KEPT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "接尾辞"})
"""Parts of speech that carry meaning (白黒犬 → 白黒, 犬); particles, auxiliaries, symbols…
are dropped (and light suffixes such as さん, ちゃん are stop words)."""
KEPT_PART_POS = KEPT_POS | {"接頭辞"}
"""A compound's parts also keep their prefixes."""
SOUNDED_POS = frozenset({"名詞", "接尾辞"})
"""Words whose reading is worth a sound key (not inflected verbs: 遊んで reads アソン)."""
MIN_KEY_LENGTH = 3
"""Shorter sound keys (子 → ko) would match too much."""

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

_DIGITS = re.compile(r"[0-9]+")
_LATIN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LATIN_GAP = re.compile(r"[\s\-_.]*")
"""What may stand between two Latin words of one run (`pit bull`, `cocker-spaniel`,
`st.bernard`)."""
_NAKAGURO = re.compile(r"(?<=[\u30a1-\u30faー])[・･=＝](?=[\u30a1-\u30fa])")
_HIRAGANA = re.compile(r"[\u3041-\u3096ー]+")
_KATAKANA = re.compile(r"[\u30a1-\u30f6ー]+")
_HAS_KANJI = re.compile(r"[\u4e00-\u9fff\u3005]")
_KANA_SHIFT = 0x60
_MORPHEME_CACHE_SIZE = 500_000
_MAX_CHUNK = 4000
"""Sudachi refuses very long inputs; longer texts are analysed in chunks of this size."""
SOUND = "~"
"""Prefix of a sound-key token in the index (`~sibainu`)."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its term ("" for a particle, symbol or stop word), its sound key
    ("" when none), whether it was written in Latin letters, and a compound's parts."""

    surface: str
    term: str
    key: str
    latin: bool
    parts: tuple[Word, ...] = ()
    joins_previous: bool = False
    """A Latin word right after another (`bull` in `pit bull`): the two may be one word."""


def to_katakana(text: str) -> str:
    """Hiragana → katakana (other characters unchanged)."""
    return "".join(chr(ord(c) + _KANA_SHIFT) if "\u3041" <= c <= "\u3096" else c for c in text)


def to_hiragana(text: str) -> str:
    """Katakana → hiragana (other characters unchanged)."""
    return "".join(chr(ord(c) - _KANA_SHIFT) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def normalize_text(text: str) -> str:
    """NFKC (full/half-width folding, ｶﾞ → ガ, ＡＢＣ → ABC), lower case, and `・` between
    katakana dropped (ミニチュア・ピンシャー → ミニチュアピンシャー)."""
    return _NAKAGURO.sub("", unicodedata.normalize("NFKC", text).lower())


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


def _runs(text: str) -> Iterator[tuple[bool, str, bool]]:
    """(is Latin, piece, joins the previous Latin word) for each Latin word and each stretch
    of other text between them, in order."""
    position = 0
    previous_end = -1
    for match in _LATIN.finditer(text):
        if match.start() > position and not _LATIN_GAP.fullmatch(text, position, match.start()):
            yield False, text[position : match.start()], False
        joins = previous_end >= 0 and bool(_LATIN_GAP.fullmatch(text, previous_end, match.start()))
        yield True, match.group(), joins
        position = previous_end = match.end()
    if position < len(text):
        yield False, text[position:], False


class Analyzer:
    """Turns text into terms and index tokens; the same instance serves indexing and queries."""

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
        self._latin_word = lru_cache(maxsize=65536)(self._latin_word_uncached)
        self._morpheme_words: dict[object, Word] = {}

    def analyze(self, text: str) -> list[str]:
        """Every term of `text`, in order, repeated as often as it occurs (a compound's parts
        follow it)."""
        terms: list[str] = []
        for word in self.words(text):
            if word.term:
                terms.append(word.term)
            terms.extend(p.term for p in word.parts if p.term and p.term != word.term)
        return terms

    def index_tokens(self, text: str, *, join_latin: bool = False) -> list[str]:
        """What the index stores of `text`: terms, sound keys and (with `join_latin`, for short
        fields such as names) neighbouring Latin words joined (`pit bull` → `pitbul`)."""
        tokens: list[str] = []
        previous: Word | None = None
        for word in self.words(text):
            for piece in (word, *word.parts):
                if piece.term:
                    tokens.append(piece.term)
                if piece.key and not piece.latin:
                    tokens.append(SOUND + piece.key)
            if join_latin and word.joins_previous and word.key and previous is not None:
                tokens.append(self.joined(previous, word))
            previous = word if word.latin and word.key else None
        return tokens

    def joined(self, first: Word, second: Word) -> str:
        """The term of two Latin words written as one (`pit` + `bull` → `pitbul`)."""
        return self._stem(first.surface + second.surface)

    def words(self, text: str) -> list[Word]:
        """The words of `text` in order, particles and symbols included (with no term)."""
        text = normalize_text(text)
        if not text.strip():
            return []
        words: list[Word] = []
        for latin, piece, joins in _runs(text):
            if latin:
                word = self._latin_word(piece)
                words.append(Word(word.surface, word.term, word.key, True, (), joins))
            elif piece.strip():
                tokenizer = self._tokenizer()
                for chunk in _chunks(piece):
                    words.extend(self._word_of(m) for m in tokenizer.tokenize(chunk))
        return words

    def _query_terms(self, text: str) -> tuple[str, ...]:
        """The distinct terms of a query phrase, in first-occurrence order (cached)."""
        return tuple(dict.fromkeys(self.analyze(text)))

    def _latin_word_uncached(self, surface: str) -> Word:
        if _DIGITS.fullmatch(surface):
            return Word(surface, surface, "", True)
        if surface in STOP_WORDS:
            return Word(surface, "", "", True)
        return Word(surface, self._stem(surface), latin_key(surface), True)

    def _word_of(self, morpheme: Morpheme) -> Word:
        """`_new_word`, remembered per dictionary entry (or unknown word and its POS)."""
        key: object = (
            (morpheme.surface(), morpheme.part_of_speech_id())
            if morpheme.is_oov()
            else morpheme.word_id()
        )
        word = self._morpheme_words.get(key)
        if word is None:
            word = self._new_word(morpheme)
            if len(self._morpheme_words) < _MORPHEME_CACHE_SIZE:
                self._morpheme_words[key] = word
        surface = str(morpheme.surface())
        # one dictionary entry, several spellings (かわいいーー, かわいいーーーー)
        return word if word.surface == surface else replace(word, surface=surface)

    def _new_word(self, morpheme: Morpheme, kept: frozenset[str] = KEPT_POS) -> Word:
        """One morpheme as a word: a compound also gives its mode-A parts."""
        surface = str(morpheme.surface())
        pos = morpheme.part_of_speech()[0]
        term = self._term(morpheme) if pos in kept else ""
        if not term:
            return Word(surface, "", "", False)
        key = kana_key(str(morpheme.reading_form())) if pos in SOUNDED_POS else ""
        from sudachipy import SplitMode

        parts = morpheme.split(SplitMode.A)
        return Word(
            surface,
            term,
            key if len(key) >= MIN_KEY_LENGTH else "",
            False,
            tuple(self._new_word(p, KEPT_PART_POS) for p in parts) if len(parts) > 1 else (),
        )

    def _term(self, morpheme: Morpheme) -> str:
        """One morpheme's term, or "" when it is a stop word or has no word characters."""
        surface = str(morpheme.surface())
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
