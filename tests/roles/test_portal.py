"""The portal role's command line and the settings it passes through the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aianimals.portal.markup import plain
from aianimals.portal.serve import APP, server_options
from aianimals.roles.portal import portal_command, settings_environment
from aianimals.settings import Settings


def test_settings_travel_through_the_environment_unchanged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(
        environment="test",
        var_dir=tmp_path,
        database={"url": f"sqlite:///{tmp_path / 'portal.db'}"},
        blobs={"root": tmp_path / "blobs"},
        auth={"argon2_memory_kib": 64, "argon2_time_cost": 1, "allow_weak_hashing": True},
        schedules={"crons": {"ltr": "0 3 * * 1"}},
    )
    base = {"PATH": "/usr/bin", "AIANIMALS_DATABASE__URL": "sqlite:///somewhere-else.db"}
    environment = settings_environment(settings, base)
    assert environment["PATH"] == "/usr/bin"
    assert "AIANIMALS_DATABASE__URL" not in environment
    for key in [key for key in os.environ if key.startswith("AIANIMALS_")]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert Settings() == settings


def test_the_portal_runs_headless_without_telemetry_behind_its_guards() -> None:
    command = portal_command("0.0.0.0", 8601)
    assert command[1:] == ["-m", "aianimals.portal.serve", "0.0.0.0", "8601"]
    options = server_options(Settings().portal, "0.0.0.0", 8601)
    assert options["server.headless"] is True
    assert options["browser.gatherUsageStats"] is False
    assert (options["server.address"], options["server.port"]) == ("0.0.0.0", 8601)
    assert options["server.allowedHosts"] == ["127.0.0.1", "localhost"]
    assert APP.is_file()


def test_user_text_cannot_inject_markdown() -> None:
    assert plain("![x](http://evil/) :red[boo] $x$\nnext") == (
        "\\!\\[x\\]\\(http\\:\\/\\/evil\\/\\) \\:red\\[boo\\] \\$x\\$ next"
    )
    assert plain("たま") == "たま"
