"""`aianimals import DIR`: import a seed-format dataset directory into the configured store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from aianimals.dataset.importer.errors import ImportFailed
from aianimals.dataset.importer.report import ImportReport
from aianimals.metadata.service import METADATA_NAMESPACE
from aianimals.roles.container import build_container
from aianimals.roles.first_start import index_everything, run_import_cli
from aianimals.settings import Settings


def import_command(
    directory: Annotated[
        Path, typer.Argument(help="Directory of seed files (animal.json, user.json, ...).")
    ],
) -> None:
    """Import a dataset directory in the reference seed format (idempotent).

    New animals or likes bypass the event flow, so the search index is rebuilt after them.
    """
    console = Console()
    container = build_container(Settings())
    try:
        try:
            report = run_import_cli(directory, container, console)
        except ImportFailed as error:
            raise typer.Exit(code=1) from error
        if any(report.file(name).new for name in SEARCHABLE_FILES if _attempted(report, name)):
            size = index_everything(container, console)
            container.cache.invalidate(METADATA_NAMESPACE)
            console.print(f"search index rebuilt: {size:,} animals")
    finally:
        container.close()


SEARCHABLE_FILES = ("animal_category.json", "animal_subcategory.json", "animal.json", "likes.json")


def _attempted(report: ImportReport, filename: str) -> bool:
    return any(file.filename == filename for file in report.files)
