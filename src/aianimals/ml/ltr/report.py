"""`aianimals train ltr-report`: the learn-to-rank tables of docs/mlops.md, from one command.

It runs the training chain up to the evaluation (nothing is registered or promoted), adds
what only the demo generator knows when the store holds the demo dataset (the generator's
own model as an oracle row, the true position curve beside the estimated one, and the
simulated online tests under several user models, see `online_report`), and renders the
tables as markdown. `replace_block` puts each between the markers of a doc.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aianimals.core.pipeline import Pipeline
from aianimals.ml.ltr.bootstrap import Interval, snips_intervals
from aianimals.ml.ltr.dataset import LtrDataset
from aianimals.ml.ltr.evaluation import HEADLINE, Comparison, compare
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.metrics import gain_ndcg, ips_parts
from aianimals.ml.ltr.online import CONTROL
from aianimals.ml.ltr.online_report import OnlineOptions, OnlineReport, online_report
from aianimals.ml.ltr.propensity import Propensities, estimate_propensities, true_curve
from aianimals.ml.ltr.ranker import BASELINES, RankerKind, Scorer
from aianimals.ml.ltr.training import LTR_PIPELINE, LtrRun

GENERATOR = "generator's own model"
OFFLINE, ONLINE, SUMMARY = "ltr-report", "ltr-online", "ltr-summary"
"""The doc blocks the report rewrites: offline tables, online tables, the README's summary."""
START = f"<!-- {OFFLINE}:start -->"
END = f"<!-- {OFFLINE}:end -->"
CONTROL_ORDER = "index order"
"""The baseline the API's control arm serves."""
SHOWN_POSITIONS = (0, 1, 2, 3, 4, 5, 7, 10, 15, 20, 23)
COLUMNS = ("ndcg@10", "mrr", "ips_ndcg@10", "ips_mrr")
TRUTH_HEADER = " ndcg@10 on the hidden model's expected gains |"


@dataclass(frozen=True)
class LtrReport:
    """What the tables show."""

    comparison: Comparison
    propensities: Propensities
    simulated_curve: tuple[float, ...] | None  # the generator's true curve, estimated the same
    true: tuple[float, ...] | None  # the generator's true curve (expected clicks)
    train_searches: int
    seconds: float
    intervals: dict[str, Interval]  # the headline's 95 % interval, per method
    differences: dict[str, Interval]  # its difference from the best baseline's, per method
    truth: dict[str, float] | None  # NDCG@10 on the generator's expected gains, per method
    online: OnlineReport | None = None  # the simulated A/B and interleaving tests


def evaluation_chain() -> Pipeline:
    """The training chain up to the evaluation: no model is registered or promoted."""
    steps = [step for step in LTR_PIPELINE.steps if step.name not in {"register", "promote"}]
    return Pipeline("learn-to-rank report", steps)


def build_report(
    run: LtrRun, truth: GeneratorTruth | None, online: OnlineOptions | None = None
) -> LtrReport:
    """Evaluate as training does, then add the generator's model and curve when known, and
    (given `online`) the simulated online tests of the trained rankers against control."""
    started = time.perf_counter()
    evaluated: LtrRun = evaluation_chain().run(run).output
    assert evaluated.test is not None
    assert evaluated.train is not None
    assert evaluated.propensities is not None
    assert evaluated.comparison is not None
    test, propensities = evaluated.test, evaluated.propensities
    scorers = {kind.value: _fixed(kind, evaluated) for kind in RankerKind}
    oracle: dict[str, Scorer] = {}
    simulated = true = None
    on_gains: dict[str, float] | None = None
    if truth is not None and all(truth.knows(s) for s in test.search_ids):
        oracle[GENERATOR] = _generator_scores(truth)
        logged, known = truth.randomised()
        simulated = estimate_propensities(logged).curve
        true = true_curve(known)
    comparison = compare(scorers, test, propensities, oracle)
    weights = 1.0 / propensities.at(test.positions)
    parts = {
        name: ips_parts(score(test), test.grades, test.groups, weights)
        for name, score in {**scorers, **BASELINES, **oracle}.items()
    }
    intervals, differences = snips_intervals(parts, comparison.best_baseline()[0])
    if oracle:
        gains = oracle[GENERATOR](test)
        everyone = {**scorers, **BASELINES, **oracle}
        on_gains = {
            name: gain_ndcg(score(test), gains, test.groups, 10) for name, score in everyone.items()
        }
    simulated_online = None
    if truth is not None and oracle and online is not None:
        arms = {CONTROL: BASELINES[CONTROL_ORDER], **scorers}
        simulated_online = online_report(test, truth, arms, online)
    return LtrReport(
        comparison=comparison,
        propensities=evaluated.propensities,
        simulated_curve=simulated,
        true=true,
        train_searches=len(evaluated.train),
        seconds=time.perf_counter() - started,
        intervals=intervals,
        differences=differences,
        truth=on_gains,
        online=simulated_online,
    )


def _fixed(kind: RankerKind, run: LtrRun) -> Scorer:
    ranker = run.rankers[kind]

    def score(data: LtrDataset) -> NDArray[np.float64]:
        return ranker.predict(data.features)

    return score


def _generator_scores(truth: GeneratorTruth) -> Scorer:
    def score(data: LtrDataset) -> NDArray[np.float64]:
        searches = np.repeat(np.asarray(data.search_ids, dtype=object), data.groups)
        gains = [truth.expected_gain(s, a) for s, a in zip(searches, data.animal_ids, strict=True)]
        return np.asarray(gains, dtype=np.float64)

    return score


