"""Composition root of `aianimals up`: the whole platform in one process on one machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from aianimals.api.container import Container, build_container
from aianimals.dataset.demo import ensure_demo_dataset
from aianimals.dataset.progress import step_progress
from aianimals.ports.registry.factory import embedded_location
from aianimals.ports.sql import migrate
from aianimals.roles.admin import AdminCredentials, ensure_admin
from aianimals.roles.api import serve
from aianimals.roles.images import ensure_images
from aianimals.roles.portal import portal_command, portal_environment
from aianimals.roles.supervisor import Supervisor
from aianimals.roles.worker import Workers
from aianimals.search.rebuild import rebuild_index
from aianimals.settings import LOOPBACK_HOSTS, Settings

if TYPE_CHECKING:
    from aianimals.ml.schedule import EmbeddedScheduler


def run_up(settings: Settings, console: Console, *, demo: bool) -> None:
    """Migrate, load the demo dataset once, index it, then serve API and workers."""
    container = build_container(settings)
    workers = Workers(container)
    scheduler: EmbeddedScheduler | None = None
    children = Supervisor()
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
        serve(settings, container)
    finally:
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


def ensure_search_index(container: Container, console: Console) -> None:
    """Build the search index from the store when it is empty (first start, new engine)."""
    if container.search_index.count() > 0:
        return
    size = index_everything(container, console)
    console.print(f"search index built: {size:,} animals")


def index_everything(container: Container, console: Console) -> int:
    """Rebuild the index from the store with a progress bar; returns its size."""
    with step_progress(console) as report:
        return rebuild_index(
            container.database,
            container.search_index,
            container.cache,
            lambda done, total: report("indexing animals", done, total),
        )


def ensure_similar_words(container: Container, console: Console) -> None:
    """Train the query-expansion dictionary once, when it has not been trained yet (its metrics
    stay, even when they showed it does not help and it was not installed)."""
    import logging

    from aianimals.ml.text.training import TrainOptions, metrics_path, train_similar_words

    path = container.settings.search.similar_words_path
    if path.exists() or metrics_path(path).exists():
        return
    logging.getLogger("gensim").setLevel(logging.WARNING)
    console.print("training the similar-word dictionary for query expansion")
    with step_progress(console) as report:
        trained = train_similar_words(container, path, TrainOptions(), report)
    if trained.installed:
        console.print(f"similar words for {trained.phrases} phrases → {path}")
    else:
        console.print("similar words not installed: no gain on held-out searches")


def ensure_rankers(container: Container, console: Console) -> None:
    """Train the learn-to-rank models once, when the registry has no champion yet (a model
    that does not beat every baseline is refused, so some kinds may stay without one)."""
    from aianimals.ml.ltr.models import RankerKind
    from aianimals.ml.ltr.training import (
        CHAMPION,
        EXPERIMENT,
        LTR_PIPELINE,
        LtrRun,
        LtrSources,
        model_name,
    )
    from aianimals.ports.registry.factory import create_registry

    registry = create_registry(container.settings)
    try:
        if any(registry.alias(model_name(kind), CHAMPION) for kind in RankerKind):
            return
        with container.database.session() as session:
            logged = session.connection().exec_driver_sql("SELECT count(*) FROM access_logs")
            if (logged.scalar_one() or 0) < 1_000:
                console.print(
                    "learn-to-rank: too few access logs to train yet (index order served)"
                )
                return
        console.print("training the learn-to-rank models (lambdarank, debiased, regression)")
        sources = LtrSources(
            database=container.database,
            index=container.text_search,
            analyze=container.analyzer.analyze,
            expand=container.search_expander(),
            candidates=container.settings.ranking.candidates,
        )
        with registry.run(EXPERIMENT, "first start") as log:
            LTR_PIPELINE.run(LtrRun(sources, registry, log), console=console)
    finally:
        registry.close()


def start_scheduler(settings: Settings, console: Console) -> EmbeddedScheduler | None:
    """The embedded scheduler over the pipelines this installation can run, if enabled."""
    from aianimals.ml.schedule import EmbeddedScheduler, configured_schedules
    from aianimals.ml.schedule_cli import available, run_command
    from aianimals.ml.schedule_status import state_path

    if not settings.schedules.enabled:
        return None
    schedules = available(configured_schedules(settings.schedules))
    scheduler = EmbeddedScheduler(schedules, run_command, state_path(settings))
    scheduler.start()
    names = ", ".join(f"{item.name} ({item.cron})" for item in schedules)
    console.print(f"scheduled pipelines: {names}")
    return scheduler


def ensure_features(container: Container, console: Console) -> None:
    """Fill the online feature store once, when it holds nothing yet (imports emit no events)."""
    from sqlalchemy import select

    from aianimals.animals.models import Animal
    from aianimals.ml.ltr.features import FEATURE_VERSION
    from aianimals.ml.ltr.updater import entities_to_rebuild, rebuild_features

    with container.database.session() as session:
        sample = session.scalar(select(Animal.id).where(Animal.deactivated.is_(False)).limit(1))
    store = container.feature_store
    if sample is None or store.get_many("animal_counters", FEATURE_VERSION, [sample]):
        return
    total = entities_to_rebuild(container.database)
    done = 0

    with step_progress(console) as report:

        def advance(count: int) -> None:
            nonlocal done
            done += count
            report("filling the feature store", done, total)

        animals, users = rebuild_features(container.database, store, advance)
    console.print(f"feature store filled: {animals:,} animals, {users:,} users")
