"""First-start steps: what `aianimals up`, `aianimals import` and the training commands run to
bring an installation from an empty store to serving (each step does nothing when its work is
already done)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aianimals.animals.queries import visible_ids
from aianimals.animals.service import AnimalService
from aianimals.dataset.generator import GenerationOptions, generate_dataset
from aianimals.dataset.importer.errors import ImportFailed
from aianimals.dataset.importer.report import ImportReport, report_table
from aianimals.dataset.importer.service import import_directory
from aianimals.dataset.progress import step_progress
from aianimals.images.rebuild import count_missing, embed_missing, rebuild_vectors
from aianimals.ml.ltr.ranker import RankerKind
from aianimals.ml.ltr.training import (
    CHAMPION,
    EXPERIMENT,
    LTR_PIPELINE,
    LtrRun,
    LtrSources,
    model_name,
)
from aianimals.ml.text.training import (
    TextSources,
    TrainOptions,
    metrics_path,
    train_similar_words,
)
from aianimals.ports.registry.factory import create_registry
from aianimals.ranking.features import FEATURE_VERSION
from aianimals.ranking.updater import entities_to_rebuild, rebuild_features
from aianimals.roles.container import Container
from aianimals.roles.images import image_tasks
from aianimals.search.rebuild import rebuild_index

DEMO_MARKER = "animal.json"


def ensure_demo_dataset(container: Container, console: Console) -> None:
    """Generate the demo files (unless present) and import them (unless already imported)."""
    with container.database.session() as session:
        if AnimalService(session).count() > 0:
            console.print("demo dataset already imported")
            return
    settings = container.settings
    directory = settings.dataset.directory
    if not (directory / DEMO_MARKER).exists():
        console.print(
            f"generating the demo dataset into {directory} (seed {settings.dataset.seed})"
        )
        with step_progress(console) as report:
            generate_dataset(directory, GenerationOptions(seed=settings.dataset.seed), report)
    run_import_cli(directory, container, console)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def run_import_cli(directory: Path, container: Container, console: Console) -> ImportReport:
    """Import `directory` into `container`'s store with progress bars and print the report
    table.

    On failure the partial report and the error are printed and ImportFailed is re-raised.
    """
    try:
        with _progress(console) as progress:
            report = import_directory(container, directory, progress)
    except ImportFailed as error:
        if error.report is not None:
            console.print(report_table(error.report))
        console.print(f"[bold red]import failed:[/] {error.message}", highlight=False)
        raise
    console.print(report_table(report))
    return report


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


def ensure_images(container: Container, console: Console, *, rebuild: bool = False) -> None:
    """Embed photos the model has not seen (judging them too), then rebuild the ANN index
    when asked or when it holds fewer animals than have embeddings."""
    version = container.image_model.version
    total = count_missing(container.database, version)
    tasks = image_tasks(container)
    if total:
        done = 0
        with step_progress(console) as report:

            def advance(count: int) -> None:
                nonlocal done
                done += count
                report(f"embedding photos ({version})", done, total)

            embedded = embed_missing(tasks, version, advance)
        console.print(f"photos embedded: {embedded:,} of {total:,}")
    if rebuild or total or container.vector_index.count() == 0:
        size = rebuild_vectors(container.database, container.vector_index, version)
        console.print(f"similar-image index built: {size:,} animals")


def text_sources(container: Container) -> TextSources:
    """What the similar-word training reads, from this container."""
    return TextSources(
        container.database,
        container.analyzer,
        container.text_search.builder,
        container.settings.search,
    )


def ltr_sources(container: Container, **choices: Any) -> LtrSources:
    """What learn-to-rank training reads, from this container: the SQL store, text search,
    analyzer and today's query expansion; `choices` are the run's other `LtrSources` fields
    (candidates, test_share, options)."""
    return LtrSources(
        database=container.database,
        index=container.text_search,
        analyze=container.analyzer.analyze,
        expand=container.search_expander(),
        **choices,
    )


def ensure_similar_words(container: Container, console: Console) -> None:
    """Train the query-expansion dictionary once, when it has not been trained yet (its metrics
    stay, even when they showed it does not help and it was not installed)."""

    path = container.settings.search.similar_words_path
    if path.exists() or metrics_path(path).exists():
        return
    logging.getLogger("gensim").setLevel(logging.WARNING)
    console.print("training the similar-word dictionary for query expansion")
    with step_progress(console) as report:
        trained = train_similar_words(text_sources(container), path, TrainOptions(), report)
    if trained.installed:
        console.print(f"similar words for {trained.phrases} phrases → {path}")
    else:
        console.print("similar words not installed: no gain on held-out searches")


def ensure_rankers(container: Container, console: Console) -> None:
    """Train the learn-to-rank models once, when the registry has no champion yet (a model
    that does not beat every baseline is refused, so some kinds may stay without one)."""

    registry = create_registry(container.settings.registry, container.settings.var_dir)
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
        sources = ltr_sources(container, candidates=container.settings.ranking.candidates)
        with registry.run(EXPERIMENT, "first start") as log:
            LTR_PIPELINE.run(LtrRun(sources, registry, log), console=console)
    finally:
        registry.close()


def ensure_features(container: Container, console: Console) -> None:
    """Fill the online feature store once, when it holds nothing yet (imports emit no events)."""

    with container.database.session() as session:
        sample = session.scalar(visible_ids().limit(1))
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
