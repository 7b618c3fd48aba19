"""Composition root of `aianimals up`: the whole platform on one machine (the API in
`api.processes` processes, the workers in this one)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from aianimals.ports.registry.factory import embedded_location
from aianimals.ports.sql import migrate
from aianimals.roles.admin import AdminCredentials, ensure_admin
from aianimals.roles.api import serve
from aianimals.roles.container import build_container
from aianimals.roles.first_start import (
    ensure_demo_dataset,
    ensure_features,
    ensure_images,
    ensure_rankers,
    ensure_search_index,
    ensure_similar_words,
)
from aianimals.roles.portal import portal_command, portal_environment
from aianimals.roles.supervisor import Supervisor
from aianimals.roles.worker import Workers, serve_metrics
from aianimals.settings import LOOPBACK_HOSTS, Settings

if TYPE_CHECKING:
    from aianimals.observability.server import MetricsServer
    from aianimals.schedules.scheduler import EmbeddedScheduler


def run_up(settings: Settings, console: Console, *, demo: bool) -> None:
    """Migrate, load the demo dataset once, index it, then serve API and workers."""
    container = build_container(settings)
    workers = Workers(container)
    scheduler: EmbeddedScheduler | None = None
    children = Supervisor()
    metrics: MetricsServer | None = None
    try:
        migrate.upgrade(container.database)
        console.print(f"[green]schema up to date[/green] ({settings.database.url})")
        if demo:
            ensure_demo_dataset(container, console)
        ensure_search_index(container, console)
        if settings.images.enabled:
            ensure_images(container, console)
        ensure_similar_words(container, console)
        ensure_rankers(container, console)
        ensure_features(container, console)
        workers.start()
        scheduler = start_scheduler(settings, console)
        admin = ensure_admin(container)
        start_children(settings, children)
        print_banner(settings, console, admin)
        if settings.api.process_count() > 1:
            # The API's processes serve their own metrics; the workers' are in this one.
            metrics = serve_metrics(settings.metrics)
        serve(settings, container)
    finally:
        if metrics is not None:
            metrics.close()
        children.stop()
        if scheduler is not None:
            scheduler.stop()
        workers.shutdown()
        container.close()


def print_banner(settings: Settings, console: Console, admin: AdminCredentials | None) -> None:
    """Where everything is, and how to log in."""
    url = f"http://{settings.api.host}:{settings.api.port}"
    portal = f"http://{settings.portal.host}:{settings.portal.port}"
    login = f"{admin.email_address} / {admin.password}" if admin else "your administrators"
    lines = [
        f"[bold]AIAnimals web app at {url}/[/bold] (demo login dog_leigh / password)",
        f"API docs at {url}/v0/docs",
    ]
    if settings.portal.enabled:
        lines.append(f"moderation portal at {portal}/ (admin login {login})")
    if settings.registry.ui_enabled and not settings.registry.tracking_uri:
        lines.append(f"MLflow UI at http://{settings.api.host}:{settings.registry.ui_port}/")
    console.print("\n".join(lines))


def mlflow_ui_command(settings: Settings) -> list[str]:
    """`mlflow ui` over the embedded registry, on loopback, admitting loopback names only."""
    registry = settings.registry
    uri, artifacts = embedded_location(settings.var_dir, registry.artifact_root)
    mlflow = Path(sys.executable).with_name("mlflow")
    return [
        str(mlflow),
        "ui",
        "--backend-store-uri",
        uri,
        "--default-artifact-root",
        artifacts.as_uri(),
        "--host",
        "127.0.0.1",  # never beyond loopback: it has no authentication
        "--port",
        str(registry.ui_port),
        "--workers",
        "1",
        # Only loopback names, only the UI's own origin, never framed: a DNS-rebinding
        # page or another site cannot drive the registry from a developer's browser.
        "--allowed-hosts",
        ",".join(f"{host}:{registry.ui_port}" for host in LOOPBACK_HOSTS),
        "--cors-allowed-origins",
        ",".join(f"http://{host}:{registry.ui_port}" for host in LOOPBACK_HOSTS),
        "--x-frame-options",
        "DENY",
    ]


def start_children(settings: Settings, children: Supervisor) -> None:
    """The portal and, over the embedded registry, the MLflow UI, as supervised children."""
    if settings.portal.enabled:
        portal = settings.portal
        children.start(
            "portal",
            portal_command(portal.host, portal.port),
            portal_environment(settings),
        )
    registry = settings.registry
    if registry.ui_enabled and not registry.tracking_uri:
        children.start(
            "mlflow-ui",
            mlflow_ui_command(settings),
            # No job runner: its worker processes serve features the UI is not used for here.
            {
                **os.environ,
                "MLFLOW_DISABLE_TELEMETRY": "true",
                "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
            },
        )


def start_scheduler(settings: Settings, console: Console) -> EmbeddedScheduler | None:
    """The embedded scheduler over the pipelines this installation can run, if enabled."""
    from aianimals.schedules.cli import available, run_command
    from aianimals.schedules.scheduler import EmbeddedScheduler, configured_schedules
    from aianimals.schedules.status import state_path

    if not settings.schedules.enabled:
        return None
    schedules = available(configured_schedules(settings.schedules))
    scheduler = EmbeddedScheduler(schedules, run_command, state_path(settings))
    scheduler.start()
    names = ", ".join(f"{item.name} ({item.cron})" for item in schedules)
    console.print(f"scheduled pipelines: {names}")
    return scheduler
