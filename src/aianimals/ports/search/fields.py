"""What every backend indexes of an animal: its analysed tokens per text field."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import AnimalDocument, DocumentTokens


def breed_token(name_en: str) -> str:
    """The token every document of this breed carries in its breed field (by the breed's
    stable English name, `shiba_inu`: ids differ between stores)."""
    return f"#b:{name_en.lower()}"


def category_token(name_en: str) -> str:
    """The token every document of this category carries in its breed field (`#c:dog`)."""
    return f"#c:{name_en.lower()}"


class AnimalTokens:
    """The `DocumentAnalyzer` of both backends: names and breeds also join neighbouring Latin
    words (`pit bull` → `pitbul`); the breed field carries the breed's and the category's
    tokens, so a query that names either in any script finds it exactly. The owner's handle
    is not free text (search it with `@handle`). Each distinct text is analysed once."""

    def __init__(self, analyzer: Analyzer, cache_size: int = 262_144) -> None:
        self.analyzer = analyzer
        self._short: Callable[[str], tuple[str, ...]] = lru_cache(maxsize=cache_size)(
            self._short_uncached
        )
        self._long: Callable[[str], tuple[str, ...]] = lru_cache(maxsize=cache_size)(
            self._long_uncached
        )

    def __call__(self, document: AnimalDocument) -> DocumentTokens:
        breed = " ".join(
            name.replace("_", " ")
            for name in (
                document.subcategory_name_ja,
                document.subcategory_name_en,
                document.category_name_ja,
                document.category_name_en,
            )
        )
        return (
            self._short(document.name),
            (
                *self._short(breed),
                breed_token(document.subcategory_name_en),
                category_token(document.category_name_en),
            ),
            self._long(document.description),
        )

    def _short_uncached(self, text: str) -> tuple[str, ...]:
        return tuple(self.analyzer.index_tokens(text, join_latin=True))

    def _long_uncached(self, text: str) -> tuple[str, ...]:
        return tuple(self.analyzer.index_tokens(text))
