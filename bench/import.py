"""Benchmark `aianimals import`: the demo dataset into SQLite and into PostgreSQL.

    .venv/bin/python bench/import.py [--dataset DIR] [--postgres-url URL]
        [--stores sqlite,postgres] [--files all|reference] [--repeat N] [--cheap-hashing]

Without --dataset the demo dataset is generated (aianimals.dataset.generator, photos left
out and replaced by one small placeholder JPEG per animal). `--files reference` imports only
what the reference's own seed has (categories, users, animals, likes, access logs), leaving
out violations and the large impressions file. Each run starts from an empty store: a new
SQLite file, a new PostgreSQL schema (dropped afterwards).

Every phase is timed apart, in wall seconds and in this process's CPU seconds (steadier on a
busy machine): each file's rows, the ANALYZE after them, the photo copies, the password
hashing, and the search index rebuild that `aianimals import` runs after new animals. The
target counts the four reference files' rows only: hashing (argon2id at the OWASP
parameters, one process per core; `--cheap-hashing` puts a minimal argon2id in its place
to save minutes on repeated runs) and photos are outside it, and so is the index rebuild.
The baseline is a naive ORM import of the same likes, one INSERT per row, rolled back.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, process_time

from PIL import Image
from rich.console import Console
from rich.table import Table
from sqlalchemy import delete

from aianimals.core.clock import parse_timestamp
from aianimals.core.passwords import PasswordHasher, PasswordPolicy
from aianimals.dataset.importer import ImportReport, import_directory
from aianimals.dataset.importer.report import report_table
from aianimals.likes.models import Like
from aianimals.ports.blobs.store import BlobStore
from aianimals.ports.sql import migrate
from aianimals.ports.sql.database import Database
from aianimals.ports.sql.scratch import scratch_schema
from aianimals.roles.container import Container, build_container
from aianimals.search.rebuild import rebuild_index
from aianimals.settings import Settings

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def generate(directory: Path, console: Console) -> Path:
    """The full demo dataset, with a placeholder photo for every animal."""
    from aianimals.dataset.generator import GenerationOptions, generate_dataset

    started = perf_counter()
    generate_dataset(directory, GenerationOptions(photos=False))
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (180, 140, 90)).save(buffer, format="JPEG")
    (directory / "images").mkdir(exist_ok=True)
    for animal_id in json.loads((directory / "animal.json").read_text("utf-8")):
        (directory / "images" / f"{animal_id}.jpg").write_bytes(buffer.getvalue())
    console.print(f"generated the demo dataset in {perf_counter() - started:.1f} s: {directory}")
    return directory


REFERENCE_SEED = (
    "animal_category.json",
    "animal_subcategory.json",
    "user.json",
    "animal.json",
    "likes.json",
    "access_logs.json",
)


def reference_only(dataset: Path, work: Path) -> Path:
    """A directory of links to the files the reference's own seed has, and the photos."""
    directory = work / "reference-seed"
    directory.mkdir()
    for name in (*REFERENCE_SEED, "images"):
        if (dataset / name).exists():
            (directory / name).symlink_to((dataset / name).resolve())
    return directory


CHEAP_POLICY = PasswordPolicy(memory_kib=8, time_cost=1, parallelism=1)


@dataclass(frozen=True)
class CheapHashingPorts:
    """The container's ports with a minimal argon2id hasher (hashing is timed apart)."""

    container: Container

    @property
    def hasher(self) -> PasswordHasher:
        """argon2id at its minimum cost: for repeated benchmark runs only."""
        return PasswordHasher(CHEAP_POLICY)

    @property
    def database(self) -> Database:
        """The container's SQL store."""
        return self.container.database

    @property
    def blobs(self) -> BlobStore:
        """The container's photo store."""
        return self.container.blobs

    @property
    def settings(self) -> Settings:
        """The container's settings."""
        return self.container.settings


def naive_likes_per_second(container: Container, dataset: Path, limit: int) -> tuple[int, float]:
    """Baseline: the likes again, one ORM object and one INSERT per row, then rolled back."""
    likes = json.loads((dataset / "likes.json").read_text("utf-8"))["likes"][:limit]
    with container.database.session() as session:
        session.execute(delete(Like))
        started = perf_counter()
        for like in likes:
            created_at = parse_timestamp(like["created_at"])
            session.add(
                Like(
                    id=like["id"],
                    animal_id=like["animal_id"],
                    user_id=like["user_id"],
                    created_at=created_at,
                    updated_at=created_at,
                )
            )
            session.flush()
        seconds = perf_counter() - started
        session.rollback()
    return len(likes), len(likes) / seconds


@dataclass(frozen=True)
class Phase:
    """One timed phase of a run."""

    name: str
    rows: int
    seconds: float
    cpu_seconds: float


