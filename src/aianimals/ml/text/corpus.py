"""The word-vector corpus: animal texts, breed and category names, and logged query phrases.

Small query functions read the SQL store; `build_corpus` is pure and tokenises with the
same analyzer the search index uses, so the learnt vocabulary is made of index terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aianimals.access_logs.models import AccessLog
from aianimals.animals import queries as animals
from aianimals.categories.models import AnimalCategory, AnimalSubcategory

Sentence = list[str]
Tokenize = Callable[[str], list[str]]
StepProgress = Callable[[str, int, int], None]
"""(step, done, total) while a long step runs."""

CLICK_ACTIONS = ("select", "see_long", "like")
"""Actions that show a result was wanted (impressions alone are not clicks)."""


@dataclass(frozen=True)
class BreedNames:
    """A breed's and its category's names, Japanese and English."""

    subcategory_id: int
    breed_ja: str
    breed_en: str
    category_ja: str
    category_en: str

    def text(self) -> str:
        """All four names as one text (`shiba_inu` → `shiba inu`)."""
        names = (self.breed_ja, self.breed_en, self.category_ja, self.category_en)
        return " ".join(name.replace("_", " ") for name in names)


@dataclass(frozen=True)
class AnimalText:
    """What an animal's owner wrote about it, and its breed."""

    name: str
    description: str
    subcategory_id: int


@dataclass(frozen=True)
class LoggedSearch:
    """One logged search: its query, when it started, and the animals acted on."""

    search_id: str
    started_at: datetime
    phrases: tuple[str, ...]
    category_id: int | None
    subcategory_id: int | None
    clicked: frozenset[str]


def breed_names(session: Session) -> list[BreedNames]:
    """Every breed with its category's names, in id order."""
    query = (
        select(AnimalSubcategory, AnimalCategory)
        .join(AnimalCategory, AnimalCategory.id == AnimalSubcategory.category_id)
        .order_by(AnimalSubcategory.id)
    )
    return [
        BreedNames(sub.id, sub.name_ja, sub.name_en, cat.name_ja, cat.name_en)
        for sub, cat in session.execute(query)
    ]


def animal_texts(session: Session) -> list[AnimalText]:
    """Name, description and breed of every animal (hidden ones too: their words are fine)."""
    return [AnimalText(n, d or "", s) for n, d, s in session.execute(animals.texts())]


def logged_searches(session: Session) -> list[LoggedSearch]:
    """Every logged search, ordered by its first event (then id)."""
    first = (
        select(AccessLog.search_id, func.min(AccessLog.created_at).label("started_at"))
        .group_by(AccessLog.search_id)
        .subquery("first_events")
    )
    query = select(
        AccessLog.search_id,
        first.c.started_at,
        AccessLog.phrases,
        AccessLog.animal_category_id,
        AccessLog.animal_subcategory_id,
        AccessLog.animal_id,
        AccessLog.action,
    ).join(first, first.c.search_id == AccessLog.search_id)
    heads: dict[str, LoggedSearch] = {}
    clicks: dict[str, set[str]] = {}
    for search_id, started, phrases, category, subcategory, animal, action in session.execute(
        query
    ):
        if search_id not in heads:
            query_phrases = tuple(str(p) for p in phrases or ())
            heads[search_id] = LoggedSearch(
                search_id, started, query_phrases, category, subcategory, frozenset()
            )
            clicks[search_id] = set()
        if action in CLICK_ACTIONS:
            clicks[search_id].add(animal)
    searches = [
        LoggedSearch(
            s.search_id,
            s.started_at,
            s.phrases,
            s.category_id,
            s.subcategory_id,
            frozenset(clicks[s.search_id]),
        )
        for s in heads.values()
    ]
    return sorted(searches, key=lambda s: (s.started_at, s.search_id))


def build_corpus(
    tokenize: Tokenize,
    animals: Sequence[AnimalText],
    breeds: Sequence[BreedNames],
    phrase_lists: Iterable[Sequence[str]],
    progress: StepProgress | None = None,
) -> list[Sentence]:
    """Tokenised sentences, in input order; empty ones are dropped.

    One sentence per animal (name, description, then its breed and category names, so
    an alternative breed name in a description meets the canonical one), one per breed
    (its names in both languages), and one per logged search (its phrases together).
    """
    breed_terms = {b.subcategory_id: tokenize(b.text()) for b in breeds}
    phrases = list(phrase_lists)
    total = len(breeds) + len(animals) + len(phrases)
    sentences: list[Sentence] = [terms for terms in breed_terms.values() if terms]
    for done, animal in enumerate(animals, start=len(breeds) + 1):
        terms = tokenize(f"{animal.name}\n{animal.description}")
        terms += breed_terms.get(animal.subcategory_id, [])
        if terms:
            sentences.append(terms)
        if progress is not None and done % 500 == 0:
            progress("analysing texts", done, total)
    for phrase_list in phrases:
        terms = [term for phrase in phrase_list for term in tokenize(phrase)]
        if terms:
            sentences.append(terms)
    if progress is not None:
        progress("analysing texts", total, total)
    return sentences
