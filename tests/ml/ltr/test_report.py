"""The learn-to-rank report: every method on both estimates, the generator's model as an
oracle, the position curve beside the generator's true one, the simulated online tests
under every user model, and the doc blocks and figures it rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from aianimals.dataset.generator import GenerationOptions, simulate_demo
from aianimals.ml.ltr.generator_model import GeneratorTruth
from aianimals.ml.ltr.online_report import OnlineOptions
from aianimals.ml.ltr.report import (
    GENERATOR,
    LtrReport,
    build_report,
    kendall_tau,
    markdown,
    replace_block,
)
from aianimals.ml.ltr.report_outputs import write_outputs
from aianimals.ml.ltr.training import LtrRun
from aianimals.ports.registry.factory import create_registry
from aianimals.ranking.experiments.users import USER_MODELS
from aianimals.roles.container import Container
from aianimals.settings import Settings
from tests.ltr_store import ANIMALS, ltr_sources, registry_under

SMALL = OnlineOptions(searches=2_000, sizes=(100, 400), runs=3)
COMMAND = "aianimals train ltr-report --animals 600"


@pytest.fixture(scope="module")
def registered(
    simulated: Container, blank_registry: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings of an empty registry of this module's own."""
    var = tmp_path_factory.mktemp("report")
    return registry_under(simulated.settings.model_copy(update={"var_dir": var}), blank_registry)


@pytest.fixture(scope="module")
def report(simulated: Container, registered: Settings) -> LtrReport:
    """The report of the test store, with small online tests."""
    truth = GeneratorTruth(simulate_demo(GenerationOptions(animals=ANIMALS, photos=False)))
    registry = create_registry(registered.registry, registered.var_dir)
    try:
        with registry.run("learn-to-rank", "report") as log:
            return build_report(LtrRun(ltr_sources(simulated), registry, log), truth, SMALL)
    finally:
        registry.close()


def test_the_report_adds_the_generators_model_and_registers_nothing(
    report: LtrReport, registered: Settings
) -> None:
    registry = create_registry(registered.registry, registered.var_dir)
    try:
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
    text = markdown(report, COMMAND)
    assert f"`{COMMAND}`" in text
    assert f"| {GENERATOR} |" in text
    assert "| oracle |" in text
    assert "95 % interval" in text
    assert report.truth is not None
    assert report.truth[GENERATOR] == pytest.approx(1.0)
    assert "Kendall's tau" in text
    assert "the generator's true curve" in text


def test_the_report_runs_every_arm_against_control_under_every_user_model(
    report: LtrReport,
) -> None:
    online = report.online
    assert online is not None
    assert online.pool == report.comparison.searches
    assert set(online.ab) == set(USER_MODELS)
    for arms in online.ab.values():
        assert {arm.arm for arm in arms} == {"control", "lambdarank", "regression", "debiased"}
        assert sum(arm.searches for arm in arms) == SMALL.searches
    assert all(len(found) == len(SMALL.pairs) for found in online.needed.values())


def test_the_command_rewrites_the_doc_blocks_the_readme_summary_and_the_figures(
    report: LtrReport, tmp_path: Path
) -> None:
    docs, readme = tmp_path / "docs" / "mlops.md", tmp_path / "README.md"
    docs.parent.mkdir()
    docs.write_text(
        "a\n<!-- ltr-report:start -->\nSTALE\n<!-- ltr-report:end -->\n"
        "b\n<!-- ltr-online:start -->\nSTALE\n<!-- ltr-online:end -->\nc\n"
    )
    readme.write_text("x\n<!-- ltr-summary:start -->\nSTALE\n<!-- ltr-summary:end -->\ny\n")

    shown = "\n".join(write_outputs(report, COMMAND, docs=docs, readme=readme))

    written = docs.read_text()
    assert "STALE" not in written
    assert written.startswith("a\n")
    assert written.endswith("c\n")
    assert "| generator | debiased |" in written
    assert "**Searches needed**" in written
    summary = readme.read_text()
    assert "STALE" not in summary
    assert f"`{COMMAND}`" in summary
    assert "Simulated A/B" in summary
    assert "rewrote" in shown
    names = sorted(p.name for p in (docs.parent / "figures").iterdir())
    assert names == [
        "ltr-ab-lift.png",
        "ltr-ips-ndcg10.png",
        "ltr-ndcg-by-cutoff.png",
        "ltr-searches-needed.png",
    ]


def test_kendall_tau_is_one_for_the_same_order_and_minus_one_for_the_reverse() -> None:
    assert kendall_tau([1, 2, 3], [10, 20, 30]) == 1.0
    assert kendall_tau([1, 2, 3], [3, 2, 1]) == -1.0
    assert kendall_tau([1, 2, 3], [1, 3, 2]) == pytest.approx(1 / 3)


def test_the_report_block_replaces_only_what_lies_between_its_markers() -> None:
    doc = "intro\n<!-- ltr-report:start -->\nold\n<!-- ltr-report:end -->\nrest\n"
    assert replace_block(doc, "new") == (
        "intro\n<!-- ltr-report:start -->\nnew\n<!-- ltr-report:end -->\nrest\n"
    )
    assert replace_block(doc.replace("ltr-report", "ltr-online"), "new", "ltr-online") == (
        "intro\n<!-- ltr-online:start -->\nnew\n<!-- ltr-online:end -->\nrest\n"
    )
    with pytest.raises(ValueError, match="block"):
        replace_block("no markers", "new")
    with pytest.raises(ValueError, match="ltr-summary"):
        replace_block(doc, "new", "ltr-summary")
