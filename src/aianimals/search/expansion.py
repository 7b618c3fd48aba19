"""Query expansion with the similar-word dictionary (`aianimals train similar-words`)."""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Expansion:
    """A similar word that widens one phrase, at a lower weight (0 < weight < 1)."""

    phrase: str
    word: str
    weight: float


def phrase_key(phrase: str) -> str:
    """How phrases are looked up: NFKC, lower case, trimmed."""
    return unicodedata.normalize("NFKC", phrase).strip().lower()


@dataclass(frozen=True)
class SimilarWords:
    """Phrase → similar words with their similarity (best first), and the dictionary version.

    File format: `{"version": str, "words": {phrase: [[word, similarity], ...]}}`.
    """

    version: str
    words: Mapping[str, Sequence[tuple[str, float]]]

    def expansions(
        self, phrases: Sequence[str], weight: float, limit: int
    ) -> tuple[Expansion, ...]:
        """Up to `limit` similar words per phrase, weighted `weight × similarity`."""
        expanded: list[Expansion] = []
        for phrase in phrases:
            for word, similarity in self.words.get(phrase_key(phrase), ())[:limit]:
                if word != phrase and similarity > 0:
                    expanded.append(Expansion(phrase, word, weight * min(similarity, 1.0)))
        return tuple(expanded)

    @classmethod
    def load(cls, path: Path) -> SimilarWords | None:
        """The dictionary at `path`; None (no expansion) when there is none or it is unreadable."""
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text("utf-8"))
            words = {
                phrase_key(str(phrase)): [(str(w), float(s)) for w, s in similar]
                for phrase, similar in data["words"].items()
            }
            return cls(version=str(data["version"]), words=words)
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("similar-word dictionary %s not loaded: %s", path, error)
            return None


SIMILAR_WORDS_CHECK_SECONDS = 2.0
"""How often the served dictionary file is checked for a retrain (which writes it atomically)."""


Expand = Callable[[tuple[str, ...]], tuple[Expansion, ...]]
"""A search's phrases → the similar words that widen them (the search route's expansion)."""


def expander(words: SimilarWords | None, weight: float, limit: int) -> Expand:
    """The expansion the search route applies, for code that replays logged searches."""

    def expand(phrases: tuple[str, ...]) -> tuple[Expansion, ...]:
        if words is None or not phrases:
            return ()
        return words.expansions(phrases, weight, limit)

    return expand
