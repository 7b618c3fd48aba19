"""`aianimals train …`: the trainer role's commands (the composition root of a training run)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from aianimals.ml.text.training import TrainReport
    from aianimals.settings import Settings

app = typer.Typer(help="Train models from the SQL store.", no_args_is_help=True)


@app.callback()
def train() -> None:
    """Train models from the SQL store; each writes its model and evaluation under var/."""


def _settings(ctx: typer.Context) -> Settings:
    """The settings a caller put in the context (tests), else the environment's."""
    from aianimals.settings import Settings

    return ctx.obj if isinstance(ctx.obj, Settings) else Settings()


def _summary(report: TrainReport) -> Table:
    """The evaluation, without and with expansion."""
    table = Table(title=f"similar words {report.version}")
    table.add_column("metric")
    table.add_column("without expansion", justify="right")
    table.add_column("with expansion", justify="right")
    comparison = report.comparison
    if comparison is not None:
        plain, expanded = comparison.without_expansion, comparison.with_expansion
        table.add_row(
            "searches", f"{plain.searches:,}", f"{comparison.expanded_searches:,} expanded"
        )
        table.add_row(f"recall@{comparison.k}", f"{plain.recall:.4f}", f"{expanded.recall:.4f}")
        table.add_row(
            "zero-hit share", f"{plain.zero_hit_share:.2%}", f"{expanded.zero_hit_share:.2%}"
        )
        table.add_row("mean hits", f"{plain.mean_hits:,.1f}", f"{expanded.mean_hits:,.1f}")
    return table


@app.command("similar-words")
def similar_words(
    ctx: typer.Context,
    *,
    top_phrases: Annotated[
        int, typer.Option(min=1, help="Expand this many of the most frequent logged phrases.")
    ] = 200,
    top_k: Annotated[int, typer.Option(min=1, help="Similar words kept per phrase.")] = 10,
    min_similarity: Annotated[
        float, typer.Option(min=-1.0, max=1.0, help="Cosine similarity a word needs.")
    ] = 0.6,
    seed: Annotated[int, typer.Option(help="Seed of the word-vector training.")] = 20210521,
    output: Annotated[
        Path | None,
        typer.Option(help="Dictionary file [default: settings.search.similar_words_path]."),
    ] = None,
    evaluate: Annotated[
        bool, typer.Option(help="Hold out the latest 20 % of searches and report recall.")
    ] = True,
) -> None:
    """Train word vectors on our texts and query logs; write the similar-word dictionary."""
    from aianimals.dataset.progress import step_progress
    from aianimals.logs import configure_logging
    from aianimals.ml.text.similar_words import FastTextParams
    from aianimals.ml.text.training import TrainOptions, train_similar_words
    from aianimals.roles.container import build_container
    from aianimals.roles.first_start import text_sources

    configure_logging()
    logging.getLogger("gensim").setLevel(logging.WARNING)
    console = Console()
    settings = _settings(ctx)
    options = TrainOptions(
        top_phrases=top_phrases,
        top_k=top_k,
        min_similarity=min_similarity,
        evaluate=evaluate,
        params=FastTextParams(seed=seed),
    )
    container = build_container(settings)
    try:
        with step_progress(console) as progress:
            report = train_similar_words(
                text_sources(container),
                output or settings.search.similar_words_path,
                options,
                progress,
            )
    finally:
        container.close()
    console.print(_summary(report))
    timings = ", ".join(f"{step} {s:.1f} s" for step, s in report.seconds.items())
    trained = (
        f"({report.sentences:,} sentences, {report.train_searches:,} training searches; {timings})"
    )
    if report.installed:
        console.print(
            f"[green]{report.phrases} phrases expanded[/green] → {report.dictionary_path} {trained}"
        )
    else:
        console.print(
            "[yellow]not installed: expansion does not beat no expansion on held-out "
            f"searches[/yellow]; search runs without it (no {report.dictionary_path}) {trained}"
        )
    if report.comparison is not None:
        console.print(f"metrics → {report.metrics_path}")


