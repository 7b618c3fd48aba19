"""Fault drills in server-backed mode: RabbitMQ down, then Redis unresponsive, under load.

    .venv/bin/python bench/drills.py [--animals 300] [--outage 30] [--posts 10]

Builds a small platform on this machine's servers: a scratch schema in PostgreSQL
(127.0.0.1:5432, database test; dropped afterwards), a RabbitMQ virtual host of its own
(deleted afterwards), Redis database 14 for the cache (flushed afterwards). A generated
dataset of --animals animals is imported; `aianimals api` and `aianimals worker` run as
separate processes. A load thread searches and browses without pause the whole time.

1. RabbitMQ: `rabbitmqctl stop_app` for --outage seconds (every connection drops), then
   `start_app`. During the outage --posts animals are posted, each with a unique word.
2. Redis: `CLIENT PAUSE <outage> ALL` (every command blocks, as a hung server), with
   --posts more posts.

Then: every posted animal must become searchable by its word exactly once (nothing lost,
nothing duplicated in the index), the outbox must have published every event, and no
message may sit in a dead-letter queue. The table gives
per phase the load's requests, errors and p50 / p99, the posts accepted, and the seconds
from recovery until the last post of the phase was searchable.

This stops and starts the machine's shared RabbitMQ broker: never run it beside tests.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter, sleep

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_data import WEAK_AUTH

from aianimals.ports.sql.scratch import scratch_schema
from search import CLI, free_port, serving, wait_ready

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_DB = 14


@dataclass
class Phase:
    """What the load saw during one phase, and the posts made in it."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    posts: list[tuple[str, str]] = field(default_factory=list)  # (animal id, word)
    rejected_posts: int = 0
    recovered_in: float | None = None


class Load(threading.Thread):
    """Searches and browses without pause, counting into the current phase."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=url, timeout=10, headers={"token": token})
        self.phase = Phase("warm-up")
        self.stop = threading.Event()

    def run(self) -> None:
        requests = (
            lambda: self.client.post("/v0/animal/search", json={"phrases": ["ねこ"]}),
            lambda: self.client.get("/v0/animal?limit=24"),
        )
        turn = 0
        while not self.stop.is_set():
            phase = self.phase
            started = perf_counter()
            try:
                ok = requests[turn % 2]().status_code == 200
            except httpx.HTTPError:
                ok = False
            phase.latencies.append(perf_counter() - started)
            phase.errors += 0 if ok else 1
            turn += 1


def sh(*command: str) -> None:
    """Run a server-control command; fail loudly."""
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def vhost() -> Iterator[str]:
    """A RabbitMQ virtual host for this drill, deleted afterwards."""
    name = f"aianimals-drill-{uuid.uuid4().hex[:8]}"
    sh("rabbitmqctl", "add_vhost", name)
    sh("rabbitmqctl", "set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield name
    finally:
        sh("rabbitmqctl", "delete_vhost", name)


def photo() -> bytes:
    """A real cat photo, so the violation detector leaves the posts visible."""
    root = Path(__file__).resolve().parent.parent / "src/aianimals/dataset/photos/cat"
    return (root / "ginger_kitten.jpg").read_bytes()


def post(client: httpx.Client, word: str) -> str | None:
    """Post an animal named with `word`; its id, or None when the API refused."""
    request = (
        '{"animal_category_id": 1, "animal_subcategory_id": 1, '
        f'"name": "{word}", "description": "drill {word}"}}'
    )
    try:
        answer = client.post(
            "/v0/animal",
            data={"request": request},
            files={"file": ("cat.jpg", photo(), "image/jpeg")},
        )
    except httpx.HTTPError:
        return None
    return str(answer.json()["id"]) if answer.status_code == 200 else None


def hits(client: httpx.Client, word: str) -> list[str]:
    """Ids the search returns for `word`."""
    answer = client.post("/v0/animal/search", json={"phrases": [word]})
    return [result["id"] for result in answer.json()["results"]] if answer.is_success else []


def outage(
    phase: Phase,
    client: httpx.Client,
    posts: int,
    down: float,
    *,
    fault: tuple[list[str], list[str]],
) -> float:
    """Run the fault's start command, post during `down` seconds, run its end command (if
    any); the moment of recovery."""
    start, end = fault
    subprocess.Popen(start, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = perf_counter()
    for number in range(posts):
        word = "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))
        animal_id = post(client, word)
        if animal_id is None:
            phase.rejected_posts += 1
        else:
            phase.posts.append((animal_id, word))
        sleep(max(0.0, down * (number + 1) / posts - (perf_counter() - began)))
    if end:
        sh(*end)
    return perf_counter()


def wait_searchable(client: httpx.Client, phase: Phase, recovered: float, limit: float) -> None:
    """Seconds from recovery until every post of the phase is found by its word."""
    pending = dict(phase.posts)
    while pending and perf_counter() - recovered < limit:
        for animal_id, word in list(pending.items()):
            if animal_id in hits(client, word):
                del pending[animal_id]
        sleep(0.2)
    phase.recovered_in = None if pending else perf_counter() - recovered


def environment(url: str, vhost_name: str, blobs: Path, work: Path, port: int) -> dict[str, str]:
    """Every setting of the server-backed platform."""
    return dict(
        os.environ,
        **WEAK_AUTH,
        AIANIMALS_DATABASE__URL=url,
        AIANIMALS_QUEUE__KIND="rabbitmq",
        AIANIMALS_QUEUE__URL=f"amqp://guest:guest@127.0.0.1:5672/{vhost_name}",
        AIANIMALS_CACHE__KIND="redis",
        AIANIMALS_CACHE__URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        AIANIMALS_BLOBS__ROOT=str(blobs),
        AIANIMALS_VAR_DIR=str(work),
        AIANIMALS_SEARCH__PATH=str(work / "search"),
        AIANIMALS_VECTORS__PATH=str(work / "vectors"),
        AIANIMALS_DATASET__DIRECTORY=str(work / "dataset"),
        AIANIMALS_API__PORT=str(port),
        AIANIMALS_PORTAL__ENABLED="false",
        AIANIMALS_SCHEDULES__ENABLED="false",
    )


def checks(url: str, phases: list[Phase], client: httpx.Client) -> dict[str, int]:
    """Lost and duplicated posts, and events the outbox still holds."""
    posted = [item for phase in phases for item in phase.posts]
    found = {animal_id: hits(client, word).count(animal_id) for animal_id, word in posted}
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            unsent = connection.execute(
                text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            ).scalar_one()
    finally:
        engine.dispose()
    return {
        "posts accepted": len(posted),
        "lost (not searchable)": sum(1 for count in found.values() if count == 0),
        "duplicated in search": sum(1 for count in found.values() if count > 1),
        "events never published": int(unsent),
    }


def dead_letters(vhost_name: str) -> int:
    """Messages in the vhost's dead-letter queues."""
    listed = subprocess.run(
        ["rabbitmqctl", "list_queues", "-p", vhost_name, "name", "messages", "--quiet"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sum(
        int(parts[1])
        for parts in (line.split() for line in listed.splitlines())
        if len(parts) == 2 and "dead" in parts[0] and parts[1].isdigit()
    )


def run(args: argparse.Namespace, console: Console) -> tuple[Table, Table]:
    """The drill; (phase table, integrity table)."""
    with (
        tempfile.TemporaryDirectory(prefix="aianimals-drill-") as scratch,
        scratch_schema(PG, "drill") as url,
        vhost() as vhost_name,
    ):
        work = Path(scratch)
        port = free_port()
        env = environment(url, vhost_name, work / "blobs", work, port)
        dataset = work / "dataset"
        console.print(f"dataset of {args.animals} animals into PostgreSQL…")
        for command in (
            ["dataset", "generate", str(dataset), "--animals", str(args.animals)],
            ["migrate"],
            ["import", str(dataset)],
            ["index", "rebuild"],
        ):
            subprocess.run([str(CLI), *command], env=env, check=True, capture_output=True)
        with (
            serving([str(CLI), "api"], env, work / "api.log") as api,
            serving([str(CLI), "worker"], env, work / "worker.log"),
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
        ):
            wait_ready(client, api, 300)
            login = client.post(
                "/v0/user/login", json={"handle_name": handle(url), "password": "password"}
            )
            client.headers["token"] = login.json()["token"]
            load = Load(f"http://127.0.0.1:{port}", client.headers["token"])
            load.start()
            sleep(5)
            phases = []
            for name, start, end in (
                ("RabbitMQ stopped", ["rabbitmqctl", "stop_app"], ["rabbitmqctl", "start_app"]),
                (
                    "Redis paused",
                    ["redis-cli", "CLIENT", "PAUSE", str(int(args.outage * 1000)), "ALL"],
                    [],
                ),
            ):
                console.print(f"{name} for {args.outage:.0f} s…")
                phase = Phase(name)
                load.phase = phase
                recovered = outage(phase, client, args.posts, args.outage, fault=(start, end))
                if not end:
                    sleep(max(0.0, args.outage - (perf_counter() - recovered)))
                    recovered = perf_counter()
                after = Phase(f"after {name}")
                load.phase = after
                wait_searchable(client, phase, recovered, 180)
                phases.extend([phase, after])
            load.stop.set()
            load.join()
            integrity = checks(url, phases, client)
            integrity["dead-lettered"] = dead_letters(vhost_name)
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in ("api.log", "worker.log"):
                shutil.copy2(work / log, args.logs / log)
    subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], check=False, capture_output=True)
    return phase_table(phases), integrity_table(integrity)


