"""`aianimals schedule list|render|run`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aianimals.cli import app
from aianimals.schedules.argo import render_cron_workflows
from aianimals.schedules.cli import run_command, state_path
from aianimals.schedules.scheduler import SCHEDULES, Schedule, configured_schedules
from aianimals.settings import Settings


def _settings(tmp_path: Path, **schedules: object) -> Settings:
    return Settings(var_dir=tmp_path, schedules=schedules)


def test_list_prints_every_schedule_with_its_cron_and_next_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schedule", "list"], obj=_settings(tmp_path))
    assert result.exit_code == 0, result.output
    for schedule in SCHEDULES:
        assert schedule.name in result.output
        assert schedule.cron in result.output
    assert "next run" in result.output
    assert "enabled" in result.output


def test_list_shows_overridden_crons_and_the_last_recorded_run(tmp_path: Path) -> None:
    path = state_path(_settings(tmp_path))
    path.parent.mkdir(parents=True)
    record = {
        "name": "no-animal",
        "started": "2024-05-01T04:30:00+00:00",
        "finished": "2024-05-01T04:41:00+00:00",
        "ok": False,
        "error": "RuntimeError('x')",
    }
    path.write_text(json.dumps({"last_run": {}, "history": [record]}))
    settings = _settings(tmp_path, crons={"no-animal": "15 2 * * *"}, enabled=False)

    result = CliRunner().invoke(app, ["schedule", "list"], obj=settings)

    assert result.exit_code == 0, result.output
    assert "15 2 * * *" in result.output
    assert "2024-05-01T04:30 FAILED" in result.output
    assert "disabled" in result.output


def test_render_prints_every_cron_workflow_as_yaml(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["schedule", "render", "--image", "img:9", "--namespace", "ml"],
        obj=_settings(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert list(yaml.safe_load_all(result.output)) == render_cron_workflows(
        SCHEDULES, "img:9", "ml"
    )


def test_render_writes_one_file_per_schedule_with_the_overrides(tmp_path: Path) -> None:
    out = tmp_path / "manifests"
    settings = _settings(tmp_path, crons={"learn-to-rank": "0 2 * * 2"})
    result = CliRunner().invoke(
        app, ["schedule", "render", "--out", str(out), "--env-from", "ml-env"], obj=settings
    )
    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in out.iterdir())
    assert files == sorted(f"aianimals-{schedule.name}.yaml" for schedule in SCHEDULES)
    expected = render_cron_workflows(
        configured_schedules(settings.schedules), "aianimals:latest", "aianimals", env_from="ml-env"
    )
    for manifest in expected:
        written = out / f"{manifest['metadata']['name']}.yaml"
        assert yaml.safe_load(written.read_text()) == manifest
    ltr = yaml.safe_load((out / "aianimals-learn-to-rank.yaml").read_text())
    assert ltr["spec"]["schedule"] == "0 2 * * 2"


def test_an_invalid_cron_override_fails_the_command(tmp_path: Path) -> None:
    settings = _settings(tmp_path, crons={"learn-to-rank": "61 * * * *"})
    result = CliRunner().invoke(app, ["schedule", "render"], obj=settings)
    assert result.exit_code != 0
    assert "61 * * * *" in str(result.exception)
    assert "out of range" in str(result.exception)


def test_run_refuses_when_schedules_are_disabled(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schedule", "run"], obj=_settings(tmp_path, enabled=False))
    assert result.exit_code == 1
    assert "disabled" in result.output


def test_the_embedded_runner_runs_the_command_and_raises_when_it_fails(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    ok = Schedule("ok", "* * * * *", (sys.executable, "-c", f"open({str(marker)!r}, 'w')"), "")
    run_command(ok)
    assert marker.exists()
    broken = Schedule("broken", "* * * * *", (sys.executable, "-c", "raise SystemExit(3)"), "")
    with pytest.raises(subprocess.CalledProcessError):
        run_command(broken)


def test_only_pipelines_this_installation_has_are_scheduled() -> None:
    from aianimals.schedules.cli import available
    from aianimals.schedules.scheduler import SCHEDULES

    names = {item.name for item in available(SCHEDULES)}
    assert names == {"learn-to-rank", "similar-images", "no-animal", "similar-words"}


def test_a_scheduled_command_runs_this_installations_own_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aianimals.schedules.cli import run_command
    from aianimals.schedules.scheduler import SCHEDULES

    ran: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: ran.append(command))
    run_command(SCHEDULES[0])
    assert ran[0][0] == str(Path(sys.executable).with_name("aianimals"))
    assert tuple(ran[0][1:]) == SCHEDULES[0].command[1:]
