"""Hand-made experiment logs in the test store, and a live `aianimals api` for the simulator.

As in tests/web/conftest.py (without the browser): the dataset is generated, migrated and
imported with the CLI into its own store (a SQLite file, or a scratch schema of the
PostgreSQL server when the suite runs against one), then the API runs as a subprocess.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.api.container import Container
from aianimals.core.ids import new_id
from aianimals.ml.ab.report import ArmStats, arm_report
from aianimals.ports.sql.scratch import scratch_schema
from tests.factories import Factory

DATASET_ANIMALS = 300
AIANIMALS = str(Path(sys.executable).with_name("aianimals"))


@dataclass(frozen=True)
class LiveApi:
    """The running API: its URL, its environment (for the CLI) and its database URL."""

    url: str
    env: dict[str, str]
    database_url: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`aianimals ARGS` in `env`; its result, whatever the exit code."""
    return subprocess.run(
        [AIANIMALS, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _cli(env: dict[str, str], *args: str) -> None:
    done = run_cli(env, *args)
    if done.returncode:
        pytest.fail(f"aianimals {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"aianimals api exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/v0/health-check/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"aianimals api did not become ready:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """`aianimals api` over a generated dataset of 300 animals."""
    root = tmp_path_factory.mktemp("ab-site")
    with ExitStack() as stack:
        database_url = f"sqlite:///{root / 'aianimals.db'}"
        if test_url := os.environ.get("AIANIMALS_TEST_DATABASE_URL"):
            database_url = stack.enter_context(scratch_schema(test_url, "ab"))
        port = _free_port()
        env = {
            **os.environ,
            "AIANIMALS_ENVIRONMENT": "test",
            "AIANIMALS_VAR_DIR": str(root),
            "AIANIMALS_DATABASE__URL": database_url,
            "AIANIMALS_BLOBS__ROOT": str(root / "blobs"),
            "AIANIMALS_AUTH__ARGON2_MEMORY_KIB": "64",
            "AIANIMALS_AUTH__ARGON2_TIME_COST": "1",
            "AIANIMALS_AUTH__ALLOW_WEAK_HASHING": "true",
            "AIANIMALS_QUEUE__KIND": "sqlite",
            "AIANIMALS_QUEUE__PATH": str(root / "queue.db"),
            "AIANIMALS_CACHE__KIND": "memory",
            "AIANIMALS_SEARCH__KIND": "embedded",
            "AIANIMALS_SEARCH__PATH": str(root / "search"),
            "AIANIMALS_SEARCH__SIMILAR_WORDS_PATH": str(root / "similar_words.json"),
            "AIANIMALS_API__PORT": str(port),
        }
        dataset = root / "dataset"
        _cli(env, "dataset", "generate", str(dataset), "--animals", str(DATASET_ANIMALS))
        _cli(env, "migrate")
        _cli(env, "import", str(dataset))
        log = root / "api.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [AIANIMALS, "api"], env=env, stdout=output, stderr=subprocess.STDOUT
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_ready(url, process, log)
            yield LiveApi(url=url, env=env, database_url=database_url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


AT = datetime(2024, 5, 1, 12, 0, 0)


class Logs:
    """Adds searches (their impressions) and the actions on them."""

    def __init__(self, container: Container, factory: Factory) -> None:
        self.container = container
        self.users = [factory.user() for _ in range(4)]
        owner = self.users[0]
        self.animals = [factory.animal(owner).id for _ in range(3)]
        self.rows: list[Impression | AccessLog] = []

    def search(
        self, model_name: str | None, *, selects: int = 0, likes: int = 0, user: int = 0
    ) -> str:
        """One search showing every animal, with `selects` selects and `likes` likes."""
        search_id, user_id = new_id(), self.users[user % len(self.users)].id
        for position, animal_id in enumerate(self.animals):
            self.rows.append(
                Impression(
                    search_id=search_id,
                    position=position,
                    user_id=user_id,
                    animal_id=animal_id,
                    sort_by="learn_to_rank",
                    model_name=model_name,
                    created_at=AT,
                )
            )
        actions = ["select"] * selects + ["see_long", "like"] * likes
        for action in actions:
            self.rows.append(
                AccessLog(
                    id=new_id(),
                    search_id=search_id,
                    phrases=["dog"],
                    sort_by="learn_to_rank",
                    model_name=model_name,
                    user_id=user_id,
                    animal_id=self.animals[0],
                    action=action,
                    created_at=AT,
                )
            )
        return search_id

    def many(self, model_name: str, searches: int, selected: int) -> None:
        """`searches` searches of which the first `selected` have one select."""
        for number in range(searches):
            self.search(model_name, selects=1 if number < selected else 0, user=number)

    def report(self, experiment: str | None = None) -> list[ArmStats]:
        """Store the rows, then report."""
        with self.container.database.session() as session:
            session.add_all(self.rows)
            session.commit()
        self.rows = []
        with self.container.database.engine.connect() as connection:
            return arm_report(connection, experiment)


@pytest.fixture
def logs(container: Container, factory: Factory) -> Logs:
    """A builder of search logs over a few users and animals."""
    return Logs(container, factory)
