"""What every port offers its owner: `close()`, to release connections and files."""

from __future__ import annotations

from typing import Protocol


class Closeable(Protocol):
    """Something holding connections or files until `close()`."""

    def close(self) -> None:
        """Release them; the owner calls it once, at shutdown."""
        ...
