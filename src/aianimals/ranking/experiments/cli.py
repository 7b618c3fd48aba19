"""`aianimals ab report` (per-arm engagement) and `aianimals simulate` (users against an API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from aianimals.ranking.experiments.report import ArmStats, Interval
    from aianimals.ranking.experiments.simulate import SimulationSummary
    from aianimals.settings import Settings

ab_app = typer.Typer(help="A/B tests: per-arm engagement from the logs.", no_args_is_help=True)


@ab_app.callback()
def ab() -> None:
    """A/B tests of rankers, read from the impressions and access logs."""


def _settings(ctx: typer.Context) -> Settings:
    """The settings a caller put in the context (tests), else the environment's."""
    from aianimals.settings import Settings

    return ctx.obj if isinstance(ctx.obj, Settings) else Settings()


def _interval(value: float, interval: Interval, percent: bool) -> str:
    if percent:
        return f"{value:.1%} ({interval.low * 100:.1f}–{interval.high * 100:.1f})"
    return f"{value:.2f} ({interval.low:.2f}–{interval.high:.2f})"


def _p_value(value: float | None) -> str:
    if value is None:
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def report_tables(stats: list[ArmStats]) -> list[Table]:
    """One table per experiment, one row per arm: rates with 95 % intervals, p vs control."""
    tables: dict[str, Table] = {}
    for arm in stats:
        table = tables.get(arm.experiment)
        if table is None:
            table = tables[arm.experiment] = Table(
                title=f"experiment {arm.experiment}", caption="(95 % intervals)"
            )
            table.add_column("arm")
            for name in ("searches", "users", "fallbacks", "select rate", "like rate"):
                table.add_column(name, justify="right")
            table.add_column("selects/search", justify="right")
            table.add_column("p vs control", justify="right")
        table.add_row(
            arm.arm,
            f"{arm.searches:,}",
            f"{arm.users:,}",
            f"{arm.fallbacks:,}",
            _interval(arm.select_rate, arm.select_interval, percent=True),
            _interval(arm.like_rate, arm.like_interval, percent=True),
            _interval(arm.selects_per_search, arm.selects_per_search_interval, percent=False),
            _p_value(arm.p_value_vs_control),
        )
    return list(tables.values())


@ab_app.command("report")
def report(
    ctx: typer.Context,
    experiment: Annotated[
        str | None, typer.Option(help="Only this experiment (default: every one logged).")
    ] = None,
) -> None:
    """Per-arm searches, select and like rates with intervals, and p-values against control."""
    from aianimals.ranking.experiments.report import arm_report
    from aianimals.roles.container import build_container

    console = Console()
    container = build_container(_settings(ctx))
    try:
        with container.database.connect() as connection:
            stats = arm_report(connection, experiment)
    finally:
        container.close()
    if not stats:
        scope = f"experiment {experiment}" if experiment else "any experiment"
        console.print(f"[yellow]no searches of {scope} in the impressions yet[/yellow]")
        return
    for table in report_tables(stats):
        console.print(table)


def summary_table(summary: SimulationSummary) -> Table:
    """Searches, users, actions by kind and errors by kind of one simulation run."""
    table = Table(title="simulation")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("searches", f"{summary.searches:,}")
    table.add_row("users", f"{len(summary.users):,}")
    for action in ("select", "see_long", "like"):
        table.add_row(f"action {action}", f"{summary.actions[action]:,}")
    for kind, count in sorted(summary.errors.items()):
        table.add_row(f"[red]error {kind}[/red]", f"{count:,}")
    if not summary.errors:
        table.add_row("errors", "0")
    table.add_row("elapsed", f"{summary.elapsed_s:.1f} s")
    return table


def simulate_command(
    ctx: typer.Context,
    *,
    url: Annotated[str, typer.Option(help="The running API.")] = "http://127.0.0.1:8000",
    users: Annotated[int, typer.Option(min=1, help="Simulated users at once.")] = 8,
    minutes: Annotated[float, typer.Option(min=0.0, help="How long to run.")] = 2.0,
    searches: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many searches.")
    ] = None,
    sort_by: Annotated[str, typer.Option(help="The sort every search asks for.")] = (
        "learn_to_rank"
    ),
    seed: Annotated[
        int | None, typer.Option(help="Dataset seed (default: the settings' dataset seed).")
    ] = None,
    animals: Annotated[
        int | None,
        typer.Option(min=1, help="The --animals the dataset was generated with (default all)."),
    ] = None,
    user_model: Annotated[
        str,
        typer.Option(
            help="How the users choose among results: generator (the users who wrote the "
            "logs), ignores-likes, recency or position-based (docs/mlops.md)."
        ),
    ] = "generator",
) -> None:
    """Replay the demo dataset's simulated users against a running API (searches, actions)."""
    from aianimals.ranking.experiments.simulate import SimulationConfig, SimulationError, simulate
    from aianimals.ranking.experiments.users import USER_MODELS

    console = Console()
    if user_model not in USER_MODELS:
        known = ", ".join(USER_MODELS)
        console.print(f"[bold red]unknown user model {user_model}[/] (known: {known})")
        raise typer.Exit(code=2)
    config = SimulationConfig(
        url=url.rstrip("/"),
        users=users,
        minutes=minutes,
        searches=searches,
        sort_by=sort_by,
        seed=_settings(ctx).dataset.seed if seed is None else seed,
        animals=animals,
        user_model=user_model,
    )
    bars = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
    )
    task = bars.add_task(
        f"{users} {user_model} users, sort_by={sort_by}", total=searches, detail=""
    )

    def progress(done: int, actions: int, errors: int) -> None:
        bars.update(task, completed=done, detail=f"actions {actions:,} · errors {errors:,}")

    try:
        with bars:
            summary = simulate(config, progress)
    except SimulationError as error:
        console.print(f"[bold red]simulation failed:[/] {error}", highlight=False)
        raise typer.Exit(code=1) from error
    console.print(summary_table(summary))
    if summary.searches == 0:
        console.print("[bold red]no search succeeded[/] (see the errors above)")
        raise typer.Exit(code=1)
