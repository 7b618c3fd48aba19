"""A live AIAnimals process over a small generated dataset, started with the CLI as users do.

The dataset is generated, migrated and imported into the site's own store (a SQLite file, or
a scratch schema of the PostgreSQL server when the suite runs against one), then a role
(`up --no-demo`, or `api`) serves it on a free port until the block ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from aianimals.ports.sql.scratch import scratch_schema

AIANIMALS = str(Path(sys.executable).with_name("aianimals"))


@dataclass(frozen=True)
class LiveSite:
    """The running site: its URL, its environment (for the CLI) and its database URL."""

    url: str
    env: dict[str, str]
    database_url: str


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`aianimals ARGS` in `env`; its result, whatever the exit code."""
    return subprocess.run(
        [AIANIMALS, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def cli(env: dict[str, str], *args: str) -> None:
    """`aianimals ARGS`, failing the test when it fails."""
    done = run_cli(env, *args)
    if done.returncode:
        pytest.fail(f"aianimals {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(root: Path, database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "AIANIMALS_ENVIRONMENT": "test",
        "AIANIMALS_PORTAL__PORT": str(_free_port()),
        "AIANIMALS_VAR_DIR": str(root),
        "AIANIMALS_DATABASE__URL": database_url,
        "AIANIMALS_BLOBS__ROOT": str(root / "blobs"),
        "AIANIMALS_AUTH__ARGON2_MEMORY_KIB": "64",
        "AIANIMALS_AUTH__ARGON2_TIME_COST": "1",
        "AIANIMALS_AUTH__ALLOW_WEAK_HASHING": "true",
        # The browser tests sign up several users, all from 127.0.0.1.
        "AIANIMALS_AUTH__SIGNUP_MAX_PER_CLIENT": "1000",
        "AIANIMALS_QUEUE__KIND": "sqlite",
        "AIANIMALS_QUEUE__PATH": str(root / "queue.db"),
        "AIANIMALS_CACHE__KIND": "disk",
        "AIANIMALS_SEARCH__KIND": "embedded",
        "AIANIMALS_SEARCH__PATH": str(root / "search"),
        "AIANIMALS_VECTORS__PATH": str(root / "vectors"),
        "AIANIMALS_SEARCH__SIMILAR_WORDS_PATH": str(root / "similar_words.json"),
        "AIANIMALS_REGISTRY__TRACKING_URI": "",
        "AIANIMALS_API__PORT": str(port),
        "AIANIMALS_METRICS__PORT": str(_free_port()),  # `up` with several API processes
    }


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"aianimals exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/v0/health-check/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"aianimals did not become ready:\n{log.read_text()}")


@contextmanager
def live_site(root: Path, role: Sequence[str], *, animals: int, name: str) -> Iterator[LiveSite]:
    """`aianimals ROLE…` over a generated dataset of `animals`, under `root`."""
    with ExitStack() as stack:
        database_url = f"sqlite:///{root / 'aianimals.db'}"
        if server := os.environ.get("AIANIMALS_TEST_DATABASE_URL"):
            database_url = stack.enter_context(scratch_schema(server, name))
        port = _free_port()
        env = _environment(root, database_url, port)
        dataset = root / "dataset"
        cli(env, "dataset", "generate", str(dataset), "--animals", str(animals))
        cli(env, "migrate")
        cli(env, "import", str(dataset))
        with live_process(root, role, env, name=name) as url:
            yield LiveSite(url=url, env=env, database_url=database_url)


@contextmanager
def live_api(root: Path, overrides: dict[str, str], *, name: str) -> Iterator[LiveSite]:
    """`aianimals api` over an empty migrated SQLite store under `root`, with the settings
    of `overrides` (`AIANIMALS_…` variables) on top of the suite's."""
    database_url = f"sqlite:///{root / 'aianimals.db'}"
    env = {**_environment(root, database_url, _free_port()), **overrides}
    cli(env, "migrate")
    with live_process(root, ("api",), env, name=name) as url:
        yield LiveSite(url=url, env=env, database_url=database_url)


@contextmanager
def live_process(
    root: Path, role: Sequence[str], env: dict[str, str], *, name: str
) -> Iterator[str]:
    """`aianimals ROLE…` in `env` until the block ends (its log in `root/<name>.log`); its URL."""
    log = root / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [AIANIMALS, *role], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{env['AIANIMALS_API__PORT']}"
    try:
        _wait_until_ready(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
