"""From what a user typed to the index's query: clauses of alternative terms.

Every word the user meant becomes one clause; a document covers the clause when any of its
terms matches. A run of words the pet vocabulary knows (`saint bernard`, 「しばいぬ」,
`yorkie`, 子猫) is one clause whose terms are that breed's token or that concept's forms in
both languages; any other word matches by its term or by its sound (`neko` finds 猫). Most
clauses must be covered, not all (all of one or two, three quarters beyond). Typos: a word
the vocabulary does not know exactly is matched to the one form within 1 edit (4–7
letters) or 2 (longer) — the search then says what it understood ("did you mean"); and
when a query finds too little, a second pass lets every plain term match within a typo.
Similar words (the trained expansion) only add score, or rescue a query that found nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from aianimals.ports.search.analyzer import SOUND, Analyzer, Word, normalize_text, to_katakana
from aianimals.ports.search.base import Clause, SearchQuery, Term
from aianimals.ports.search.sound import is_kana, kana_key
from aianimals.search.expansion import Expansion
from aianimals.search.lexicon import SOUND_WEIGHT, Lexicon, Meaning, span_sound, typo_distance

MAX_SPAN = 4
"""The longest run of words looked up in the vocabulary as one form."""
MAX_CLAUSES = 32
"""Clauses beyond these are dropped: a query is not a document."""
FUZZY_WEIGHT = 0.5
PART_WEIGHT = 0.5
NAME_WEIGHT = 0.2
MIN_SOUND_LENGTH = 3
_SEGMENT = re.compile(r"[^\s,、。!?！？]+")


def min_cover(clauses: int) -> int:
    """How many clauses a document must cover: all of one or two, about 75 % beyond."""
    return clauses if clauses <= 2 else math.ceil(0.75 * clauses)


@dataclass(frozen=True)
class Reading:
    """How one part of the query was understood (the search console shows these)."""

    text: str
    meaning: str
    corrected: bool = False


@dataclass(frozen=True)
class Understood:
    """A query's clauses with what they came from, and their typo-tolerant variant."""

    clauses: tuple[Clause, ...]
    fuzzy_clauses: tuple[Clause, ...]
    literal_clauses: tuple[Clause, ...]
    """As typed, with no word read as a typo: tried first when some word was."""
    readings: tuple[Reading, ...]
    owner: str | None = None
    suggestion: str | None = None
    meaningless: bool = False
    """Text was typed but none of it can match (only symbols, particles, stop words):
    such a query finds nothing, rather than everything."""

    @property
    def corrected(self) -> bool:
        """Whether some word was read as a typo of a vocabulary form."""
        return any(reading.corrected for reading in self.readings)


class QueryBuilder:
    """Understands phrases (cached) and builds index queries from them."""

    def __init__(self, analyzer: Analyzer, lexicon: Lexicon, cache_size: int = 4096) -> None:
        self.analyzer = analyzer
        self.lexicon = lexicon
        self.understand: Callable[[tuple[str, ...]], Understood] = lru_cache(maxsize=cache_size)(
            self._understand
        )

    def query(
        self,
        understood: Understood,
        shape: SearchQuery | None = None,
        *,
        fuzzy: bool = False,
        literal: bool = False,
        expansions: Sequence[Expansion] = (),
        rescue: bool = False,
    ) -> SearchQuery:
        """The index query, with `shape`'s filters, order and page: `fuzzy` lets plain terms
        match within a typo, `literal` takes no word for a typo; `expansions` add score
        (`rescue`: they widen every clause)."""
        chosen = (
            understood.fuzzy_clauses
            if fuzzy
            else understood.literal_clauses
            if literal
            else understood.clauses
        )
        clauses = list(chosen)
        boosts: list[Term] = []
        for expansion in expansions:
            terms = self._expansion_terms(expansion)
            if rescue:  # the query found nothing: a similar word may stand for any clause
                clauses = [Clause(clause.terms + terms) for clause in clauses]
            else:
                boosts.extend(terms)
        return replace(
            shape or SearchQuery(),
            clauses=tuple(clauses),
            min_cover=min_cover(len(clauses)),
            boosts=tuple(boosts),
            owner=understood.owner,
        )

    def _expansion_terms(self, expansion: Expansion) -> tuple[Term, ...]:
        """A similar word's terms; none when it names a breed (it would stand for another)."""
        words = [w for w in self.analyzer.words(expansion.word) if w.term]
        meaning = self.lexicon.exact(words) if words else None
        if meaning is not None and meaning.kind == "breed":
            return ()
        return tuple(Term(w.term, expansion.weight) for w in words)

    def _understand(self, phrases: tuple[str, ...]) -> Understood:
        owner: str | None = None
        texts: list[str] = []
        for phrase in phrases:
            text = normalize_text(phrase).strip()
            if text.startswith("@") and len(text) > 1 and " " not in text:
                owner = text[1:]
            elif text:
                texts.append(text)
        parts = _Parts(self)
        for text in texts:
            for segment in _SEGMENT.findall(text):
                parts.add_segment(segment)
        found = parts.finish(owner)
        return replace(found, meaningless=bool(texts) and not found.clauses)