def markdown(report: LtrReport, command: str) -> str:
    """The offline table and the position curve, with the command that made them."""
    comparison = report.comparison
    truth = report.truth
    best, best_score = comparison.best_baseline()
    lines = [
        f"Made by `{command}` ({report.seconds:.0f} s): {report.train_searches:,} older "
        f"searches train; the newest {comparison.searches:,} with at least two results shown "
        f"are held out ({comparison.candidates:,} shown results, every one with its position).",
        "",
        "| method | " + " | ".join(COLUMNS) + f" | {HEADLINE} 95 % interval "
        f"| − {best} (95 % interval) | × {best} | promotable |{TRUTH_HEADER if truth else ''}",
        "|---" * (len(COLUMNS) + 5 + (1 if truth else 0)) + "|",
    ]
    for method, values in comparison.metrics.items():
        cells = " | ".join(f"{values[name]:.4f}" for name in COLUMNS)
        label = method
        if method == best:
            label += " (best baseline)"
        if method in comparison.oracles:
            verdict = "oracle"
        elif method in BASELINES:
            verdict = "baseline"
        else:
            unbeaten = comparison.unbeaten(method)
            verdict = "yes" if not unbeaten else "no: " + ", ".join(unbeaten)
        lift = values[HEADLINE] / best_score if best_score else float("inf")
        low, high = report.intervals[method]
        below, above = report.differences[method]
        spread = "—" if method == best else f"{below:+.4f} to {above:+.4f}"
        known = f" {truth[method]:.4f} |" if truth else ""
        lines.append(
            f"| {label} | {cells} | {low:.4f}–{high:.4f} | {spread} | {lift:.3f} | {verdict} |"
            + known
        )
    if truth:
        lines += ["", _agreement(report, truth)]
    lines += ["", _curve_table(report)]
    return "\n".join(lines)


def _agreement(report: LtrReport, truth: dict[str, float]) -> str:
    """How well each estimate orders the methods as the hidden model does (Kendall's tau)."""
    methods = [m for m in report.comparison.metrics if m not in report.comparison.oracles]
    expected = [truth[m] for m in methods]
    metrics = report.comparison.metrics
    cells = [
        f"{metric} {kendall_tau(expected, [metrics[m][metric] for m in methods]):.2f}"
        for metric in ("ndcg@10", HEADLINE)
    ]
    return (
        f"Agreement with the hidden model's order of the {len(methods)} methods without an "
        f"oracle (Kendall's tau, 1 = the same order): " + ", ".join(cells) + "."
    )


def kendall_tau(first: Sequence[float], second: Sequence[float]) -> float:
    """Kendall's tau-a of two scorings of the same items."""
    pairs = concordant = 0
    for i in range(len(first)):
        for j in range(i + 1, len(first)):
            pairs += 1
            concordant += int(np.sign(first[i] - first[j]) * np.sign(second[i] - second[j]))
    return concordant / pairs if pairs else 0.0


def _curve_table(report: LtrReport) -> str:
    props = report.propensities
    header = ["position", *(str(p) for p in SHOWN_POSITIONS)]
    rows = [_row(f"estimated from the store ({props.searches:,} searches)", props.curve)]
    if report.simulated_curve is not None and report.true is not None:
        rows.append(
            _row("estimated from the generator's randomised searches", report.simulated_curve)
        )
        rows.append(_row("the generator's true curve", report.true))
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|", *rows]
    return "\n".join(lines)


def _row(label: str, curve: Sequence[float]) -> str:
    return f"| {label} | " + " | ".join(f"{curve[p]:.3f}" for p in SHOWN_POSITIONS) + " |"


def replace_block(document: str, block: str, name: str = OFFLINE) -> str:
    """`document` with the text between the markers of block `name` replaced by `block`."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in document or end not in document:
        raise ValueError(f"no {start} … {end} block to replace")
    head, rest = document.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{block}\n{end}{tail}"


def summary_markdown(report: LtrReport, command: str) -> str:
    """The README's few lines: the headline offline figures and the online lift per user
    model, with the command that made them."""
    comparison = report.comparison
    best, best_score = comparison.best_baseline()
    learned = [m for m in comparison.metrics if m not in BASELINES and m not in comparison.oracles]
    top = max(learned, key=lambda m: comparison.metrics[m][HEADLINE])
    low, high = report.differences[top]
    lines = [
        f"Made by `{command}`. Offline, on the newest {comparison.searches:,} held-out "
        f"searches (every shown result, {HEADLINE} debiased by the estimated position curve): "
        f"{top} {comparison.metrics[top][HEADLINE]:.4f} against the best baseline, {best}, "
        f"{best_score:.4f} (difference {low:+.4f} to {high:+.4f}, 95 %)"
    ]
    for oracle in comparison.oracles:
        lines[0] += f"; the {oracle}, an oracle, {comparison.metrics[oracle][HEADLINE]:.4f}"
    lines[0] += "."
    online = report.online
    if online is not None:
        lifts = []
        for model, arms in online.ab.items():
            arm = next((a for a in arms if a.arm == top), None)
            if arm is not None:
                lo, hi = arm.lift_interval.low * 100, arm.lift_interval.high * 100
                lifts.append(f"{model} {arm.lift * 100:+.1f} ({lo:+.1f} to {hi:+.1f})")
        lines.append(
            f"Simulated A/B, {top} over control, select-rate points (95 %): "
            + "; ".join(lifts)
            + "."
        )
        needed = online.needed.get("generator", [])
        if needed:
            largest = online.options.sizes[-1]
            parts = [
                f"{n.pair[0]} vs {n.pair[1]}: A/B {_needed(n.ab, largest)}, interleaving "
                f"{_needed(n.interleaving, largest)}"
                for n in needed
            ]
            lines.append("Searches needed under the generator's users: " + "; ".join(parts) + ".")
    return "\n".join(lines)


def _needed(size: int | None, largest: int) -> str:
    return f"{size:,}" if size is not None else f"> {largest:,}"
