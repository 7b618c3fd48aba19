"""`aianimals features …`: the online feature store of learn-to-rank."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from aianimals.settings import Settings

app = typer.Typer(help="The online feature store of learn-to-rank.", no_args_is_help=True)


@app.callback()
def features() -> None:
    """The online feature store that serving reads and the feature updater keeps current."""


def _settings(ctx: typer.Context) -> Settings:
    """The settings a caller put in the context (tests), else the environment's."""
    from aianimals.settings import Settings

    return ctx.obj if isinstance(ctx.obj, Settings) else Settings()


@app.command("rebuild")
def rebuild(ctx: typer.Context) -> None:
    """Recompute every animal's counters and every user's profile into the feature store.

    Safe while the worker runs: every row is a recomputation of the SQL store's state.
    """
    from aianimals.logs import configure_logging
    from aianimals.ranking.features import FEATURE_VERSION
    from aianimals.ranking.updater import entities_to_rebuild, rebuild_features
    from aianimals.roles.container import build_container

    configure_logging()
    console = Console()
    settings = _settings(ctx)
    container = build_container(settings)
    try:
        store = container.feature_store
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("features", total=entities_to_rebuild(container.database))
            animals, users = rebuild_features(
                container.database, store, lambda done: progress.advance(task, done)
            )
    finally:
        container.close()
    console.print(
        f"[green]feature store rebuilt[/green] ({settings.features.kind}, {FEATURE_VERSION}):"
        f" {animals:,} animals, {users:,} users"
    )
