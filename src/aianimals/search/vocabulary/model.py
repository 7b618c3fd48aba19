"""The pet vocabulary's types: breeds with their aliases, bilingual concepts, ambiguous words."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Category = Literal["cat", "dog"]
CATEGORIES: tuple[Category, ...] = ("cat", "dog")


def surface_key(text: str) -> str:
    """How two surface forms are compared: NFKC, case-folded, runs of white space as one."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Breed:
    """A reference breed (`id` is its subcategory id) and the other names people write for it."""

    id: int
    name_en: str
    name_ja: str
    aliases: tuple[str, ...]

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Every name of the breed: the two reference names, then the aliases."""
        return (self.name_en, self.name_ja, *self.aliases)


@dataclass(frozen=True)
class Concept:
    """A pet concept and its surface forms in Japanese and English.

    `category`: the animal the concept implies, if any (子猫 → cat); `breeds`: the reference
    breeds (`name_en`) it stands for when it names a group (大型犬); `implies`: other concepts
    it includes (黒猫 → black, cat).
    """

    name: str
    forms: tuple[str, ...]
    category: Category | None = None
    breeds: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """All breeds, all concepts, and the words that may mean several breeds (→ their name_en)."""

    breeds: tuple[Breed, ...]
    concepts: tuple[Concept, ...]
    ambiguous: Mapping[str, tuple[str, ...]]

    def breed(self, name_en: str) -> Breed:
        """The breed named `name_en` (KeyError when there is none)."""
        for breed in self.breeds:
            if breed.name_en == name_en:
                return breed
        raise KeyError(name_en)

    def concept(self, name: str) -> Concept:
        """The concept named `name` (KeyError when there is none)."""
        for concept in self.concepts:
            if concept.name == name:
                return concept
        raise KeyError(name)

    def implied(self, name: str) -> tuple[str, ...]:
        """Every concept `name` implies, directly or through others, nearest first (not itself)."""
        found: list[str] = []
        frontier = list(self.concept(name).implies)
        while frontier:
            current = frontier.pop(0)
            if current != name and current not in found:
                found.append(current)
                frontier.extend(self.concept(current).implies)
        return tuple(found)
