"""`aianimals import DIR`: import a seed-format dataset directory into the configured store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aianimals.api.container import build_container
from aianimals.dataset.importer.errors import ImportFailed
from aianimals.dataset.importer.report import ImportReport, report_table
from aianimals.dataset.importer.service import import_directory
from aianimals.metadata.service import METADATA_NAMESPACE
from aianimals.settings import Settings


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def run_import_cli(directory: Path, settings: Settings, console: Console) -> ImportReport:
    """Import `directory` with progress bars and print the report table.

    On failure the partial report and the error are printed and ImportFailed is re-raised.
    """
    container = build_container(settings)
    try:
        with _progress(console) as progress:
            report = import_directory(container, directory, progress)
    except ImportFailed as error:
        if error.report is not None:
            console.print(report_table(error.report))
        console.print(f"[bold red]import failed:[/] {error.message}", highlight=False)
        raise
    finally:
        container.close()
    console.print(report_table(report))
    return report


def import_command(
    directory: Annotated[
        Path, typer.Argument(help="Directory of seed files (animal.json, user.json, ...).")
    ],
) -> None:
    """Import a dataset directory in the reference seed format (idempotent).

    New animals or likes bypass the event flow, so the search index is rebuilt after them.
    """
    settings, console = Settings(), Console()
    try:
        report = run_import_cli(directory, settings, console)
    except ImportFailed as error:
        raise typer.Exit(code=1) from error
    if any(report.file(name).new for name in SEARCHABLE_FILES if _attempted(report, name)):
        from aianimals.roles.up import index_everything

        container = build_container(settings)
        try:
            size = index_everything(container, console)
            container.cache.invalidate(METADATA_NAMESPACE)
        finally:
            container.close()
        console.print(f"search index rebuilt: {size:,} animals")


SEARCHABLE_FILES = ("animal_category.json", "animal_subcategory.json", "animal.json", "likes.json")


def _attempted(report: ImportReport, filename: str) -> bool:
    return any(file.filename == filename for file in report.files)