@app.command("ltr")
def ltr(
    ctx: typer.Context,
    *,
    candidates: Annotated[
        int, typer.Option(min=10, max=1000, help="Index candidates the ranker re-orders.")
    ] = 100,
    test_share: Annotated[
        float, typer.Option(min=0.05, max=0.5, help="Newest share of searches held out.")
    ] = 0.2,
    rounds: Annotated[int, typer.Option(min=10, help="LightGBM boosting rounds.")] = 200,
) -> None:
    """Learn-to-rank: train lambdarank, debiased lambdarank and regression, compare with
    baselines on the debiased estimate, promote."""
    from aianimals.logs import configure_logging
    from aianimals.ml.ltr.ranker import TrainOptions
    from aianimals.ml.ltr.training import EXPERIMENT, LTR_PIPELINE, LtrRun
    from aianimals.ports.registry.factory import create_registry
    from aianimals.roles.container import build_container
    from aianimals.roles.first_start import ltr_sources

    configure_logging()
    console = Console()
    settings = _settings(ctx)
    container = build_container(settings)
    registry = create_registry(settings.registry, settings.var_dir)
    try:
        sources = ltr_sources(
            container,
            candidates=candidates,
            test_share=test_share,
            options=TrainOptions(rounds=rounds),
        )
        with registry.run(EXPERIMENT, "ltr") as log:
            result = LTR_PIPELINE.run(LtrRun(sources, registry, log), console=console)
    finally:
        registry.close()
        container.close()
    run: LtrRun = result.output
    assert run.comparison is not None
    console.print(_comparison_table(run))
    for verdict in run.promoted.values():
        console.print(f"[green]{verdict}[/green]")


@app.command("ltr-report")
def ltr_report(
    ctx: typer.Context,
    *,
    docs: Annotated[
        Path | None,
        typer.Option(
            help="Rewrite the report blocks of this markdown file (docs/mlops.md) and the "
            "figures in a figures/ folder beside it."
        ),
    ] = None,
    readme: Annotated[
        Path | None, typer.Option(help="Rewrite the summary block of this file (README.md).")
    ] = None,
    animals: Annotated[
        int | None,
        typer.Option(help="The --animals the demo dataset was generated with (default: all)."),
    ] = None,
    rounds: Annotated[int, typer.Option(min=10, help="LightGBM boosting rounds.")] = 200,
    searches: Annotated[
        int, typer.Option(min=100, help="Simulated searches per user model (A/B, interleaving).")
    ] = 20_000,
    runs: Annotated[
        int, typer.Option(min=1, help="Repeated runs per size when counting searches needed.")
    ] = 20,
    threads: Annotated[
        int, typer.Option(min=1, help="LightGBM threads (1 is faster on a busy machine).")
    ] = 2,
) -> None:
    """Learn-to-rank tables: held-out and debiased metrics of every method, the position curve,
    and the simulated online tests (A/B under each user model, interleaving).

    Trains and evaluates as `aianimals train ltr` does, but registers nothing. On the demo
    store it rebuilds the generator from its seed to add the generator's own model (an
    oracle), the true position curve, and the simulated A/B and interleaving tests of the
    trained rankers under every user model. Prints markdown; with --docs, rewrites that
    file's blocks `ltr-report` and `ltr-online` and its figures/ltr-*.png; with --readme,
    that file's `ltr-summary` block.
    """
    from aianimals.dataset.generator import GenerationOptions, simulate_demo
    from aianimals.logs import configure_logging
    from aianimals.ml.ltr.generator_model import GeneratorTruth
    from aianimals.ml.ltr.online_report import OnlineOptions
    from aianimals.ml.ltr.ranker import TrainOptions
    from aianimals.ml.ltr.report import build_report
    from aianimals.ml.ltr.report_outputs import write_outputs
    from aianimals.ml.ltr.training import EXPERIMENT, LtrRun
    from aianimals.ports.registry.factory import create_registry
    from aianimals.roles.container import build_container
    from aianimals.roles.first_start import ltr_sources

    configure_logging()
    settings = _settings(ctx)
    container = build_container(settings)
    registry = create_registry(settings.registry, settings.var_dir)
    try:
        sources = ltr_sources(container, options=TrainOptions(rounds=rounds, threads=threads))
        seed = settings.dataset.seed
        truth = GeneratorTruth(
            simulate_demo(GenerationOptions(seed=seed, animals=animals, photos=False))
        )
        online = OnlineOptions(searches=searches, runs=runs)
        with registry.run(EXPERIMENT, "ltr-report") as log:
            report = build_report(LtrRun(sources, registry, log), truth, online)
    finally:
        registry.close()
        container.close()
    command = "aianimals train ltr-report" + (f" --animals {animals}" if animals else "")
    if rounds != 200:
        command += f" --rounds {rounds}"
    if searches != 20_000:
        command += f" --searches {searches}"
    if runs != 20:
        command += f" --runs {runs}"
    if threads != 2:
        command += f" --threads {threads}"
    for line in write_outputs(report, command, docs=docs, readme=readme):
        typer.echo(line)


