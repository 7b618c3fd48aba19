"""Suggestions as you type: breeds, pet concepts and popular past queries.

A suggestion matches when what was typed starts one of its forms, as written (NFKC, lower
case, kana folded to katakana) or by sound (`shib`, 「しば」 and 「シバ」 all start
`sibainu`), or — from four letters on — when it is within one typo of such a start.
Popular queries are those that several users searched and acted on (the access logs);
they are re-read in the background every few minutes, never on a request's path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import select

from aianimals.access_logs.models import AccessLog
from aianimals.core.clock import utcnow
from aianimals.ports.search.analyzer import normalize_text, to_katakana
from aianimals.ports.search.sound import is_kana, kana_key, latin_key
from aianimals.ports.sql.database import Database
from aianimals.search.vocabulary import Vocabulary

logger = logging.getLogger(__name__)

MIN_FUZZY_LENGTH = 4


@dataclass(frozen=True)
class Suggestion:
    """What to offer: the text to search, what it stands for, and where it comes from."""

    text: str
    label: str
    kind: str  # "breed" | "concept" | "query"


@dataclass(frozen=True)
class _Entry:
    suggestion: Suggestion
    written: str
    sound: str
    rank: int


def _written(text: str) -> str:
    return to_katakana(normalize_text(text)).replace(" ", "")


def _sound(text: str) -> str:
    written = normalize_text(text).replace(" ", "")
    if written.isascii():
        return latin_key(written)
    return kana_key(to_katakana(written)) if is_kana(written) else ""


def vocabulary_suggestions(vocabulary: Vocabulary) -> list[tuple[Suggestion, int]]:
    """Every breed name and alias, and every concept form, with a rank (lower first)."""
    found: list[tuple[Suggestion, int]] = []
    for breed in vocabulary.breeds:
        english = breed.name_en.replace("_", " ")
        for form in (breed.name_ja, english, *breed.aliases):
            label = english if form.isascii() else breed.name_ja
            found.append((Suggestion(form, label, "breed"), 0))
    for concept in vocabulary.concepts:
        for form in concept.forms:
            found.append((Suggestion(form, form, "concept"), 1))
    return found


class Suggester:
    """Completes a prefix from the vocabulary and from popular queries."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        popular: Callable[[], Sequence[tuple[str, int]]] | None = None,
        *,
        refresh_seconds: float = 300.0,
    ) -> None:
        self._fixed = [
            self._entry(suggestion, rank) for suggestion, rank in vocabulary_suggestions(vocabulary)
        ]
        self._popular = popular
        self._refresh_seconds = refresh_seconds
        self._entries = self._fixed
        self._lock = threading.Lock()
        self._loaded_at = -float("inf")
        self._loading = False

    def suggest(self, typed: str, limit: int = 8) -> list[Suggestion]:
        """Up to `limit` suggestions for what was typed so far, best first."""
        self._maybe_reload()
        written, sound = _written(typed), _sound(typed)
        if not written:
            return []
        if len(sound) * 2 < len(written):
            sound = ""  # folding ate most of it (ｘｘｘｘ → x, あああ → a): no sound to go on
        entries = self._entries
        scored: list[tuple[int, int, int, Suggestion]] = []
        for entry in entries:
            if entry.written.startswith(written):
                tier = 0
            elif sound and entry.sound.startswith(sound):
                tier = 1
            else:
                continue
            scored.append((tier, entry.rank, len(entry.written), entry.suggestion))
        if len(scored) < limit and len(sound or written) >= MIN_FUZZY_LENGTH:
            scored.extend(self._typos(entries, sound or written, bool(sound)))
        scored.sort(key=lambda item: item[:3])
        seen: set[tuple[str, str]] = set()
        results: list[Suggestion] = []
        for *_, suggestion in scored:
            key = (suggestion.label, suggestion.kind)
            if key not in seen:
                seen.add(key)
                results.append(suggestion)
            if len(results) == limit:
                break
        return results

    def _typos(
        self, entries: Sequence[_Entry], typed: str, by_sound: bool
    ) -> Iterable[tuple[int, int, int, Suggestion]]:
        starts = [(e.sound if by_sound else e.written)[: len(typed)] for e in entries]
        for _, _, position in process.extract(
            typed, starts, scorer=OSA.distance, score_cutoff=1, limit=50
        ):
            entry = entries[position]
            yield 2, entry.rank, len(entry.written), entry.suggestion

    @staticmethod
    def _entry(suggestion: Suggestion, rank: int) -> _Entry:
        return _Entry(suggestion, _written(suggestion.text), _sound(suggestion.text), rank)

    def _maybe_reload(self) -> None:
        if self._popular is None:
            return
        now = time.monotonic()
        with self._lock:
            if self._loading or now - self._loaded_at < self._refresh_seconds:
                return
            self._loading, self._loaded_at = True, now
        threading.Thread(target=self._reload, name="suggest-popular", daemon=True).start()

    def _reload(self) -> None:
        assert self._popular is not None
        try:
            popular = [
                self._entry(Suggestion(text, text, "query"), -count)
                for text, count in self._popular()
            ]
            self._entries = popular + self._fixed
        except Exception:  # stale suggestions are better than none
            logger.exception("could not read popular queries")
        finally:
            with self._lock:
                self._loading = False


def popular_queries(
    database: Database, *, days: int = 30, min_users: int = 3, limit: int = 500
) -> Callable[[], list[tuple[str, int]]]:
    """Queries at least `min_users` users searched and acted on in the last `days` days,
    most users first (a query few people typed is never offered to others)."""

    def read() -> list[tuple[str, int]]:
        since = utcnow() - timedelta(days=days)
        users: dict[str, set[str]] = {}
        with database.session() as session:
            rows = session.execute(
                select(AccessLog.phrases, AccessLog.user_id)
                .where(AccessLog.created_at >= since)
                .order_by(AccessLog.created_at.desc())
                .limit(200_000)  # the latest, where a busy month holds more
            )
            for phrases, user_id in rows:
                text = " ".join(str(p) for p in phrases or () if str(p).strip())
                if text and len(text) <= 50 and text != "image_search":
                    users.setdefault(text, set()).add(user_id)
        counts = Counter({text: len(ids) for text, ids in users.items() if len(ids) >= min_users})
        return counts.most_common(limit)

    return read
