"""The feature-store port: JSON rows of features by kind, entity id and feature version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class FeatureStoreError(RuntimeError):
    """The store could not be reached or answered badly; readers may fall back to SQL."""


class FeatureStore(Protocol):
    """Precomputed features that serving reads instead of recomputing them.

    A row is a JSON object stored under (`kind`, entity id, `version`): a new feature
    version never reads rows an older one wrote. Writing a row replaces it whole.
    """

    def put_many(self, kind: str, version: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        """Store (insert or replace) each entity's row."""
        ...

    def get_many(self, kind: str, version: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The rows of these entities; ids without a row are absent from the answer."""
        ...

    def delete(self, kind: str, ids: Sequence[str]) -> None:
        """Forget these entities' rows of every version (absent ones are ignored)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
