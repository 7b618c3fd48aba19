"""The learn-to-rank report: every method on both estimates, the generator's model as an
oracle, the position curve beside the generator's true one, and the doc block it rewrites."""

from __future__ import annotations

import pytest

from aianimals.dataset.generator import GenerationOptions, simulate_demo
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.ranker import TrainOptions
from aianimals.ml.ltr.report import (
    GENERATOR,
    build_report,
    kendall_tau,
    markdown,
    replace_block,
)
from aianimals.ml.ltr.training import LtrRun, LtrSources
from aianimals.ports.registry.factory import create_registry
from aianimals.roles.container import Container
from aianimals.settings import Settings
from tests.ml.ltr.conftest import ANIMALS


def test_the_report_adds_the_generators_model_and_registers_nothing(
    simulated: Container, registry_settings: Settings
) -> None:
    truth = GeneratorTruth(simulate_demo(GenerationOptions(animals=ANIMALS, photos=False)))
    sources = LtrSources(
        database=simulated.database,
        index=simulated.text_search,
        analyze=simulated.analyzer.analyze,
        options=TrainOptions(rounds=40),
    )
    registry = create_registry(registry_settings.registry, registry_settings.var_dir)
    try:
        with registry.run("learn-to-rank", "report") as log:
            report = build_report(LtrRun(sources, registry, log), truth)
        assert registry.alias("ltr-lambdarank", "champion") is None
    finally:
        registry.close()

    metrics = report.comparison.metrics
    assert report.comparison.oracles == (GENERATOR,)
    generator = metrics[GENERATOR]
    assert generator["ips_ndcg@10"] > metrics["random"]["ips_ndcg@10"]
    assert generator["ndcg@10"] > metrics["likes"]["ndcg@10"]
    assert report.true is not None
    assert report.true[0] == 1.0
    text = markdown(report, "aianimals train ltr-report --animals 600")
    assert "`aianimals train ltr-report --animals 600`" in text
    assert f"| {GENERATOR} |" in text
    assert "| oracle |" in text
    assert "95 % interval" in text
    assert report.truth is not None
    assert report.truth[GENERATOR] == pytest.approx(1.0)
    assert "Kendall's tau" in text
    assert "the generator's true curve" in text


def test_kendall_tau_is_one_for_the_same_order_and_minus_one_for_the_reverse() -> None:
    assert kendall_tau([1, 2, 3], [10, 20, 30]) == 1.0
    assert kendall_tau([1, 2, 3], [3, 2, 1]) == -1.0
    assert kendall_tau([1, 2, 3], [1, 3, 2]) == pytest.approx(1 / 3)


def test_the_report_block_replaces_only_what_lies_between_its_markers() -> None:
    doc = "intro\n<!-- ltr-report:start -->\nold\n<!-- ltr-report:end -->\nrest\n"
    assert replace_block(doc, "new") == (
        "intro\n<!-- ltr-report:start -->\nnew\n<!-- ltr-report:end -->\nrest\n"
    )
    with pytest.raises(ValueError, match="block"):
        replace_block("no markers", "new")
