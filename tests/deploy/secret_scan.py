"""The secret scan, for tests: detect-secrets with the settings of `.secrets.baseline`.

The baseline names detect-secrets' plugins and filters and ours (scripts/secret_policy.py):
deployment files may name secrets (Secret references, `${VAR}` for compose, `$(VAR)` for
Kubernetes, `$VAR` in a shell) and hold the documented placeholder `change-me`; anything
else that sits where a secret goes is reported.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from detect_secrets import SecretsCollection
from detect_secrets.settings import transient_settings

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / ".secrets.baseline"
POLICY = REPO / "scripts" / "secret_policy.py"


def _policy() -> Any:
    spec = importlib.util.spec_from_file_location("secret_policy", POLICY)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["secret_policy"] = module
    spec.loader.exec_module(module)
    return module


acceptable = _policy().acceptable


def baseline_settings() -> dict[str, Any]:
    """The baseline's plugins and filters, its `file://` paths made absolute."""
    config: dict[str, Any] = json.loads(BASELINE.read_text())
    for entry in [*config["plugins_used"], *config["filters_used"]]:
        path = entry.get("path", "")
        if path.startswith("file://") and not path.startswith("file:///"):
            entry["path"] = f"file://{REPO}/{path.removeprefix('file://')}"
    return {"plugins_used": config["plugins_used"], "filters_used": config["filters_used"]}


def scan_files(root: Path, paths: Iterable[Path]) -> dict[str, list[str]]:
    """`line N: type` per file with findings (paths relative to `root`)."""
    collection = SecretsCollection(root=str(root))
    with transient_settings(baseline_settings()):
        for path in paths:
            collection.scan_file(str(path.relative_to(root)))
    report: dict[str, list[str]] = {}
    for filename, secret in collection:
        report.setdefault(filename, []).append(f"line {secret.line_number}: {secret.type}")
    return report


def scan(root: Path) -> dict[str, list[str]]:
    """Findings per file under `root` (relative path → findings), files with none left out."""
    return scan_files(root, sorted(path for path in root.rglob("*") if path.is_file()))


def findings(text: str) -> list[str]:
    """`line N: type` for every secret-looking literal of `text`, read as a deployment file."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "deploy" / "snippet.yaml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        return scan_files(root, [path]).get("deploy/snippet.yaml", [])
