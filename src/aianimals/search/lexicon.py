"""The pet vocabulary as a query sees it: every form of a breed or concept, found by its
terms or by its sound, in any script, exactly or within a typo."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from aianimals.ports.search.analyzer import Analyzer, Word, normalize_text
from aianimals.ports.search.base import Term
from aianimals.ports.search.fields import breed_token, category_token
from aianimals.ports.search.sound import is_kana, kana_key, latin_key
from aianimals.search.vocabulary import Breed, Concept, Vocabulary

K = TypeVar("K")
BREED_WEIGHT = 2.0
GROUP_WEIGHT = 1.5
SOUND_WEIGHT = 0.8
TRAIT_FIELDS = ("breed", "description")
"""Where a concept is looked for: what is said of an animal, not its name (a cat named シロ
is not thereby white; typing its name still finds it, see `understanding`)."""


def typo_distance(length: int) -> int:
    """Edit distance a term of this length may be off by: 0 below 4, 1 up to 7, else 2."""
    return 0 if length < 4 else 1 if length <= 7 else 2


@dataclass(frozen=True)
class Meaning:
    """What a vocabulary form stands for, and the terms a query clause gets for it."""

    kind: str  # "breed" | "concept"
    name: str
    label_ja: str
    label_en: str
    terms: tuple[Term, ...]
    implies: tuple[str, ...] = ()


def span_sound(words: Sequence[Word]) -> str:
    """The sound key of words read together ("" when one of them has none)."""
    if not words or any(not w.key for w in words):
        return ""
    return latin_key("".join(w.key for w in words))


def content(words: Iterable[Word]) -> list[Word]:
    """The words that carry meaning (not particles, symbols or stop words)."""
    return [w for w in words if w.term]


def _whole(form: str, words: Sequence[Word]) -> bool:
    """True when `words` (content words) spell all of `form`: nothing was dropped."""
    spelled = "".join(w.surface for w in words)
    return bool(words) and spelled == normalize_text(form).replace(" ", "").replace("-", "")


def _unique(found: dict[K, set[Meaning]]) -> dict[K, Meaning]:
    return {key: next(iter(meanings)) for key, meanings in found.items() if len(meanings) == 1}


class Lexicon:
    """Vocabulary forms → meanings, by their terms and by their sound keys."""

    def __init__(self, vocabulary: Vocabulary, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        by_terms: dict[tuple[str, ...], set[Meaning]] = defaultdict(set)
        by_sound: dict[str, set[Meaning]] = defaultdict(set)
        by_spelling: dict[str, set[Meaning]] = defaultdict(set)
        self.concepts: dict[str, Meaning] = {}
        entries: list[tuple[Meaning, tuple[str, ...]]] = [
            (self._breed(breed), (breed.name_ja, breed.name_en.replace("_", " "), *breed.aliases))
            for breed in vocabulary.breeds
        ]
        for concept in vocabulary.concepts:
            meaning = self._concept(concept)
            self.concepts[concept.name] = meaning
            entries.append((meaning, concept.forms))
        for meaning, forms in entries:
            for form in forms:
                words = content(analyzer.words(form))
                if form.isascii():
                    # English forms are found by their terms; their folded spelling (not a
                    # reading) only serves typos: `shampoo` must not sound like 「さんぽ」.
                    by_spelling[latin_key(form.replace(" ", ""))].add(meaning)
                if kana := kana_key(form.replace(" ", "")):
                    by_sound[kana].add(meaning)
                if not _whole(form, words):
                    continue  # 超大型犬 is not 大型犬, 猫ちゃん not just 猫
                by_terms[tuple(w.term for w in words)].add(meaning)
                if not form.isascii() and (sound := span_sound(words)):
                    by_sound[sound].add(meaning)
        # A form two meanings share means neither: it is left to plain text matching.
        self._by_terms = _unique(by_terms)
        self._by_sound = _unique(by_sound)
        self._by_spelling = _unique(by_spelling)
        self._typo_keys = sorted(self._by_sound.keys() | self._by_spelling.keys())

    def exact(self, words: Sequence[Word]) -> Meaning | None:
        """The meaning of these (content) words read together, if the vocabulary has it:
        by their terms, or by their sound as Japanese (`shiba inu` → 柴犬)."""
        found = self._by_terms.get(tuple(w.term for w in words))
        return found or self._by_sound.get(span_sound(words))

    def by_kana(self, text: str) -> Meaning | None:
        """The meaning of a word written in kana only (「しばいぬ」), read as one word."""
        return self._by_sound.get(kana_key(text)) if is_kana(text) else None

    def closest(self, sound: str) -> Meaning | None:
        """The one meaning whose sound is within a typo of `sound` (none when two are)."""
        distance = typo_distance(len(sound))
        if not distance:
            return None
        found = process.extract(
            sound, self._typo_keys, scorer=OSA.distance, score_cutoff=distance, limit=8
        )
        if not found:
            return None
        best = min(score for _, score, _ in found)
        meanings = {
            meaning
            for key, score, _ in found
            if score == best
            for meaning in (self._by_sound.get(key), self._by_spelling.get(key))
            if meaning is not None
        }
        return next(iter(meanings)) if len(meanings) == 1 else None

    def _breed(self, breed: Breed) -> Meaning:
        return Meaning(
            "breed",
            breed.name_en,
            breed.name_ja,
            breed.name_en.replace("_", " "),
            (Term(breed_token(breed.name_en), BREED_WEIGHT, fields=("breed",)),),
        )

    def _concept(self, concept: Concept) -> Meaning:
        terms: dict[str, Term] = {}
        is_category = concept.category is not None and concept.category == concept.name
        # A category's words (犬, dog) stand in every breed field of that category, as does
        # its `#c:` token: the token alone searches the breed field, the words only texts.
        # Three equal postings lists of a common word would each be another pass over
        # two-thirds of the animals.
        fields = ("description",) if is_category else TRAIT_FIELDS
        for form in concept.forms:
            words = content(self.analyzer.words(form))
            if len(words) != 1:
                continue  # a multi-word form finds the concept, but is not one term to match
            # Its term only, not its sound: every kana spelling of a form normalises to the
            # same term as the text's (いぬ, イヌ → 犬), and each extra term is another pass
            # over the postings of a common word.
            terms.setdefault(words[0].term, Term(words[0].term, fields=fields))
        if is_category:
            token = category_token(concept.name)
            terms[token] = Term(token, GROUP_WEIGHT, fields=("breed",))
        for name in concept.breeds:
            token = breed_token(name)
            terms[token] = Term(token, GROUP_WEIGHT, fields=("breed",))
        japanese = [f for f in concept.forms if not f.isascii()]
        english = [f for f in concept.forms if f.isascii()]
        return Meaning(
            "concept",
            concept.name,
            japanese[0] if japanese else concept.name,
            english[0] if english else concept.name,
            tuple(terms.values()),
            tuple(concept.implies),
        )
