"""A registry alias as a `ModelSource`: the version it points to, downloaded and loaded."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from aianimals.core.model_holder import Fetched
from aianimals.ports.registry.base import ModelRegistry

T = TypeVar("T")


class RegistrySource(Generic[T]):
    """`name@alias` in the registry; `load(folder, version)` reads a downloaded version."""

    def __init__(
        self,
        registry: Callable[[], ModelRegistry],
        name: str,
        alias: str,
        load: Callable[[Path, int], T],
        cache_dir: Path | None = None,
    ) -> None:
        self._registry = registry
        self.name = name
        self.alias = alias
        self._load = load
        self._cache_dir = cache_dir

    @property
    def description(self) -> str:
        return f"{self.name}@{self.alias}"

    def fetch(self, known: str | None) -> Fetched[T]:
        registry = self._registry()
        try:
            version = registry.alias(self.name, self.alias)
            if version is None:
                return Fetched(None)
            if str(version.version) == known:
                return Fetched(known)
            if self._cache_dir is not None:
                self._cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self._cache_dir, prefix="model-") as scratch:
                folder = registry.download(self.name, version.version, Path(scratch))
                return Fetched(str(version.version), self._load(folder, version.version))
        finally:
            registry.close()