def _comparison_table(run: Any) -> Table:
    """Methods × held-out metrics, with the lift over the best baseline."""
    comparison = run.comparison
    best, _ = comparison.best_baseline()
    names = list(next(iter(comparison.metrics.values())))
    table = Table(
        title=f"held-out: {comparison.searches:,} newest searches, "
        f"{comparison.candidates:,} candidates"
    )
    table.add_column("method")
    for name in names:
        table.add_column(name, justify="right")
    table.add_column("× best baseline", justify="right")
    for method, values in comparison.metrics.items():
        label = f"{method} (best baseline)" if method == best else method
        cells = [f"{values[name]:.4f}" for name in names]
        table.add_row(label, *cells, f"{comparison.lift(method):.3f}")
    return table


@app.command("similar-images")
def similar_images(ctx: typer.Context) -> None:
    """Embed new photos, rebuild the similar-image index, measure its recall@10 (hourly)."""
    from aianimals.images.index_pipeline import IMAGE_INDEX_PIPELINE, ImageIndexRun
    from aianimals.logs import configure_logging
    from aianimals.roles.container import build_container
    from aianimals.roles.images import image_tasks

    configure_logging()
    console = Console()
    container = build_container(_settings(ctx))
    try:
        run = ImageIndexRun(image_tasks(container), container.image_model.version)
        IMAGE_INDEX_PIPELINE.run(run, console=console)
    finally:
        container.close()


@app.command("no-animal")
def no_animal(
    ctx: typer.Context,
    *,
    min_labels: Annotated[
        int, typer.Option(min=2, help="Fewest confirmed and rejected verdicts to train on.")
    ] = 10,
    implicit_negatives_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Also label as animals the unreported photos older than this many days "
            "whose detection stayed below the threshold (default: off).",
        ),
    ] = None,
    l2: Annotated[
        float | None,
        typer.Option(min=0.0, help="L2 strength (default: chosen by cross-validation)."),
    ] = None,
) -> None:
    """No-animal head: train on admin verdicts, compare on the labelled photos, promote (daily)."""
    from aianimals.core.pipeline import PipelineError
    from aianimals.images.detector import NO_ANIMAL
    from aianimals.logs import configure_logging
    from aianimals.ml.no_animal import EXPERIMENT
    from aianimals.ml.no_animal.dataset import eval_features
    from aianimals.ml.no_animal.evaluation import comparison_markdown
    from aianimals.ml.no_animal.head import FitOptions
    from aianimals.ml.no_animal.training import (
        NO_ANIMAL_PIPELINE,
        NoAnimalRun,
        NoAnimalSources,
        NothingToTrain,
        count_labels,
        too_few,
    )
    from aianimals.ports.registry.factory import create_registry
    from aianimals.roles.container import build_container
    from aianimals.settings import REFERENCE_HIDE_THRESHOLD

    configure_logging()
    console = Console()
    settings = _settings(ctx)
    container = build_container(settings)
    try:
        model = container.image_model
        sources = NoAnimalSources(
            database=container.database,
            image_model_version=model.version,
            eval_features=lambda: eval_features(model),
            threshold=settings.images.thresholds.get(NO_ANIMAL, REFERENCE_HIDE_THRESHOLD),
            review_threshold=settings.images.review_thresholds.get(NO_ANIMAL, 0.0),
            min_labels=min_labels,
            implicit_negatives_days=implicit_negatives_days,
            options=FitOptions(l2=l2),
        )
        skipped = too_few(count_labels(sources), min_labels)
        if skipped is not None:
            console.print(f"[yellow]{skipped}[/yellow]")
            return
        registry = create_registry(settings.registry, settings.var_dir)
        try:
            with registry.run(EXPERIMENT, "no-animal") as log:
                try:
                    result = NO_ANIMAL_PIPELINE.run(
                        NoAnimalRun(sources, registry, log), console=console
                    )
                except PipelineError as error:
                    if not isinstance(error.cause, NothingToTrain):
                        raise
                    log.set_tags({"skipped": str(error.cause)})
                    console.print(f"[yellow]{error.cause}[/yellow]")
                    return
        finally:
            registry.close()
    finally:
        container.close()
    run: NoAnimalRun = result.output
    assert run.comparison is not None
    console.print(comparison_markdown(run.comparison))
    console.print(f"[green]{run.verdict}[/green]")