def handle(url: str) -> str:
    """An active imported user."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = "SELECT handle_name FROM users WHERE deactivated = false ORDER BY id LIMIT 1"
            return str(connection.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def phase_table(phases: list[Phase]) -> Table:
    """Load and posts per phase."""
    table = Table(title="search + browse under faults (one client, no pause)")
    for column in (
        "phase",
        "requests",
        "errors",
        "p50 ms",
        "p99 ms",
        "posts ok / refused",
        "searchable after recovery",
    ):
        table.add_column(column, justify="left" if column == "phase" else "right")
    for phase in phases:
        samples = np.asarray(phase.latencies or [0.0]) * 1000
        posts = (
            f"{len(phase.posts)} / {phase.rejected_posts}"
            if phase.posts or phase.rejected_posts
            else "—"
        )
        recovered = (
            "—"
            if not phase.posts
            else (
                f"{phase.recovered_in:.1f} s"
                if phase.recovered_in is not None
                else "NOT within 180 s"
            )
        )
        table.add_row(
            phase.name,
            str(len(phase.latencies)),
            str(phase.errors),
            f"{np.percentile(samples, 50):.1f}",
            f"{np.percentile(samples, 99):.1f}",
            posts,
            recovered,
        )
    return table


def integrity_table(integrity: dict[str, int]) -> Table:
    """Nothing lost, nothing twice."""
    table = Table(title="integrity after recovery")
    table.add_column("check")
    table.add_column("count", justify="right")
    for name, count in integrity.items():
        table.add_row(name, str(count))
    return table


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--animals", type=int, default=300)
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--logs", type=Path, help="keep the api and worker logs here")
    args = parser.parse_args()
    console = Console()
    for table in run(args, console):
        console.print(table)


if __name__ == "__main__":
    main()
