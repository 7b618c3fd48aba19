"""The demo dataset on first start: generate it once, import it once."""

from __future__ import annotations

from rich.console import Console

from aianimals.animals.service import AnimalService
from aianimals.api.container import Container
from aianimals.dataset.generator import GenerationOptions, generate_dataset
from aianimals.dataset.importer.command import run_import_cli
from aianimals.dataset.progress import step_progress

MARKER = "animal.json"


def ensure_demo_dataset(container: Container, console: Console) -> None:
    """Generate the demo files (unless present) and import them (unless already imported)."""
    with container.database.session() as session:
        if AnimalService(session).count() > 0:
            console.print("demo dataset already imported")
            return
    settings = container.settings
    directory = settings.dataset.directory
    if not (directory / MARKER).exists():
        console.print(
            f"generating the demo dataset into {directory} (seed {settings.dataset.seed})"
        )
        with step_progress(console) as report:
            generate_dataset(directory, GenerationOptions(seed=settings.dataset.seed), report)
    run_import_cli(directory, settings, console)
