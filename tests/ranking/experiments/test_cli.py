"""`aianimals ab report` prints a table per experiment; `simulate` is a top-level command."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aianimals.cli import app
from aianimals.settings import Settings
from tests.ranking.experiments.conftest import Logs


@pytest.mark.committed  # the command builds a container (and connections) of its own
def test_report_prints_one_row_per_arm_with_intervals(logs: Logs, settings: Settings) -> None:
    logs.many("ltr-1:control:bm25", searches=20, selected=5)
    logs.many("ltr-1:lambdarank:ltr-lambdarank@v3", searches=20, selected=15)
    logs.report()  # stores the rows

    result = CliRunner().invoke(app, ["ab", "report"], obj=settings, env={"COLUMNS": "160"})

    assert result.exit_code == 0, result.output
    assert "experiment ltr-1" in result.output
    assert "control" in result.output
    assert "lambdarank" in result.output
    assert "25.0%" in result.output
    assert "75.0%" in result.output


def test_report_of_an_unknown_experiment_says_there_is_nothing(
    logs: Logs, settings: Settings
) -> None:
    logs.many("ltr-1:control:bm25", searches=3, selected=1)
    logs.report()

    result = CliRunner().invoke(app, ["ab", "report", "--experiment", "nope"], obj=settings)

    assert result.exit_code == 0, result.output
    assert "no searches of experiment nope" in result.output


def test_simulate_is_a_command_with_the_documented_options() -> None:
    result = CliRunner().invoke(app, ["simulate", "--help"], env={"COLUMNS": "160"})

    assert result.exit_code == 0
    for option in ("--url", "--users", "--minutes", "--searches", "--sort-by", "--seed"):
        assert option in result.output
    assert "--animals" in result.output
    assert "--user-model" in result.output


def test_simulate_refuses_an_unknown_user_model() -> None:
    result = CliRunner().invoke(app, ["simulate", "--user-model", "psychic", "--searches", "1"])

    assert result.exit_code == 2
    assert "unknown user model psychic" in result.output
    assert "position-based" in result.output
