"""Registry adapters for the contract tests: the embedded store (a SQLite file and an
artifact folder in a temporary directory) always, and a real `mlflow server` this session
starts as a subprocess on a free port. A server that cannot start fails its cases when CI
is set, and skips them with the reason otherwise.

Both stores live for the whole session (creating an MLflow database takes a moment); every
test uses experiment and model names of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aianimals.ports.registry.base import ModelRegistry
from aianimals.ports.registry.factory import create_registry
from aianimals.settings import Settings

# No usage telemetry from the tests (MLflow reads this when it would send).
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

KINDS = ["embedded", "server"]
SERVER_START_SECONDS = 45.0
MLFLOW = Path(sys.executable).with_name("mlflow")


def unique(label: str) -> str:
    """A model or experiment name no other test uses."""
    return f"test-{label}-{uuid.uuid4().hex[:10]}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must be able to start it", pytrace=False)
    pytest.skip(message)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> str | None:
    """None once `url/health` answers; else why the server is not up."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-1500:]
            return f"mlflow server exited with {process.returncode}: {tail}"
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return None
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    return f"mlflow server did not answer {url}/health within {SERVER_START_SECONDS:.0f} s"


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an `mlflow server` over a SQLite store and a local artifact folder."""
    if not MLFLOW.exists():
        _unavailable(f"no mlflow executable at {MLFLOW}")
    root = tmp_path_factory.mktemp("mlflow-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "server.log"
    command = [
        str(MLFLOW),
        "server",
        "--backend-store-uri",
        f"sqlite:///{root / 'mlflow.db'}",
        "--artifacts-destination",
        str(root / "artifacts"),
        "--serve-artifacts",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    environment = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
    with log.open("wb") as output:
        process = subprocess.Popen(  # our own venv's mlflow, fixed arguments
            command, cwd=root, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        problem = _wait_healthy(url, process, log)
        if problem is not None:
            _unavailable(problem)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def embedded_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `var_dir` of the embedded store."""
    return tmp_path_factory.mktemp("mlflow-embedded")


@pytest.fixture(params=KINDS)
def registry(request: pytest.FixtureRequest, embedded_var: Path) -> Iterator[ModelRegistry]:
    """A registry of each kind, built by the factory from settings."""
    if request.param == "server":
        url: str = request.getfixturevalue("mlflow_server")
        settings = Settings(var_dir=embedded_var, registry={"tracking_uri": url})
    else:
        settings = Settings(var_dir=embedded_var, registry={"tracking_uri": ""})
    registry = create_registry(settings.registry, settings.var_dir)
    yield registry
    registry.close()
