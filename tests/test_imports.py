"""Nothing happens at import: every module imports with an empty environment, in an empty
directory, without reading environment variables, creating files, starting threads or
configuring logging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Runs in a fresh interpreter, so every module really executes its import-time code.
_PROBE = r"""
import json, logging, os, pkgutil, sys, threading, traceback
from collections.abc import MutableMapping

import aianimals

PACKAGE_DIR = os.path.dirname(aianimals.__file__)
SKIPPED = {os.__file__, sys.modules["_collections_abc"].__file__}


class RecordingEnviron(MutableMapping):
    # Wraps os.environ and records the variables that our own modules ask for.
    def __init__(self, real):
        self.real = real
        self.reads = []

    def _note(self, key):
        # The reader is the first frame outside os.getenv and the mapping machinery.
        frame = sys._getframe(2)
        while frame is not None and frame.f_code.co_filename in SKIPPED:
            frame = frame.f_back
        if frame is not None and frame.f_code.co_filename.startswith(PACKAGE_DIR):
            self.reads.append(f"{key} read by {frame.f_code.co_filename}:{frame.f_lineno}")

    def __getitem__(self, key):
        self._note(key)
        return self.real[key]

    def __contains__(self, key):
        self._note(key)
        return key in self.real

    def get(self, key, default=None):
        self._note(key)
        return self.real.get(key, default)

    def __setitem__(self, key, value):
        self.real[key] = value

    def __delitem__(self, key):
        del self.real[key]

    def __iter__(self):
        return iter(self.real)

    def __len__(self):
        return len(self.real)


environ = RecordingEnviron(os.environ)
os.environ = environ
threads_before = threading.active_count()
imported, failures = [], []


def on_error(name):
    failures.append(f"{name}: {traceback.format_exc(limit=3)}")


for module in pkgutil.walk_packages(aianimals.__path__, "aianimals.", onerror=on_error):
    try:
        __import__(module.name)
        imported.append(module.name)
    except BaseException:
        failures.append(f"{module.name}: {traceback.format_exc(limit=3)}")

print(json.dumps({
    "imported": imported,
    "failures": failures,
    "env_reads": environ.reads,
    "new_threads": threading.active_count() - threads_before,
    "root_handlers": [repr(handler) for handler in logging.getLogger().handlers],
    "cwd_entries": sorted(os.listdir(".")),
}))
"""


def _import_everything(cwd: Path) -> dict[str, list[str] | int]:
    completed = subprocess.run(  # an empty environment: no AIANIMALS_* or anything else
        [sys.executable, "-c", _PROBE],
        cwd=cwd,
        env={},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, list[str] | int] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_every_module_imports_with_an_empty_environment_and_does_nothing(
    tmp_path: Path,
) -> None:
    result = _import_everything(tmp_path)
    assert result["failures"] == []
    assert "aianimals.roles.api" in result["imported"]
    assert "aianimals.settings" in result["imported"]
    assert result["env_reads"] == []
    assert result["cwd_entries"] == []
    assert list(tmp_path.iterdir()) == []
    assert result["new_threads"] == 0
    assert result["root_handlers"] == []
