"""The ``generate`` command of the dataset sub-app."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aianimals.dataset.cli import app


def test_generate_command_writes_the_dataset_and_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["generate", str(tmp_path), "--animals", "40", "--no-photos", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "animal.json").is_file()
    assert (tmp_path / "access_logs.json").is_file()
    assert not (tmp_path / "images").exists()
    assert "animal.json" in result.output


def test_generate_command_reports_a_bad_photo_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["generate", str(tmp_path / "out"), "--animals", "5", "--photos", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "photo folder not found" in result.output
