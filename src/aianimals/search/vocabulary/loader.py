"""Reading the vocabulary's TOML files, and refusing data the search could not trust.

Every error is a `ValueError` that names the file and the entry at fault.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import cast

from aianimals.search.vocabulary.model import (
    CATEGORIES,
    Breed,
    Category,
    Concept,
    Vocabulary,
    surface_key,
)

BREEDS_FILE = "breeds.toml"
CONCEPTS_FILE = "concepts.toml"
_PACKAGE = __name__.rpartition(".")[0]
_CONCEPT_NAME = re.compile(r"[a-z][a-z0-9_]*")


def load_vocabulary(directory: Traversable | None = None) -> Vocabulary:
    """The packaged vocabulary (read once, then cached), or the one in `directory` (read anew)."""
    return _packaged() if directory is None else read_vocabulary(directory)


@cache
def _packaged() -> Vocabulary:
    return read_vocabulary(resources.files(_PACKAGE))


def read_vocabulary(directory: Traversable) -> Vocabulary:
    """The vocabulary in `directory`'s breeds.toml and concepts.toml, checked."""
    claims = _Claims()
    breeds, ambiguous = _read_breeds(directory / BREEDS_FILE, claims)
    concepts = _read_concepts(directory / CONCEPTS_FILE, claims, {b.name_en for b in breeds})
    return Vocabulary(breeds, concepts, MappingProxyType(ambiguous))


class _Entry:
    """One table of a file, read key by key."""

    def __init__(
        self, source: str, what: str, table: object, required: set[str], optional: set[str]
    ) -> None:
        self.source, self.what = source, what
        if not isinstance(table, dict):
            raise self.error("is not a table")
        self.table = cast(dict[str, object], table)
        if unknown := sorted(set(self.table) - required - optional):
            raise self.error(f"unknown key(s) {', '.join(unknown)}")
        if missing := sorted(required - set(self.table)):
            raise self.error(f"missing key(s) {', '.join(missing)}")

    def error(self, message: str) -> ValueError:
        return ValueError(f"{self.source}: {self.what}: {message}")

    def text(self, key: str) -> str:
        value = self.table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key} must be a non-empty string")
        return value

    def integer(self, key: str) -> int:
        value = self.table[key]
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(f"{key} must be an integer")
        return value

    def texts(self, key: str, *, non_empty: bool = False) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise self.error(f"{key} must be a list of non-empty strings")
        if non_empty and not value:
            raise self.error(f"{key} is empty")
        return tuple(cast(list[str], value))


class _Claims:
    """Which breed, concept or ambiguous word each surface form (by `surface_key`) belongs to."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def claim(self, entry: _Entry, owner: str, surfaces: Iterable[str]) -> None:
        """Give `surfaces` to `owner`: none may repeat, none may already be another's."""
        seen: set[str] = set()
        for surface in surfaces:
            key = surface_key(surface)
            if key in seen:
                raise entry.error(f"{surface!r} is listed twice")
            seen.add(key)
            previous = self.owners.setdefault(key, owner)
            if previous != owner:
                raise entry.error(f"{surface!r} already names {previous}")


def _read(file: Traversable) -> tuple[str, dict[str, object]]:
    source = str(file)
    try:
        return source, tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: not valid TOML: {error}") from error


def _label(kind: str, index: int, table: object, key: str) -> str:
    name = table.get(key) if isinstance(table, dict) else None
    return f"{kind} {name!r}" if isinstance(name, str) else f"{kind} #{index + 1}"


def _read_breeds(
    file: Traversable, claims: _Claims
) -> tuple[tuple[Breed, ...], dict[str, tuple[str, ...]]]:
    source, data = _read(file)
    top = _Entry(source, "top level", data, {"breeds"}, {"ambiguous"})
    tables = top.table["breeds"]
    if not isinstance(tables, list):
        raise top.error("breeds must be an array of tables ([[breeds]])")
    breeds: list[Breed] = []
    for index, table in enumerate(tables):
        entry = _Entry(
            source,
            _label("breed", index, table, "name_en"),
            table,
            {"id", "name_en", "name_ja"},
            {"aliases"},
        )
        breed = Breed(
            entry.integer("id"),
            entry.text("name_en"),
            entry.text("name_ja"),
            entry.texts("aliases"),
        )
        if any(b.id == breed.id for b in breeds):
            raise entry.error(f"id {breed.id} is already another breed's")
        if any(b.name_en == breed.name_en for b in breeds):
            raise entry.error("another breed has this name_en")
        claims.claim(entry, f"breed {breed.name_en!r}", breed.surfaces)
        breeds.append(breed)
    return tuple(breeds), _read_ambiguous(source, top, claims, {b.name_en for b in breeds})


def _read_ambiguous(
    source: str, top: _Entry, claims: _Claims, breed_names: set[str]
) -> dict[str, tuple[str, ...]]:
    table = top.table.get("ambiguous", {})
    words = set(cast(dict[str, object], table)) if isinstance(table, dict) else set()
    entry = _Entry(source, "ambiguous", table, set(), words)
    ambiguous: dict[str, tuple[str, ...]] = {}
    for word in entry.table:
        names = entry.texts(word, non_empty=True)
        if len(set(names)) < 2:
            raise entry.error(f"{word!r} must name at least two different breeds")
        if unknown := sorted(set(names) - breed_names):
            raise entry.error(f"{word!r} names unknown breed(s) {', '.join(unknown)}")
        claims.claim(entry, "an ambiguous word", [word])
        ambiguous[word] = names
    return ambiguous


def _read_concepts(
    file: Traversable, claims: _Claims, breed_names: set[str]
) -> tuple[Concept, ...]:
    source, data = _read(file)
    top = _Entry(source, "top level", data, {"concepts"}, set())
    tables = top.table["concepts"]
    if not isinstance(tables, list):
        raise top.error("concepts must be an array of tables ([[concepts]])")
    concepts: dict[str, tuple[_Entry, Concept]] = {}
    for index, table in enumerate(tables):
        entry = _Entry(
            source,
            _label("concept", index, table, "name"),
            table,
            {"name", "forms"},
            {"category", "breeds", "implies"},
        )
        concept = Concept(
            name=entry.text("name"),
            forms=entry.texts("forms", non_empty=True),
            category=_category(entry),
            breeds=entry.texts("breeds"),
            implies=entry.texts("implies"),
        )
        if not _CONCEPT_NAME.fullmatch(concept.name):
            raise entry.error("a name is lower-case ASCII letters, digits and _")
        if concept.name in concepts:
            raise entry.error("another concept has this name")
        claims.claim(entry, f"concept {concept.name!r}", concept.forms)
        concepts[concept.name] = entry, concept
    for entry, concept in concepts.values():
        _check_references(entry, concept, concepts, breed_names)
    return tuple(concept for _, concept in concepts.values())


def _category(entry: _Entry) -> Category | None:
    if "category" not in entry.table:
        return None
    category = entry.text("category")
    if category not in CATEGORIES:
        raise entry.error(f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
    return category


def _check_references(
    entry: _Entry, concept: Concept, concepts: Mapping[str, object], breed_names: set[str]
) -> None:
    if unknown := sorted(set(concept.breeds) - breed_names):
        raise entry.error(f"breeds names unknown breed(s) {', '.join(unknown)}")
    if unknown := sorted(set(concept.implies) - set(concepts)):
        raise entry.error(f"implies names unknown concept(s) {', '.join(unknown)}")
    if concept.name in concept.implies:
        raise entry.error("a concept does not imply itself")
