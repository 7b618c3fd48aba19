"""detect-secrets with our baseline catches planted secrets, allows references and
placeholders, keeps known findings, and passes on the repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from detect_secrets.pre_commit_hook import main as hook
from detect_secrets.settings import cache_bust

from tests.deploy.secret_scan import BASELINE, REPO, baseline_settings

# Assembled here so that this file holds no secret-shaped literal itself.
BODY = "MIIEowIBAAKCAQEAv3Jq9Lr2Xw5Tn8Kp4Zs7Qd1Hm6Yc0Bf"
PRIVATE_KEY = "-----BEGIN " + f"RSA PRIVATE KEY-----\n{BODY}\n-----END RSA PRIVATE KEY-----"
AWS_KEY_ID = "AKIA" + "Q3EGRTV5HX7N2KLM"
TOKEN = "tT9x" + "Qm2vLr8ZpW4yKs7NbE3c"
ALLOW = "pragma: allowlist " + "secret"


def _plant(root: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def _baseline(root: Path, *, exclude: str | None = None) -> Path:
    """The repository's baseline settings with no known findings (or `exclude`d files)."""
    settings = baseline_settings()
    if exclude is not None:
        for entry in settings["filters_used"]:
            if entry["path"] == "detect_secrets.filters.regex.should_exclude_file":
                entry["pattern"].append(exclude)
    path = root / "baseline.json"
    path.write_text(json.dumps({"version": "1.5.0", **settings, "results": {}}))
    return path


def _run(root: Path, baseline: Path, files: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """The hook's exit status over `files` of the git work tree `root`."""
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    cache_bust()  # the filters cache their patterns across runs in one process
    return hook(["--baseline", str(baseline), *files])


def test_planted_secrets_are_found_without_printing_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _plant(
        tmp_path / "tree",
        {
            "keys/deploy.pem": PRIVATE_KEY,
            "src/settings.py": f'AWS_ID = "{AWS_KEY_ID}"\n',
            "deploy/app.yaml": "db:\n  password: Kitten-Mittens-1987\n",
            "deploy/.env": f"API_TOKEN_VALUE={TOKEN}\n",
            "src/connect.py": 'URL = "postgresql://app:Tr0ub4dor-3@db.internal/app"\n',
        },
    )
    assert _run(tmp_path / "tree", _baseline(tmp_path), files, monkeypatch) == 1
    out = capsys.readouterr().out
    for expected in (
        "keys/deploy.pem:1",
        "src/settings.py:1",
        "deploy/app.yaml:2",
        "deploy/.env:1",
        "src/connect.py:1",
    ):
        assert expected in out
    for secret in ("Kitten-Mittens-1987", TOKEN, "Tr0ub4dor-3", AWS_KEY_ID):
        assert secret not in out


def test_references_placeholders_and_allowed_lines_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _plant(
        tmp_path / "tree",
        {
            ".env.example": (
                "AIANIMALS_DATABASE__URL=postgresql+psycopg://aianimals:change-me@db/aianimals\n"
                "REDIS_PASSWORD=change-me\n"
            ),
            "deploy/compose.yaml": (
                'URL: "redis://:${REDIS_PASSWORD:?set it}@redis:6379/0"\n'
                "token: ${API_TOKEN}\n"
                f"checksum: 3f786850e387550fdab836ed7e6dc881de23001b  # {ALLOW}\n"
            ),
            "src/app.py": "import os\npassword = os.environ['PASSWORD']\n",
        },
    )
    assert _run(tmp_path / "tree", _baseline(tmp_path), files, monkeypatch) == 0
    assert capsys.readouterr().out == ""


def test_a_finding_in_the_baseline_passes_and_a_new_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    files = _plant(tree, {"tests/fixture.py": f'KEY = """{PRIVATE_KEY}"""\n'})
    baseline = _baseline(tmp_path)
    assert _run(tree, baseline, files, monkeypatch) == 1
    monkeypatch.chdir(tree)
    subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--baseline", str(baseline), *files],
        check=True,
    )
    assert _run(tree, baseline, files, monkeypatch) == 0
    files += _plant(tree, {"src/real.py": f'AWS_ID = "{AWS_KEY_ID}"\n'})
    assert _run(tree, baseline, files, monkeypatch) == 1


def test_excluded_paths_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    baseline = _baseline(tmp_path, exclude="^fixtures/")
    tree = tmp_path / "tree"
    files = _plant(tree, {"fixtures/fake.pem": PRIVATE_KEY})
    assert _run(tree, baseline, files, monkeypatch) == 0
    files += _plant(tree, {"src/real.pem": PRIVATE_KEY})
    assert _run(tree, baseline, files, monkeypatch) == 1


def test_the_repository_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git work tree: nothing is tracked here")
    copy = tmp_path / "baseline.json"  # the hook rewrites line numbers that moved
    copy.write_text(BASELINE.read_text())
    files = [name for name in listed.stdout.splitlines() if name != BASELINE.name]
    assert _run(REPO, copy, files, monkeypatch) in {0, 3}
