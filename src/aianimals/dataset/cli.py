"""``aianimals dataset …``: commands around the seed dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aianimals.dataset.generator import (
    DEFAULT_SEED,
    DatasetError,
    GenerationOptions,
    GenerationSummary,
    generate_dataset,
)
from aianimals.dataset.progress import step_progress

app = typer.Typer(help="The seed dataset: generate the demo dataset in the reference format.")


@app.callback()
def dataset() -> None:
    """Commands around the seed dataset."""


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the dataset into.")],
    *,
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives identical files.")] = (
        DEFAULT_SEED
    ),
    photos: Annotated[
        Path | None,
        typer.Option(
            "--photos",
            help="Your own photos (Oxford-IIIT Pet names or <animal_id>.jpg) instead of "
            "the bundled ones.",
        ),
    ] = None,
    animals: Annotated[
        int | None,
        typer.Option(min=1, help="Only a deterministic subset of this many animals."),
    ] = None,
    no_photos: Annotated[
        bool, typer.Option("--no-photos", help="Write the json files only.")
    ] = False,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes rendering photos (default: all).")
    ] = None,
) -> None:
    """Write the demo dataset (animals, likes, access logs, impressions, photos) to OUT."""
    console = Console()
    options = GenerationOptions(
        seed=seed, animals=animals, photos=not no_photos, photo_dir=photos, workers=workers
    )
    with step_progress(console) as report:
        try:
            summary = generate_dataset(out, options, report)
        except DatasetError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(code=1) from exc
    console.print(_summary_table(summary))


def _summary_table(summary: GenerationSummary) -> Table:
    table = Table(title=f"dataset written to {summary.out_dir}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, count in summary.counts.items():
        table.add_row(name if name != "images" else "images/*.jpg", f"{count:,}")
    table.add_row("searches simulated", f"{summary.searches:,}")
    table.add_row("elapsed", f"{summary.elapsed_s:.1f} s")
    return table
