"""What one import run shares between its files: the ports, the directory, the progress bars."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress

from aianimals.core.passwords import PasswordHasher
from aianimals.dataset.importer.report import HashingReport, PhotoReport
from aianimals.ports.blobs.store import BlobStore

Advance = Callable[[int], None]


@dataclass
class ImportContext:
    """The run's ports and settings; `hashing` and `photos` accumulate their own time."""

    directory: Path
    blobs: BlobStore
    hasher: PasswordHasher
    workers: int
    """Processes for the CPU-bound steps: password hashing and thumbnails."""
    hashing: HashingReport
    photos: PhotoReport
    progress: Progress | None = None

    def aside(self) -> tuple[float, float]:
        """Wall and CPU seconds spent so far on hashing and photos (left out of the files')."""
        return (
            self.hashing.seconds + self.photos.seconds,
            self.hashing.cpu_seconds + self.photos.cpu_seconds,
        )

    def bar(self, description: str, total: int) -> Advance:
        """A progress bar of `total` steps; the returned function advances it."""
        progress = self.progress
        if progress is None:
            return _ignore
        task = progress.add_task(description, total=total)

        def advance(steps: int) -> None:
            progress.advance(task, steps)

        return advance


def _ignore(_steps: int) -> None:
    """No progress bars (tests, benchmarks)."""
