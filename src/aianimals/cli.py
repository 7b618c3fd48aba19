"""`aianimals` — every role is a command. Commands build settings; nothing runs at import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from aianimals.core.memory import return_large_blocks
from aianimals.dataset.cli import app as dataset_app
from aianimals.logs import configure_logging
from aianimals.ml.cli import app as train_app
from aianimals.ranking.experiments.cli import ab_app, simulate_command
from aianimals.ranking.features_cli import app as features_app
from aianimals.roles.import_command import import_command
from aianimals.schedules.cli import app as schedule_app
from aianimals.settings import Settings

app = typer.Typer(
    name="aianimals",
    help="AIAnimals: pet-photo sharing with a machine-learning platform behind it.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(dataset_app, name="dataset", help="Generate the demo dataset.")
app.command("import")(import_command)
index_app = typer.Typer(help="The search and similar-image indexes.", no_args_is_help=True)
app.add_typer(index_app, name="index")
search_app = typer.Typer(help="Search, as administrators inspect it.", no_args_is_help=True)
app.add_typer(search_app, name="search")
evaluate_app = typer.Typer(help="Offline model evaluation.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(train_app, name="train", help="Train models (similar words, …).")
app.add_typer(schedule_app, name="schedule", help="Scheduled pipelines: list, run, render.")
app.add_typer(ab_app, name="ab", help="A/B tests: per-arm engagement from the logs.")
app.add_typer(features_app, name="features", help="The online feature store of learn-to-rank.")
app.command("simulate")(simulate_command)

HostOption = Annotated[str | None, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int | None, typer.Option(help="Port to listen on.")]


def _settings(host: str | None = None, port: int | None = None) -> Settings:
    settings = Settings()
    if host is not None:
        settings.api.host = host
    if port is not None:
        settings.api.port = port
    return settings


@app.command()
def migrate(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Bring the SQL store's schema up to date."""
    from aianimals.ports.sql import migrate as migrations
    from aianimals.roles.container import build_container

    configure_logging()
    container = build_container(_settings())
    try:
        migrations.upgrade(container.database, revision)
    finally:
        container.close()
    backend = container.database.url.get_backend_name()
    Console().print(f"[green]schema at {revision}[/green] ({backend})")


@app.command()
def api(host: HostOption = None, port: PortOption = None) -> None:
    """Serve the `/v0` API (the store must be migrated)."""
    from aianimals.roles.api import serve

    configure_logging()
    serve(_settings(host, port))


@app.command()
def worker() -> None:
    """Relay the outbox and consume the queues (search indexer, …) until SIGTERM."""
    from aianimals.roles.worker import run_worker

    configure_logging()
    run_worker(_settings())


@index_app.command("rebuild")
def index_rebuild(
    images: Annotated[
        bool,
        typer.Option(
            "--images", help="Rebuild the similar-image index instead (embedding new photos)."
        ),
    ] = False,
) -> None:
    """Rebuild the search index (or, with --images, the similar-image index) from the SQL
    store and swap to it atomically."""
    from aianimals.roles.container import build_container
    from aianimals.roles.first_start import ensure_images, index_everything

    configure_logging()
    console = Console()
    container = build_container(_settings())
    try:
        if images:
            ensure_images(container, console, rebuild=True)
            return
        size = index_everything(container, console)
    finally:
        container.close()
    console.print(f"[green]search index rebuilt:[/green] {size:,} animals")


@search_app.command("explain")
def search_explain(
    query: Annotated[str, typer.Argument(help="What a user would type (phrases split on spaces).")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="Results to explain.")] = 10,
) -> None:
    """How a query is analysed and understood, and why each top result matched."""
    from aianimals.roles.container import build_container
    from aianimals.search.console import describe, explain
    from aianimals.search.engine import TextQuery

    configure_logging()
    container = build_container(_settings())
    try:
        container.search_index.refresh()
        explained = explain(container.text_search, TextQuery(tuple(query.split()), limit=limit))
    finally:
        container.close()
    for line in describe(explained):
        typer.echo(line)


@evaluate_app.command("images")
def evaluate_images(
    model: Annotated[
        Path | None, typer.Option(help="An exported ONNX file (default: the bundled one).")
    ] = None,
    threads: Annotated[int, typer.Option(min=1, help="ONNX Runtime threads.")] = 2,
) -> None:
    """The image model on the labelled real photos: zero-shot no-animal detection and
    same-label precision@5, with the set's size."""
    from aianimals.ml.images.evaluation import run_image_evaluation

    configure_logging()
    run_image_evaluation(model, threads=threads, echo=typer.echo)


@app.command()
def portal(host: HostOption = None, port: PortOption = None) -> None:
    """Serve the administrators' moderation portal (Streamlit) on its own."""
    from aianimals.roles.portal import run_portal

    configure_logging()
    settings = Settings()
    raise typer.Exit(
        run_portal(settings, host or settings.portal.host, port or settings.portal.port)
    )


@app.command()
def up(
    host: HostOption = None,
    port: PortOption = None,
    demo: Annotated[bool, typer.Option(help="Generate and import the demo dataset once.")] = True,
) -> None:
    """Everything on one machine: migrate, load the demo dataset once, serve every role."""
    from aianimals.roles.up import run_up

    configure_logging()
    run_up(_settings(host, port), Console(), demo=demo)


def main() -> None:
    """Entry point of the `aianimals` script."""
    return_large_blocks()  # decoded photos' memory goes back to the system after use
    app()
