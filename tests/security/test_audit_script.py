"""scripts/audit.sh: how it judges pip-audit's answers (pip-audit itself is faked here)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.sh"


def _fake_pip_audit(tmp_path: Path, report: dict[str, Any] | None, stderr: str = "") -> Path:
    """A pip-audit that writes `report` to its `--output` (or fails, printing `stderr`)."""
    fake = tmp_path / "pip-audit"
    body = json.dumps(report) if report is not None else ""
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f"echo {json.dumps(stderr)} >&2\n"
        + (
            'while [ $# -gt 0 ]; do if [ "$1" = --output ]; then out=$2; fi; shift; done\n'
            f"cat > \"$out\" <<'EOF'\n{body}\nEOF\nexit 0\n"
            if report is not None
            else "exit 1\n"
        ),
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return fake


def _run(fake: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "AIANIMALS_AUDIT_OFFLINE_OK"}
    environment.update(PIP_AUDIT=str(fake), AIANIMALS_AUDIT_PYTHON=sys.executable, **env)
    return subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, env=environment, check=False
    )


NOT_FOUND = {
    "dependencies": [
        {"name": "fastapi", "skip_reason": "Dependency not found on PyPI: fastapi (0.1)"},
        {"name": "pydantic", "skip_reason": "Dependency not found on PyPI: pydantic (2.0)"},
    ],
    "fixes": [],
}


def test_every_package_not_found_means_not_run(tmp_path: Path) -> None:
    result = _run(_fake_pip_audit(tmp_path, NOT_FOUND))
    assert result.returncode == 2
    assert "not run: no network" in result.stdout


def test_offline_is_allowed_only_when_asked(tmp_path: Path) -> None:
    result = _run(_fake_pip_audit(tmp_path, NOT_FOUND), AIANIMALS_AUDIT_OFFLINE_OK="1")
    assert result.returncode == 0
    assert "not run: no network" in result.stdout


def test_an_unreachable_service_means_not_run(tmp_path: Path) -> None:
    error = "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'"
    result = _run(_fake_pip_audit(tmp_path, None, error))
    assert result.returncode == 2
    assert "not run: no network" in result.stdout


def test_vulnerabilities_fail_the_audit(tmp_path: Path) -> None:
    report = {
        "dependencies": [
            {
                "name": "jinja2",
                "version": "2.10",
                "vulns": [{"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"]}],
            },
            {"name": "httpx", "version": "0.28.1", "vulns": []},
        ],
        "fixes": [],
    }
    result = _run(_fake_pip_audit(tmp_path, report))
    assert result.returncode == 1
    assert "jinja2 2.10: PYSEC-2019-217 (fixed in: 2.10.1)" in result.stdout


@pytest.mark.parametrize("skipped", [False, True])
def test_a_clean_audit_passes(tmp_path: Path, skipped: bool) -> None:
    dependencies: list[dict[str, Any]] = [{"name": "httpx", "version": "0.28.1", "vulns": []}]
    if skipped:
        dependencies.append({"name": "aianimals", "skip_reason": "marked as editable"})
    result = _run(_fake_pip_audit(tmp_path, {"dependencies": dependencies, "fixes": []}))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 package(s) audited against pypi: 0 known vulnerabilities" in result.stdout
