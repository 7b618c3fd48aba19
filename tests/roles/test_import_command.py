"""run_import_cli: progress, a report table, and a non-zero exit on failure."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from aianimals.dataset.importer import ImportFailed
from aianimals.roles.container import Container
from aianimals.roles.first_start import run_import_cli
from aianimals.roles.import_command import import_command
from tests.dataset.importer.seed import tiny_seed


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, force_terminal=False), buffer


def test_cli_prints_a_report_with_zero_new_on_the_second_run(
    container: Container, tmp_path: Path
) -> None:
    directory = tiny_seed().write(tmp_path / "seed")
    run_import_cli(directory, container, _console()[0])
    console, output = _console()

    report = run_import_cli(directory, container, console)

    assert report.new == 0
    text = output.getvalue()
    assert "likes.json" in text
    assert "password hashing" in text


def test_cli_prints_the_error_and_reraises(container: Container, tmp_path: Path) -> None:
    seed = tiny_seed()
    seed.impressions[0]["position"] = -1
    console, output = _console()

    with pytest.raises(ImportFailed):
        run_import_cli(seed.write(tmp_path / "seed"), container, console)

    assert "import failed" in output.getvalue()
    assert "impressions.json: record" in output.getvalue()


def test_typer_command_exits_non_zero_when_the_import_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # Settings() defaults put the store under ./var
    app = typer.Typer()
    app.command("import")(import_command)
    app.command("noop")(lambda: None)

    result = CliRunner().invoke(app, ["import", str(tmp_path / "nowhere")])

    assert result.exit_code == 1
