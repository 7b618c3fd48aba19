"""How far learn-to-rank could go on the demo dataset: a ranker that knew the simulation.

    .venv/bin/python bench/ltr_ceiling.py [--var var]

The demo dataset's users are simulated (docs/dataset.md): each examined result is chosen,
read at length and liked with probabilities of a hidden model: text match with the concepts
the user meant, favourite breed, taste for cats or dogs, and an animal's latent appeal. This
bench replays the generator with the default seed to recover, for every logged search, the
user, the concepts meant and those probabilities. On the same held-out searches as
`aianimals train ltr` (newest 20 %, at least two candidates), it ranks each search's
candidates by their expected gain under the hidden model, the best any ranker can do in
expectation. The table compares that oracle with the trained champion and the baselines,
all scored by the same NDCG@10 on the logged grades. Reads the store `make run` filled
(--var, default ./var).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from aianimals.dataset.generator import pipeline, simulation
from aianimals.dataset.generator.behaviour import (
    Match,
    click_probability,
    like_probability,
    see_long_probability,
)
from aianimals.dataset.generator.pipeline import GenerationOptions, generate_dataset
from aianimals.ml.ltr.metrics import ranking_metrics
from aianimals.ml.ltr.ranker import BASELINES, Ranker, RankerKind
from aianimals.ml.ltr.training import CHAMPION, LtrRun, LtrSources, features, load, model_name
from aianimals.ports.registry.factory import create_registry
from aianimals.roles.container import build_container
from aianimals.settings import Settings

GAIN = {1: 1.0, 3: 7.0, 4: 15.0}
"""2^grade − 1: the gain NDCG gives select, see_long and like."""


class Replay:
    """The generator run again, keeping each search's user and the concepts meant."""

    def __init__(self) -> None:
        self.meant: dict[str, tuple[int, frozenset[str]]] = {}
        self.world: simulation.World | None = None
        self.animal_ids: list[str] = []
        self.user_ids: list[str] = []

    def run(self, scratch: Path) -> None:
        """Generate the default demo dataset (no photos) while recording."""
        search, make_world = simulation._search, pipeline._world

        def recording_search(world: simulation.World, user: int, intent: Any, **kw: Any) -> int:
            self.world = world
            result = kw["result"]
            before = len(result.impressions)
            moment: int = search(world, user, intent, **kw)
            for shown in result.impressions[before : before + 1]:
                self.meant[shown.search_id] = (user, intent.concepts)
            return moment

        def recording_world(*args: Any, **kw: Any) -> simulation.World:
            self.animal_ids = [animal.animal_id for animal in args[0]]
            self.user_ids = [profile.user_id for profile in kw["profiles"]]
            return make_world(*args, **kw)

        simulation._search = recording_search  # type: ignore[assignment]
        pipeline._world = recording_world  # type: ignore[assignment]
        try:
            generate_dataset(scratch, GenerationOptions(photos=False))
        finally:
            simulation._search, pipeline._world = search, make_world

    def expected_gain(self, search_id: str, animal_id: str, index: dict[str, int]) -> float:
        """E[2^grade − 1] of showing this animal in this search, under the hidden model."""
        assert self.world is not None
        world = self.world
        user, concepts = self.meant[search_id]
        animal = world.animals[index[animal_id]]
        profile = world.profiles[user]
        text = len(concepts & animal.concepts) / len(concepts) if concepts else 0.0
        match = Match(
            text=text,
            favourite=animal.breed in profile.favourite_breeds,
            category_affinity=profile.category_affinity(animal.category),
            popularity=animal.appeal,
        )
        click = click_probability(world.model, match)
        read = see_long_probability(world.model, match)
        like = like_probability(world.model, match)
        return click * ((1 - read) * GAIN[1] + read * ((1 - like) * GAIN[3] + like * GAIN[4]))


def champion_scores(settings: Settings, features_matrix: np.ndarray) -> np.ndarray | None:
    """The lambdarank champion's scores, or None without one."""
    registry = create_registry(settings)
    try:
        version = registry.alias(model_name(RankerKind.LAMBDARANK), CHAMPION)
        if version is None:
            return None
        with tempfile.TemporaryDirectory() as scratch:
            folder = registry.download(version.name, version.version, Path(scratch))
            return Ranker.load(folder).predict(features_matrix)
    finally:
        registry.close()


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var", type=Path, default=Path("var"))
    args = parser.parse_args()
    console = Console()
    settings = Settings(var_dir=args.var)
    container = build_container(settings)
    try:
        console.print("held-out searches, as `aianimals train ltr` builds them…")
        sources = LtrSources(
            database=container.database,
            index=container.search_index,
            analyze=container.analyzer.analyze,
            expand=container.search_expander(),
        )
        run = features(load(LtrRun(sources, registry=None, log=_Quiet())))  # type: ignore[arg-type]
        test = run.test
        assert test is not None
        console.print("replaying the simulation…")
        replay = Replay()
        with tempfile.TemporaryDirectory() as scratch:
            replay.run(Path(scratch))
        index = {animal_id: i for i, animal_id in enumerate(replay.animal_ids)}
        searches = {search.search_id: search for search in run.searches}
        oracle: list[float] = []
        for search_id, size in zip(test.search_ids, test.groups, strict=True):
            kept = [a for a in searches[search_id].grades if a in run.texts][: int(size)]
            oracle.extend(replay.expected_gain(search_id, a, index) for a in kept)
        scores = {"oracle (the hidden model)": np.asarray(oracle)}
        champion = champion_scores(settings, test.features)
        if champion is not None:
            scores["lambdarank champion"] = champion
        scores.update({name: score(test.features) for name, score in BASELINES.items()})
    finally:
        container.close()
    table = Table(
        title=f"held-out: {len(test.search_ids):,} searches, {int(test.groups.sum()):,} candidates"
    )
    for column in ("ranker", "ndcg@5", "ndcg@10", "ndcg@20", "× likes (ndcg@10)"):
        table.add_column(column, justify="left" if column == "ranker" else "right")
    likes = ranking_metrics(scores["likes"], test.grades, test.groups)["ndcg@10"]
    for name, values in scores.items():
        metrics = ranking_metrics(values, test.grades, test.groups)
        table.add_row(
            name,
            *(f"{metrics[k]:.4f}" for k in ("ndcg@5", "ndcg@10", "ndcg@20")),
            f"{metrics['ndcg@10'] / likes:.3f}",
        )
    console.print(table)


class _Quiet:
    """A run log that keeps nothing (the bench registers no model)."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


if __name__ == "__main__":
    main()
