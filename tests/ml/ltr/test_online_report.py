"""The online tables of the learn-to-rank report, on a small made-up set of searches."""

from __future__ import annotations

import typing

import numpy as np

from aianimals.dataset.generator.behaviour import Match
from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.online import CONTROL
from aianimals.ml.ltr.online_report import (
    OnlineOptions,
    lift_png,
    online_markdown,
    online_report,
    power_png,
)
from aianimals.ml.ltr.ranker import BASELINES
from aianimals.ranking.experiments.users import USER_MODELS
from aianimals.ranking.features import FEATURE_NAMES

SEARCHES, SHOWN = 120, 12


class Truth:
    """The higher an animal's number, the better it matches (text, breed, category)."""

    def match(self, search_id: str, animal_id: str) -> Match | None:
        share = int(animal_id) / (SEARCHES * SHOWN)
        return Match(share, share > 0.7, share, 0.0)


def held_out() -> LtrDataset:
    rows = SEARCHES * SHOWN
    features = np.zeros((rows, len(FEATURE_NAMES)))
    features[:, FEATURE_NAMES.index("index_rank")] = np.tile(np.arange(SHOWN), SEARCHES)
    return LtrDataset(
        features=features,
        grades=np.zeros(rows, dtype=np.int64),
        groups=np.full(SEARCHES, SHOWN),
        search_ids=[f"s{i}" for i in range(SEARCHES)],
        positions=np.tile(np.arange(SHOWN), SEARCHES),
        animal_ids=[str(i) for i in np.random.default_rng(0).permutation(rows)],
        randomised=np.zeros(SEARCHES, dtype=np.bool_),
    )


def test_the_online_report_covers_every_user_model_arm_and_pair() -> None:
    test = held_out()
    by_text = {a: float(a) for a in test.animal_ids}
    arms = {
        CONTROL: BASELINES["index order"],
        "debiased": lambda data: np.asarray([by_text[a] for a in data.animal_ids]),
        "lambdarank": BASELINES["random"],
    }
    options = OnlineOptions(searches=3000, sizes=(50, 200, 800), runs=4)

    report = online_report(test, typing.cast(GeneratorTruth, Truth()), arms, options)

    assert report.pool == SEARCHES
    assert set(report.ab) == set(USER_MODELS)
    for name in USER_MODELS:
        arms_seen = {arm.arm for arm in report.ab[name]}
        assert arms_seen == {CONTROL, "debiased", "lambdarank"}
        assert [(m.first, m.second) for m in report.interleaving[name]] == list(options.pairs)
        assert [n.pair for n in report.needed[name]] == list(options.pairs)
        debiased = next(a for a in report.ab[name] if a.arm == "debiased")
        assert debiased.lift_interval.low > 0  # the text order is what every user wants
    text = online_markdown(report)
    for name in USER_MODELS:
        assert f"| {name} | debiased |" in text
        assert f"| {name} | debiased vs control |" in text
    assert "**Interleaving**" in text
    assert "**Searches needed**" in text
    assert "50, 200, 800" in text
    for png in (lift_png(report), power_png(report)):
        assert png.startswith(b"\x89PNG")
