"""One model in service, reloaded when its source moves: the rankers, the no-animal head and
the similar-word dictionary all follow the same policy.

A `ModelSource` says which version it holds now and loads it; a `ModelHolder` asks it when
read, at most every `poll_seconds`. The first reader waits for the first check; later, the
reader that finds a check due makes it while every other reader gets what is loaded, without
waiting. A new version is loaded before it replaces the old one. When the source holds
nothing any more, nothing is served; when the source cannot be reached or its files cannot
be read, what is loaded stays. `accept` refuses a version that cannot serve here (a head
trained on another image model's embeddings): it is remembered, not loaded again, and
nothing is served until the source moves.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """What a source answered: the version it holds now (None: nothing), and that version's
    model when it differs from the one the holder knows (None: unchanged)."""

    version: str | None
    model: T | None = None


class ModelSource(Protocol[T]):
    """Where a model comes from: a registry alias, a file."""

    @property
    def description(self) -> str:
        """For logs: `ltr-lambdarank@champion`, a path."""
        ...

    def fetch(self, known: str | None) -> Fetched[T]:
        """The version held now, loaded unless it is `known`."""
        ...


class ModelHolder(Generic[T]):
    """The model a source holds, as of the last check (see the module's policy)."""

    def __init__(
        self,
        source: ModelSource[T],
        *,
        poll_seconds: float,
        accept: Callable[[T], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.poll_seconds = poll_seconds
        self._accept = accept
        self._clock = clock
        self._version: str | None = None
        self._loaded: T | None = None
        self._next_poll: float | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> T | None:
        """What is served now, without asking the source (for metrics)."""
        return self._loaded

    def current(self) -> T | None:
        """The model to serve, or None; asks the source when the last check is due."""
        due = self._next_poll is None or self._clock() >= self._next_poll
        if due and self._lock.acquire(blocking=self._next_poll is None):
            try:
                if self._next_poll is None or self._clock() >= self._next_poll:
                    self._safe_refresh()
            finally:
                self._lock.release()
        return self._loaded

    def refresh(self) -> bool:
        """Ask the source now; True when a different model was loaded (or unloaded)."""
        self._next_poll = self._clock() + self.poll_seconds
        fetched = self.source.fetch(self._version)
        if fetched.version is None:
            changed = self._version is not None
            self._version, self._loaded = None, None
            return changed
        if fetched.model is None:
            return False
        self._version = fetched.version
        if self._accept is not None and not self._accept(fetched.model):
            logger.warning("%s v%s cannot serve here", self.source.description, fetched.version)
            self._loaded = None
            return True
        self._loaded = fetched.model
        logger.info("serving %s v%s", self.source.description, fetched.version)
        return True

    def _safe_refresh(self) -> None:
        try:
            self.refresh()
        except Exception:  # the source may be down or its files unreadable: keep serving
            logger.exception("could not refresh %s", self.source.description)


class FileSource(Generic[T]):
    """A model file written atomically in place; its version is its mtime and size. A file
    that `load` cannot read (None) counts as no model until it changes."""

    def __init__(self, path: Path, load: Callable[[Path], T | None]) -> None:
        self.path = path
        self._load = load
        self._unreadable: str | None = None

    @property
    def description(self) -> str:
        return str(self.path)

    def fetch(self, known: str | None) -> Fetched[T]:
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return Fetched(None)
        version = f"{status.st_mtime_ns}:{status.st_size}"
        if version == known:
            return Fetched(version)
        if version == self._unreadable:
            return Fetched(None)
        model = self._load(self.path)
        if model is None:
            self._unreadable = version
            return Fetched(None)
        return Fetched(version, model)
