"""`aianimals schedule …`: list the scheduled pipelines, run them here, or render them for Argo."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from aianimals.schedules.status import state_path

if TYPE_CHECKING:
    from aianimals.schedules.scheduler import Schedule
    from aianimals.settings import Settings

logger = logging.getLogger(__name__)

app = typer.Typer(help="The scheduled training pipelines.", no_args_is_help=True)


@app.callback()
def schedule() -> None:
    """The scheduled training pipelines: one definition for the embedded scheduler and Argo."""


def _settings(ctx: typer.Context) -> Settings:
    """The settings a caller put in the context (tests), else the environment's."""
    from aianimals.settings import Settings

    return ctx.obj if isinstance(ctx.obj, Settings) else Settings()


@app.command("list")
def list_schedules(ctx: typer.Context) -> None:
    """Print every schedule with its cron, next run (UTC) and last recorded run."""
    from aianimals.schedules.cron import Cron
    from aianimals.schedules.scheduler import configured_schedules, history_from

    settings = _settings(ctx)
    schedules = configured_schedules(settings.schedules)
    history = history_from(state_path(settings))
    now = datetime.now(UTC)
    state = "enabled" if settings.schedules.enabled else "disabled"
    table = Table(title=f"schedules ({state} in the embedded scheduler; times UTC)")
    for column in ("name", "cron", "next run", "last run", "command", "description"):
        table.add_column(column)
    for item in schedules:
        record = history.get(item.name)
        last = "—" if record is None else f"{record.started[:16]} {'ok' if record.ok else 'FAILED'}"
        next_run = Cron.parse(item.cron).next_after(now).strftime("%Y-%m-%d %H:%M")
        table.add_row(
            item.name, item.cron, next_run, last, " ".join(item.command), item.description
        )
    Console(width=160).print(table)


@app.command("render")
def render(
    ctx: typer.Context,
    *,
    out: Annotated[
        Path | None, typer.Option(help="Write one YAML file per schedule here [default: stdout].")
    ] = None,
    image: Annotated[str, typer.Option(help="Container image to run.")] = "aianimals:latest",
    namespace: Annotated[str, typer.Option(help="Kubernetes namespace.")] = "aianimals",
    env_from: Annotated[
        str, typer.Option(help="The Secret whose keys become the container environment.")
    ] = "aianimals",
) -> None:
    """Render the schedules as Argo CronWorkflow manifests (YAML)."""
    from aianimals.schedules.argo import render_cron_workflows, to_yaml, workflow_name
    from aianimals.schedules.scheduler import configured_schedules

    schedules = configured_schedules(_settings(ctx).schedules)
    manifests = render_cron_workflows(schedules, image, namespace, env_from=env_from)
    if out is None:
        typer.echo(to_yaml(manifests), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for item, manifest in zip(schedules, manifests, strict=True):
        path = out / f"{workflow_name(item)}.yaml"
        path.write_text(to_yaml([manifest]))
        typer.echo(str(path))


def run_command(item: Schedule) -> None:
    """Run a schedule's command as a child process; raises when it exits non-zero.

    `aianimals` is this installation's own script (beside the running interpreter), so a
    scheduler started from `.venv/bin/aianimals` needs no PATH.
    """
    import subprocess
    import sys

    command = list(item.command)
    if command and command[0] == "aianimals":
        command[0] = str(Path(sys.executable).with_name("aianimals"))
    subprocess.run(command, check=True)  # noqa: S603 - our own fixed commands


def available(schedules: Sequence[Schedule]) -> list[Schedule]:
    """The schedules whose `aianimals train …` command this installation has."""
    from aianimals.ml.cli import app as train_app

    trainers = {command.name for command in train_app.registered_commands}
    return [
        item
        for item in schedules
        if item.command[:2] != ("aianimals", "train") or item.command[2] in trainers
    ]


@app.command("run")
def run(ctx: typer.Context) -> None:
    """Run the schedules on this machine until SIGTERM or Ctrl-C (the embedded scheduler)."""
    import signal
    import threading

    from aianimals.logs import configure_logging
    from aianimals.schedules.scheduler import EmbeddedScheduler, configured_schedules

    configure_logging()
    settings = _settings(ctx)
    if not settings.schedules.enabled:
        Console().print("[yellow]schedules are disabled (AIANIMALS_SCHEDULES__ENABLED)[/yellow]")
        raise typer.Exit(1)
    scheduler = EmbeddedScheduler(
        configured_schedules(settings.schedules), run_command, state_path(settings)
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.start()
    for name, moment in sorted(scheduler.next_runs().items()):
        logger.info("schedule %s next runs at %s", name, moment.isoformat())
    stop.wait()
    scheduler.stop()
