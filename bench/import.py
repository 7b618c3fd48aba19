"""Benchmark `aianimals import`: the full demo dataset into SQLite and into PostgreSQL.

    .venv/bin/python bench/import.py [--dataset DIR] [--postgres-url URL] [--stores sqlite,postgres]

Without --dataset the demo dataset is generated (aianimals.dataset.generator, photos left
out and replaced by one small placeholder JPEG per animal). Each store starts empty: a new
SQLite file, a new PostgreSQL schema (dropped afterwards). Passwords are hashed with the
settings' defaults (argon2id at the OWASP parameters, one process per core), timed apart.
The baseline is a naive ORM import of the same likes, one INSERT per row, rolled back.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
from pathlib import Path
from time import perf_counter

from PIL import Image
from rich.console import Console
from sqlalchemy import delete

from aianimals.core.clock import parse_timestamp
from aianimals.dataset.importer import ImportReport, import_directory
from aianimals.dataset.importer.report import report_table
from aianimals.likes.models import Like
from aianimals.ports.sql import migrate
from aianimals.ports.sql.scratch import scratch_schema
from aianimals.roles.container import Container, build_container
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


def run_store(
    name: str, url: str, dataset: Path, work: Path, console: Console, *, limit: int
) -> None:
    """Import into an empty store and print its table and the baseline ratio."""
    settings = Settings(
        var_dir=work / name,
        database={"url": url},
        blobs={"root": work / name / "blobs"},
    )
    container = build_container(settings)
    try:
        migrate.upgrade(container.database)
        report = import_directory(container, dataset)
        rows, naive = naive_likes_per_second(container, dataset, limit)
    finally:
        container.close()
    console.print(report_table(report, title=f"{name}: import of the demo dataset"))
    _print_ratio(report, rows, naive, console)


REFERENCE_FILES = ("user.json", "animal.json", "likes.json", "access_logs.json")
TARGET_SECONDS = 15.0


def _print_ratio(report: ImportReport, rows: int, naive: float, console: Console) -> None:
    likes = report.file("likes.json")
    bulk = likes.new / likes.seconds if likes.seconds else 0.0
    console.print(
        f"likes.json: importer {bulk:,.0f} rows/s vs naive ORM row-by-row {naive:,.0f} rows/s "
        f"(first {rows:,} likes) -> {bulk / naive:.1f}x"
    )
    core = [report.file(name) for name in REFERENCE_FILES]
    core_seconds = sum(file.seconds for file in core)
    console.print(
        f"users + animals + likes + access logs: {sum(f.new for f in core):,} rows in "
        f"{core_seconds:.1f} s (target {TARGET_SECONDS:.0f} s: {core_seconds / TARGET_SECONDS:.2f}"
        f" of it); all files {report.new:,} rows in {report.seconds:.1f} s "
        f"({report.new / report.seconds:,.0f} rows/s); photo files "
        f"{report.photos.photos:,} in {report.photos.seconds:.1f} s"
    )
    console.print(
        f"hashing {report.hashing.passwords:,} passwords in {report.hashing.seconds:.1f} s "
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
    args = parser.parse_args()
    console = Console(width=150)
    stores = args.stores.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        work = Path(scratch)
        dataset = args.dataset or generate(work / "dataset", console)
        if "sqlite" in stores:
            url = f"sqlite:///{work / 'bench.db'}"
            run_store("sqlite", url, dataset, work, console, limit=args.baseline_rows)
        if "postgres" in stores:
            with scratch_schema(args.postgres_url, "bench_import") as url:
                run_store("postgresql", url, dataset, work, console, limit=args.baseline_rows)


if __name__ == "__main__":
    main()
