"""The simulated online tables of `aianimals train ltr-report`: the A/B lift of each arm under
each user model, interleaving beside it, and how many searches each method needs.

Arms are the trained rankers and `control` (the index order, as the API's control arm
serves). Everything is drawn from one seeded generator, so the tables are reproducible.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.online import (
    ALPHA,
    CONTROL,
    POWER,
    ArmResult,
    InterleavingResult,
    SearchesNeeded,
    ab_test,
    interleave,
    reshow,
    searches_needed,
)
from aianimals.ml.ltr.ranker import Scorer
from aianimals.ranking.experiments.users import USER_MODELS, UserModel


@dataclass(frozen=True)
class OnlineOptions:
    """Sizes of the simulated tests (the defaults make the documented tables)."""

    searches: int = 20_000  # per user model: the A/B run and the interleaving run
    pairs: tuple[tuple[str, str], ...] = (("debiased", CONTROL), ("debiased", "lambdarank"))
    sizes: tuple[int, ...] = (25, 50, 100, 200, 400, 800, 1600, 3200, 6400)
    runs: int = 20  # repeated runs per size
    seed: int = 0
    models: tuple[str, ...] = tuple(USER_MODELS)


@dataclass(frozen=True)
class OnlineReport:
    """Per user model: the A/B arms, the interleaving runs and the searches each method needs."""

    options: OnlineOptions
    pool: int  # held-out searches drawn from
    ab: dict[str, list[ArmResult]] = field(default_factory=dict)
    interleaving: dict[str, list[InterleavingResult]] = field(default_factory=dict)
    needed: dict[str, list[SearchesNeeded]] = field(default_factory=dict)
    seconds: float = 0.0


def online_report(
    test: LtrDataset,
    truth: GeneratorTruth,
    arms: Mapping[str, Scorer],
    options: OnlineOptions,
) -> OnlineReport:
    """Every user model of `options`: an A/B run, interleaving runs and searches needed."""
    started = time.perf_counter()
    data = reshow(test, truth, arms)
    rng = np.random.default_rng(options.seed)
    report = OnlineReport(options, data.searches)
    for name in options.models:
        model = USER_MODELS[name]
        results = ab_test(data, model, options.searches, rng)
        report.ab[name] = results
        rates = {result.arm: result.select_rate for result in results}
        report.interleaving[name] = []
        report.needed[name] = []
        for pair in options.pairs:
            mixed = interleave(data, model, pair, options.searches, rng)
            report.interleaving[name].append(mixed)
            direction = (rates[pair[0]] - rates[pair[1]], float(mixed.wins - mixed.losses))
            report.needed[name].append(
                searches_needed(
                    data,
                    model,
                    pair,
                    sizes=options.sizes,
                    runs=options.runs,
                    direction=direction,
                    rng=rng,
                )
            )
    return _timed(report, time.perf_counter() - started)


def _timed(report: OnlineReport, seconds: float) -> OnlineReport:
    return OnlineReport(
        report.options, report.pool, report.ab, report.interleaving, report.needed, seconds
    )


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def online_markdown(report: OnlineReport, models: Sequence[UserModel] | None = None) -> str:
    """The A/B table, the interleaving table and the searches-needed table."""
    options = report.options
    chosen = models or [USER_MODELS[name] for name in options.models]
    lines = [
        f"Simulated in-process ({report.seconds:.0f} s, seed {options.seed}): each run draws "
        f"searches from the {report.pool:,} held-out ones and shows them again to the user who "
        "made them, meaning what they meant; only the order of the results changes.",
        "",
        "User models:",
        "",
        *(f"- `{model.name}`: {model.summary}" for model in chosen),
        "",
        f"**A/B** ({options.searches:,} searches per user model, split evenly at random; "
        "select rate = searches with at least one select, 95 % Wilson interval; lift over "
        "control in points with a 95 % normal-approximation interval; two-proportion z-test):",
        "",
        "| user model | arm | searches | select rate | lift over control (95 % interval) | p |",
        "|---|---|---|---|---|---|",
    ]
    for model in chosen:
        for arm in report.ab[model.name]:
            lift = "—"
            if arm.p_value is not None:
                low, high = arm.lift_interval.low * 100, arm.lift_interval.high * 100
                lift = f"{arm.lift * 100:+.1f} ({low:+.1f} to {high:+.1f})"
            rate = (
                f"{arm.select_rate:.1%} ({arm.interval.low * 100:.1f}–"
                f"{arm.interval.high * 100:.1f})"
            )
            lines.append(
                f"| {model.name} | {arm.arm} | {arm.searches:,} | {rate} | {lift} "
                f"| {_p(arm.p_value)} |"
            )
    lines += [
        "",
        f"**Interleaving** ({options.searches:,} searches per pair, team-draft; a search goes "
        "to the ranker with more clicked results of its team; two-sided sign test):",
        "",
        "| user model | A vs B | A wins | B wins | ties | A's share of decided − ½ | p |",
        "|---|---|---|---|---|---|---|",
    ]
    for model in chosen:
        for mixed in report.interleaving[model.name]:
            ties = mixed.searches - mixed.wins - mixed.losses
            lines.append(
                f"| {model.name} | {mixed.first} vs {mixed.second} | {mixed.wins:,} "
                f"| {mixed.losses:,} | {ties:,} | {mixed.preference:+.3f} | {_p(mixed.p_value)} |"
            )
    sizes = ", ".join(f"{size:,}" for size in options.sizes)
    lines += [
        "",
        f"**Searches needed** to detect the same difference: the smallest size (of {sizes}) "
        f"at which p < {ALPHA} in the direction of the large run in at least "
        f"{POWER:.0%} of {options.runs} runs (A/B: half the searches per ranker):",
        "",
        "| user model | A vs B | A/B lift (points) | A/B needs | interleaving needs | ratio |",
        "|---|---|---|---|---|---|",
    ]
    largest = options.sizes[-1] if options.sizes else 0  # the largest one allowed
    for model in chosen:
        for needed in report.needed[model.name]:
            ratio = "—"
            if needed.ab and needed.interleaving:
                ratio = f"{needed.ab / needed.interleaving:.0f}×"
            elif needed.interleaving and not needed.ab:
                ratio = f"> {largest / needed.interleaving:.0f}×"
            lines.append(
                f"| {model.name} | {needed.pair[0]} vs {needed.pair[1]} "
                f"| {needed.lift * 100:+.1f} | {_size(needed.ab, largest)} "
                f"| {_size(needed.interleaving, largest)} | {ratio} |"
            )
    return "\n".join(lines)


def _size(size: int | None, largest: int) -> str:
    return f"{size:,}" if size is not None else f"> {largest:,}"


def power_png(report: OnlineReport, model: str = "generator") -> bytes:
    """Share of runs that detected each pair's difference, by searches, for both methods."""
    from aianimals.ml.ltr.evaluation import new_figure, png_bytes

    figure, axes = new_figure()
    for needed in report.needed[model]:
        label = f"{needed.pair[0]} vs {needed.pair[1]}"
        axes.plot(needed.sizes, needed.ab_power, marker="o", label=f"A/B: {label}")
        axes.plot(
            needed.sizes, needed.interleaving_power, marker="s", label=f"interleaving: {label}"
        )
    axes.axhline(POWER, color="grey", linestyle="--", linewidth=1)
    axes.set_xscale("log")
    axes.set_xlabel("searches")
    axes.set_ylabel(f"share of runs with p < {ALPHA}")
    axes.set_title(f"user model: {model}")
    axes.legend(fontsize="small")
    return png_bytes(figure)


def lift_png(report: OnlineReport) -> bytes:
    """Each arm's select-rate lift over control, with its interval, per user model."""
    from aianimals.ml.ltr.evaluation import new_figure, png_bytes

    figure, axes = new_figure()
    models = list(report.ab)
    arms = [arm.arm for arm in report.ab[models[0]] if arm.p_value is not None]
    width = 0.8 / max(1, len(arms))
    for index, name in enumerate(arms):
        found = [next(a for a in report.ab[m] if a.arm == name) for m in models]
        centres = [a.lift * 100 for a in found]
        errors = [
            [(a.lift - a.lift_interval.low) * 100 for a in found],
            [(a.lift_interval.high - a.lift) * 100 for a in found],
        ]
        spots = [i + (index - (len(arms) - 1) / 2) * width for i in range(len(models))]
        axes.bar(spots, centres, width, yerr=errors, capsize=3, label=name)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_xticks(range(len(models)), models)
    axes.set_ylabel("select rate − control (points)")
    axes.legend(fontsize="small")
    return png_bytes(figure)
