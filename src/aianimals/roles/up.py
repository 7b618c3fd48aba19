"""Composition root of `aianimals up`: the whole platform in one process on one machine."""

from __future__ import annotations

from rich.console import Console

from aianimals.api.container import build_container
from aianimals.dataset.demo import ensure_demo_dataset
from aianimals.ports.sql import migrate
from aianimals.roles.api import serve
from aianimals.settings import Settings


def run_up(settings: Settings, console: Console, *, demo: bool) -> None:
    """Migrate, load the demo dataset once, then serve until interrupted."""
    container = build_container(settings)
    try:
        migrate.upgrade(container.database)
        console.print(f"[green]schema up to date[/green] ({settings.database.url})")
        if demo:
            ensure_demo_dataset(container, console)
        url = f"http://{settings.api.host}:{settings.api.port}"
        console.print(f"[bold]AIAnimals at {url}[/bold] — API docs at {url}/v0/docs")
        serve(settings, container)
    finally:
        container.close()
