"""What an import did, per file: rows, new, skipped, wall and CPU seconds; hashing, photos
and the planner statistics timed on their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rich.table import Table

FileStatus = Literal["imported", "absent", "failed", "not attempted"]


@dataclass
class FileReport:
    """One seed file's outcome."""

    filename: str
    status: FileStatus = "imported"
    rows: int = 0
    """Records in the file."""
    new: int = 0
    """Rows inserted by this run."""
    existing: int = 0
    """Records already in the store (by key), not inserted again."""
    duplicates: int = 0
    """Records repeating an earlier record of the same file (by key), not inserted."""
    unknown_skipped: int = 0
    """Records skipped because what they refer to is unknown (violations of unknown animals)."""
    seconds: float = 0.0
    """Wall time for the file's rows, password hashing and photo copies excluded."""
    cpu_seconds: float = 0.0
    """This process's CPU time for the same (what the store's own threads do is not in it)."""
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Records not inserted: already there, duplicated, or referring to unknown rows."""
        return self.existing + self.duplicates + self.unknown_skipped


@dataclass
class HashingReport:
    """Password hashing: done only for users not yet in the store."""

    policy: str
    workers: int
    passwords: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """This process's CPU time: the hashing itself runs in worker processes."""

    @property
    def per_second(self) -> float:
        """Hashes per second (0 when nothing was hashed)."""
        return self.passwords / self.seconds if self.seconds > 0 else 0.0


@dataclass
class PhotoReport:
    """Photo files copied into the blob store, timed apart from the rows."""

    photos: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """This process's CPU time: the thumbnails are made in worker processes."""


@dataclass
class StepReport:
    """One step after the files (ANALYZE): its wall and CPU seconds."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0


@dataclass
class ImportReport:
    """Every file's outcome, in import order."""

    directory: Path
    hashing: HashingReport
    photos: PhotoReport = field(default_factory=PhotoReport)
    statistics: StepReport = field(default_factory=StepReport)
    """ANALYZE after the files, when any row was new."""
    files: list[FileReport] = field(default_factory=list)
    error: str | None = None

    def file(self, filename: str) -> FileReport:
        """The report of `filename` (KeyError when the import never reached it)."""
        for report in self.files:
            if report.filename == filename:
                return report
        raise KeyError(filename)

    @property
    def seconds(self) -> float:
        """Total wall time of the files, password hashing and photo copies excluded."""
        return sum(report.seconds for report in self.files)

    @property
    def cpu_seconds(self) -> float:
        """This process's CPU time for the files, on the same terms as `seconds`."""
        return sum(report.cpu_seconds for report in self.files)

    @property
    def new(self) -> int:
        """Rows inserted over all files."""
        return sum(report.new for report in self.files)


def _status(report: FileReport) -> str:
    parts: list[str] = [] if report.status == "imported" else [report.status]
    if report.duplicates:
        parts.append(f"{report.duplicates} duplicates in file")
    if report.unknown_skipped:
        parts.append(f"{report.unknown_skipped} refer to unknown rows")
    return "; ".join(parts + report.notes)


def report_table(report: ImportReport, title: str | None = None) -> Table:
    """The report as a rich table: file, rows in file, new, skipped, wall and CPU seconds
    (this process's), notes."""
    table = Table(title=title or f"Import of {report.directory}")
    table.add_column("file")
    for name in ("rows in file", "new", "skipped", "seconds", "CPU s"):
        table.add_column(name, justify="right")
    table.add_column("notes")
    for row in report.files:
        counts = (row.rows, row.new, row.skipped) if row.status == "imported" else (0, 0, 0)
        cells = [f"{count:,}" for count in counts]
        times = (f"{row.seconds:.2f}", f"{row.cpu_seconds:.2f}")
        table.add_row(row.filename, *cells, *times, _status(row))
    table.add_section()
    table.add_row(
        "total rows",
        "",
        f"{report.new:,}",
        "",
        f"{report.seconds:.2f}",
        f"{report.cpu_seconds:.2f}",
    )
    statistics = report.statistics
    table.add_row(
        "planner statistics",
        *("", "", ""),
        f"{statistics.seconds:.2f}",
        f"{statistics.cpu_seconds:.2f}",
        "ANALYZE",
    )
    photos = report.photos
    table.add_row(
        "photo files",
        "",
        f"{photos.photos:,}",
        "",
        f"{photos.seconds:.2f}",
        f"{photos.cpu_seconds:.2f}",
        "blob store",
    )
    hashing = report.hashing
    table.add_row(
        "password hashing",
        "",
        f"{hashing.passwords:,}",
        "",
        f"{hashing.seconds:.2f}",
        f"{hashing.cpu_seconds:.2f}",
        f"{hashing.policy}, {hashing.workers} processes, {hashing.per_second:.0f} hashes/s",
    )
    return table
