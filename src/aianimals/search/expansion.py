"""Query expansion with the similar-word dictionary (`aianimals train similar-words`)."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
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


class SimilarWordsFile:
    """The dictionary file, reloaded when it changes (a retrain writes it atomically)."""

    def __init__(self, path: Path, check_every_seconds: float = 2.0) -> None:
        self.path = path
        self.check_every_seconds = check_every_seconds
        self._lock = threading.Lock()
        self._checked_at = -math.inf
        self._stamp: tuple[int, int] | None = None
        self._words: SimilarWords | None = None

    def current(self) -> SimilarWords | None:
        """The dictionary as the file holds it now (checked at most every few seconds)."""
        now = time.monotonic()
        if now - self._checked_at < self.check_every_seconds:
            return self._words
        with self._lock:
            self._checked_at = now
            try:
                status = self.path.stat()
                stamp: tuple[int, int] | None = (status.st_mtime_ns, status.st_size)
            except FileNotFoundError:
                stamp = None
            if stamp != self._stamp:
                self._stamp = stamp
                self._words = SimilarWords.load(self.path) if stamp else None
                if self._words:
                    logger.info("similar-word dictionary %s loaded", self._words.version)
            return self._words


Expand = Callable[[tuple[str, ...]], tuple[Expansion, ...]]
"""A search's phrases → the similar words that widen them (the search route's expansion)."""


def expander(words: SimilarWords | None, weight: float, limit: int) -> Expand:
    """The expansion the search route applies, for code that replays logged searches."""

    def expand(phrases: tuple[str, ...]) -> tuple[Expansion, ...]:
        if words is None or not phrases:
            return ()
        return words.expansions(phrases, weight, limit)

    return expand
