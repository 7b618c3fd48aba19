"""Import a seed-format dataset directory: file by file, each in its own transaction."""

from __future__ import annotations

import os
from pathlib import Path
from time import perf_counter, process_time
from typing import Protocol

from rich.progress import Progress
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from aianimals.core.clock import utcnow
from aianimals.core.passwords import PasswordHasher
from aianimals.dataset.importer import loader
from aianimals.dataset.importer.context import ImportContext
from aianimals.dataset.importer.errors import ImportFailed
from aianimals.dataset.importer.records import ParseContext, Record, read_json
from aianimals.dataset.importer.report import (
    FileReport,
    HashingReport,
    ImportReport,
    PhotoReport,
)
from aianimals.dataset.importer.specs import FILES, FileSpec
from aianimals.dataset.importer.sqlite_bulk import bulk_pragmas
from aianimals.ports.blobs.store import BlobStore
from aianimals.ports.sql.database import Database
from aianimals.settings import Settings


def password_workers(configured: int) -> int:
    """Processes for password hashing: as configured, or one per usable core when 0."""
    if configured > 0:
        return configured
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ImportPorts(Protocol):
    """What an import writes to: the store, the photo store, the password hasher, and the
    settings (password-hashing processes); a process's container has them all."""

    @property
    def database(self) -> Database: ...
    @property
    def blobs(self) -> BlobStore: ...
    @property
    def hasher(self) -> PasswordHasher: ...
    @property
    def settings(self) -> Settings: ...


def import_directory(
    ports: ImportPorts, directory: Path, progress: Progress | None = None
) -> ImportReport:
    """Import every seed file present in `directory`, in dependency order.

    Files already imported are skipped record by record (a second run inserts nothing).
    The first file that fails raises ImportFailed; nothing of that file is kept, the files
    before it stay committed, and `error.report` tells what was done.
    """
    workers = password_workers(ports.settings.dataset.password_workers)
    context = ImportContext(
        directory=directory,
        blobs=ports.blobs,
        hasher=ports.hasher,
        workers=workers,
        hashing=HashingReport(ports.hasher.policy.describe(), workers),
        photos=PhotoReport(),
        progress=progress,
    )
    report = ImportReport(directory=directory, hashing=context.hashing, photos=context.photos)
    if not directory.is_dir():
        error = ImportFailed(f"{directory}: not a directory")
        report.error = error.message
        error.report = report
        raise error
    for index, spec in enumerate(FILES):
        try:
            report.files.append(_import_file(ports.database, spec, context))
        except ImportFailed as error:
            report.files.append(FileReport(spec.filename, "failed", notes=[error.message]))
            report.files.extend(FileReport(s.filename, "not attempted") for s in FILES[index + 1 :])
            report.error = error.message
            error.report = report
            raise
    if report.new:
        wall, cpu = perf_counter(), process_time()
        _refresh_statistics(ports.database)
        report.statistics.seconds = perf_counter() - wall
        report.statistics.cpu_seconds = process_time() - cpu
    return report


def _refresh_statistics(database: Database) -> None:
    """After a bulk load, let the query planner see the new table sizes (ANALYZE)."""
    with database.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def _import_file(database: Database, spec: FileSpec, context: ImportContext) -> FileReport:
    path = context.directory / spec.filename
    if not path.is_file():
        return FileReport(spec.filename, status="absent")
    started, cpu_started = perf_counter(), process_time()
    aside_before, aside_cpu_before = context.aside()
    parsed = spec.parse(read_json(path), ParseContext(spec.filename, context.directory, utcnow()))
    report = FileReport(spec.filename, rows=len(parsed))
    try:
        with database.begin() as connection, bulk_pragmas(connection):
            _load(connection, spec, context, parsed, report)
    except IntegrityError as error:  # a safety net: references are checked before inserting
        problem = f"rejected by the store: {error.orig}"
        raise ImportFailed.at(spec.filename, None, None, problem) from error
    aside, aside_cpu = context.aside()
    report.seconds = perf_counter() - started - (aside - aside_before)
    report.cpu_seconds = process_time() - cpu_started - (aside_cpu - aside_cpu_before)
    return report


def _load(
    connection: Connection,
    spec: FileSpec,
    context: ImportContext,
    parsed: list[Record],
    report: FileReport,
) -> None:
    """Select the new records, check them, prepare and insert them; in the file's transaction."""
    advance = context.bar(spec.filename, len(parsed))
    selection = loader.select_new(connection, spec.rules, parsed)
    loader.check_references(connection, spec.filename, spec.rules, selection)
    loader.check_unique(connection, spec.filename, spec.rules, selection.records)
    advance(len(parsed) - len(selection.records))
    rows = [record.row for record in selection.records]
    notes = [spec.prepare(rows, context) if spec.prepare else None]
    report.new = loader.insert_rows(connection, spec.rules.table, rows, advance)
    notes.append(spec.finish(connection, rows) if spec.finish else None)
    report.existing = selection.existing
    report.duplicates = selection.duplicates
    report.unknown_skipped = selection.unknown_skipped
    report.notes = [note for note in notes if note]