def run_store(
    name: str,
    url: str,
    dataset: Path,
    work: Path,
    console: Console,
    *,
    limit: int,
    cheap_hashing: bool,
) -> None:
    """Import into an empty store, rebuild the search index as the command does, and print
    the report, the phases and the baseline ratio."""
    settings = Settings(
        var_dir=work / name,
        database={"url": url},
        blobs={"root": work / name / "blobs"},
    )
    container = build_container(settings)
    try:
        migrate.upgrade(container.database)
        report = import_directory(
            CheapHashingPorts(container) if cheap_hashing else container, dataset
        )
        wall, cpu = perf_counter(), process_time()
        indexed = rebuild_index(container.database, container.search_index, container.cache)
        indexing = Phase("search index", indexed, perf_counter() - wall, process_time() - cpu)
        rows, naive = naive_likes_per_second(container, dataset, limit)
    finally:
        container.close()
    console.print(report_table(report, title=f"{name}: import of {dataset.name}"))
    console.print(phase_table(report, indexing, title=f"{name}: phases"))
    _print_summary(report, indexing, rows, naive, console)


REFERENCE_FILES = ("user.json", "animal.json", "likes.json", "access_logs.json")
TARGET_SECONDS = 5.0


def phases(report: ImportReport, indexing: Phase) -> list[Phase]:
    """The four reference files, the other files, then the steps timed apart."""
    files = [Phase(f.filename, f.new, f.seconds, f.cpu_seconds) for f in report.files]
    others = [f for f in files if f.name not in REFERENCE_FILES]
    statistics, photos, hashing = report.statistics, report.photos, report.hashing
    return [
        *(f for f in files if f.name in REFERENCE_FILES),
        Phase(
            "other files",
            sum(f.rows for f in others),
            sum(f.seconds for f in others),
            sum(f.cpu_seconds for f in others),
        ),
        Phase("ANALYZE", 0, statistics.seconds, statistics.cpu_seconds),
        Phase("photo files", photos.photos, photos.seconds, photos.cpu_seconds),
        Phase("password hashing", hashing.passwords, hashing.seconds, hashing.cpu_seconds),
        indexing,
    ]


def phase_table(report: ImportReport, indexing: Phase, title: str) -> Table:
    """Wall and CPU seconds per phase (CPU: this process's; hashing and thumbnails run in
    worker processes)."""
    table = Table(title=title)
    table.add_column("phase")
    for column in ("rows", "wall s", "CPU s"):
        table.add_column(column, justify="right")
    for phase in phases(report, indexing):
        table.add_row(
            phase.name, f"{phase.rows:,}", f"{phase.seconds:.2f}", f"{phase.cpu_seconds:.2f}"
        )
    return table


def _print_summary(
    report: ImportReport, indexing: Phase, rows: int, naive: float, console: Console
) -> None:
    likes = report.file("likes.json")
    bulk = likes.new / likes.seconds if likes.seconds else 0.0
    console.print(
        f"likes.json: importer {bulk:,.0f} rows/s vs naive ORM row-by-row {naive:,.0f} rows/s "
        f"(first {rows:,} likes) -> {bulk / naive:.1f}x"
    )
    core = [report.file(name) for name in REFERENCE_FILES]
    core_seconds = sum(file.seconds for file in core)
    core_cpu = sum(file.cpu_seconds for file in core)
    after = report.statistics.seconds + indexing.seconds
    console.print(
        f"users + animals + likes + access logs: {sum(f.new for f in core):,} rows in "
        f"{core_seconds:.2f} s wall, {core_cpu:.2f} s CPU (target {TARGET_SECONDS:.0f} s: "
        f"{core_seconds / TARGET_SECONDS:.2f} of it; hashing and photos excluded); "
        f"{core_seconds + after:.2f} s with the ANALYZE and the search index rebuild after"
    )
    console.print(
        f"all files {report.new:,} rows in {report.seconds:.2f} s "
        f"({report.new / report.seconds:,.0f} rows/s); photo files "
        f"{report.photos.photos:,} in {report.photos.seconds:.1f} s; hashing "
        f"{report.hashing.passwords:,} passwords in {report.hashing.seconds:.1f} s "
        f"({report.hashing.policy}, {report.hashing.workers} processes, "
        f"{report.hashing.per_second:.0f} hashes/s)\n"
    )


def main() -> None:
    """Parse arguments, get the dataset, run each store."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, help="an existing dataset directory")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--files", choices=("all", "reference"), default="all")
    parser.add_argument("--repeat", type=int, default=1, help="runs per store, each from empty")
    parser.add_argument("--cheap-hashing", action="store_true")
    args = parser.parse_args()
    console = Console(width=150)
    stores = args.stores.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        work = Path(scratch)
        dataset = args.dataset or generate(work / "dataset", console)
        if args.files == "reference":
            dataset = reference_only(dataset, work)
        options = {"limit": args.baseline_rows, "cheap_hashing": args.cheap_hashing}
        for run in range(args.repeat):
            if "sqlite" in stores:
                url = f"sqlite:///{work / f'bench-{run}.db'}"
                run_store("sqlite", url, dataset, work / f"run-{run}", console, **options)
            if "postgres" in stores:
                with scratch_schema(args.postgres_url, "bench_import") as url:
                    run_store("postgresql", url, dataset, work / f"run-{run}", console, **options)


if __name__ == "__main__":
    main()