class _Parts:
    """The clauses of one query as they are found, left to right."""

    def __init__(self, builder: QueryBuilder) -> None:
        self.analyzer = builder.analyzer
        self.lexicon = builder.lexicon
        self.pending: list[Word] = []
        """Content words not yet made clauses (a vocabulary form may span segments)."""
        self.clauses: list[tuple[Clause, Clause, Clause]] = []
        """(as understood, forgiving typos, as typed) for each thing the user asked for."""
        self.readings: list[Reading] = []
        self.said: list[str] = []
        """The query as understood, part by part (a typo replaced by what it was read as)."""

    def add_segment(self, segment: str) -> None:
        """One space-separated piece of the query; its words may join the previous piece's
        (`saint` `bernard`, 「ゴールデン」「レトリーバー」)."""
        words = self.analyzer.words(segment)
        if is_kana(segment) and len(words) > 1 and self._kana_form(segment):
            # Kana that is a vocabulary form Sudachi cuts into pieces (「ちわわ」 → ちわ + わ,
            # 「ぱぐ」 → ぱっ + ぐ): one word, read by its sound. Other kana (「ねこがすき」)
            # keeps Sudachi's words.
            words = [Word(segment, to_katakana(segment), kana_key(segment), False)]
        for word in words:
            if word.term:
                self.pending.append(word)
            else:
                self._flush()

    def _kana_form(self, segment: str) -> bool:
        if self.lexicon.by_kana(segment) is not None:
            return True
        sound = kana_key(segment)
        return len(sound) >= MIN_SOUND_LENGTH and self.lexicon.closest(sound) is not None

    def finish(self, owner: str | None) -> Understood:
        self._flush()
        suggestion = None
        if any(reading.corrected for reading in self.readings):
            suggestion = " ".join(([f"@{owner}"] if owner else []) + self.said)
        kept = list(dict.fromkeys(self.clauses))[:MAX_CLAUSES]  # 犬 犬 犬 is one 犬
        return Understood(
            clauses=tuple(exact for exact, _, _ in kept),
            fuzzy_clauses=tuple(fuzzy for _, fuzzy, _ in kept),
            literal_clauses=tuple(dict.fromkeys(literal for _, _, literal in kept)),
            readings=tuple(self.readings),
            owner=owner,
            suggestion=suggestion,
        )

    def _flush(self) -> None:
        """Turn the pending words into clauses: longest vocabulary runs first."""
        words, self.pending = self.pending, []
        start = 0
        while start < len(words):
            start += self._span(words, start) or self._word(words[start])

    def _span(self, words: Sequence[Word], start: int) -> int:
        """Make the longest vocabulary run at `start` a clause (exactly, else for runs of two
        or more words within a typo: ニューファンランド); how many words it took (0: none)."""
        for length in range(min(MAX_SPAN, len(words) - start), 0, -1):
            span = words[start : start + length]
            text = " ".join(w.surface for w in span)
            meaning = self.lexicon.exact(span)
            if meaning is not None:
                self._meaning(text, meaning, words=span)
                return length
            meaning = self.lexicon.closest(span_sound(span)) if length > 1 else None
            if meaning is not None:
                self._meaning(text, meaning, corrected=True, words=span)
                return length
        return 0

    def _meaning(
        self,
        text: str,
        meaning: Meaning,
        *,
        corrected: bool = False,
        words: Sequence[Word] = (),
    ) -> None:
        implied = [self.lexicon.concepts[name] for name in meaning.implies]
        if meaning.kind == "concept" and not corrected:
            # What was typed may also be a name (a cat called シロ), found at a low weight.
            named = (Term(words[0].term, NAME_WEIGHT, fields=("name",)),) if len(words) == 1 else ()
            meaning = replace(meaning, terms=meaning.terms + named)
        # As typed: the words' own terms (tried first when they were read as a typo).
        literal = Clause(tuple(t for w in words for t in _plain_terms(w))) if corrected else None
        if len(implied) > 1:
            # 黒猫: a black thing and a cat, either written as 黒猫 itself.
            for part in implied:
                clause = Clause(part.terms + meaning.terms)
                self.clauses.append((clause, clause, literal or clause))
        else:  # a golden retriever is a dog, but not every dog is one
            clause = Clause(meaning.terms)
            self.clauses.append((clause, clause, literal or clause))
        self.readings.append(Reading(text, f"{meaning.kind}: {meaning.name}", corrected))
        label = meaning.label_en if text.isascii() else meaning.label_ja
        self.said.append(label if corrected else text)

    def _word(self, word: Word) -> int:
        """A word the vocabulary does not know exactly: a typo of a form, or plain text."""
        sound = word.key if len(word.key) >= MIN_SOUND_LENGTH else ""
        meaning = self.lexicon.closest(sound) if sound and not word.parts else None
        if meaning is not None and typo_distance(len(word.surface)):
            self._meaning(word.surface, meaning, corrected=True, words=(word,))
            return 1
        exact = Clause(_plain_terms(word))
        self.clauses.append((exact, Clause(exact.terms + _fuzzy(word)), exact))
        self.readings.append(Reading(word.surface, f"text: {word.term}"))
        self.said.append(word.surface)
        return 1


def _plain_terms(word: Word) -> tuple[Term, ...]:
    """A word as text: its term, its sound, and a compound's head at a lower weight."""
    terms = [Term(word.term)]
    if len(word.key) >= MIN_SOUND_LENGTH:
        terms.append(Term(SOUND + word.key, SOUND_WEIGHT))
    heads = [p for p in word.parts if p.term and p.term != word.term]
    if heads:
        terms.append(Term(heads[-1].term, PART_WEIGHT))  # 大型犬: any 犬, whole first
    return tuple(terms)


def _fuzzy(word: Word) -> tuple[Term, ...]:
    """The typo-tolerant terms of a plain word (none for short words)."""
    terms: list[Term] = []
    if distance := typo_distance(len(word.term)):
        terms.append(Term(word.term, FUZZY_WEIGHT, distance))
    if word.key and (distance := typo_distance(len(word.key))):
        terms.append(Term(SOUND + word.key, FUZZY_WEIGHT * SOUND_WEIGHT, distance))
    return tuple(terms)
