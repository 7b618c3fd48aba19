"""Per-request overhead of the API: CPU time per request and requests/s, route by route.

    .venv/bin/python bench/overhead.py [--databases sqlite,postgresql] [--requests 300]
        [--clients 8] [--rounds 2] [--pg-url URL] [--dataset DIR]
        [--against REV] [--processes 1,2]

The demo dataset (as bench/search.py finds or generates it) is imported into a scratch store
per database: a SQLite file, and a fresh schema on the PostgreSQL server at --pg-url
(default the local `test` database; dropped at the end). Each server under test is an
`aianimals api` over that store, with the search-page cache off (every search reaches the
index): this checkout with each --processes count of API processes, and with --against
REV, revision REV run from its own source (a git worktree) in this environment, with the
C server modules it did not depend on (uvloop, httptools) hidden from it, as a baseline
measured in the same run. That revision serves a store of its own with the same rows (a
copy of the SQLite file; on PostgreSQL the demo imported again into a second schema),
marked as migrated to its last migration.

After the servers' start-up work has finished, each route gets --requests sequential
requests from one keep-alive client per server: the CPU time of the server's processes per
request (user + system from /proc, summed over its process tree; the steady figure on a
shared machine) and requests/s; then --clients threads, each with its own connection, for
requests/s under concurrency. Within each route the servers take turns, their order
alternating by round, so that a drift in the machine's load meets all of them; the table
gives the median over --rounds, and each server's CPU as a ratio to the first server's.

Routes: the health check, the newest 20 and 100 animals, one animal, the metadata, the
categories, an animal's likes, a like then its removal (two requests, counted as one),
and a search of 「犬」 (20 results, score order).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

import httpx
from alembic.script import ScriptDirectory
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, make_url, text

from aianimals.ports.sql.scratch import scratch_schema

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_data import WEAK_AUTH, import_demo

from search import (
    CLI,
    ROOT,
    dataset_directory,
    free_port,
    login,
    process_cpu_seconds,
    serving,
    wait_quiet,
    wait_ready,
)

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Route:
    """One request (or a pair, for like/unlike) against the API."""

    name: str
    call: Callable[[httpx.Client, int], None]
    """Make the request(s) as client number `slot` (each writes to its own animal)."""


@dataclass
class Figures:
    """One route's measurements over the rounds."""

    cpu_ms: list[float] = field(default_factory=list)
    single_rps: list[float] = field(default_factory=list)
    many_rps: list[float] = field(default_factory=list)


def _ok(answer: httpx.Response) -> None:
    answer.raise_for_status()


def routes(animal_ids: list[str]) -> list[Route]:
    """The routes measured, on real animals of the store (the first for the reads)."""
    animal_id = animal_ids[0]

    def like_and_unlike(client: httpx.Client, slot: int) -> None:
        mine = animal_ids[slot % len(animal_ids)]
        _ok(client.post("/v0/like", json={"animal_id": mine}))
        _ok(client.delete("/v0/like", params={"animal_id": mine}))

    search_body = {"phrases": ["犬"], "sort_by": "score"}
    return [
        Route("GET /v0/health-check", lambda c, _: _ok(c.get("/v0/health-check"))),
        Route("GET /v0/animal?limit=20", lambda c, _: _ok(c.get("/v0/animal?limit=20"))),
        Route("GET /v0/animal?limit=100", lambda c, _: _ok(c.get("/v0/animal?limit=100"))),
        Route(
            "GET /v0/animal?id=", lambda c, _: _ok(c.get("/v0/animal", params={"id": animal_id}))
        ),
        Route("GET /v0/metadata", lambda c, _: _ok(c.get("/v0/metadata"))),
        Route("GET /v0/animal_category", lambda c, _: _ok(c.get("/v0/animal_category"))),
        Route(
            "GET /v0/like?animal_id=",
            lambda c, _: _ok(c.get("/v0/like", params={"animal_id": animal_id})),
        ),
        Route("POST then DELETE /v0/like", like_and_unlike),
        Route(
            "POST /v0/animal/search (犬, 20)",
            lambda c, _: _ok(c.post("/v0/animal/search?limit=20", json=search_body)),
        ),
    ]


def descendants(pid: int) -> list[int]:
    """`pid` and every live process below it (an API's uvicorn workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` and its live descendants."""
    total = 0.0
    for member in descendants(pid):
        try:
            total += process_cpu_seconds(member)
        except OSError:
            continue
    return total


def sequential(route: Route, client: httpx.Client, pid: int, n: int) -> tuple[float, float]:
    """(API CPU ms per request, requests/s) of `n` requests from one client."""
    for _ in range(min(10, n)):
        route.call(client, 0)
    cpu = tree_cpu_seconds(pid)
    started = perf_counter()
    for _ in range(n):
        route.call(client, 0)
    wall = perf_counter() - started
    return (tree_cpu_seconds(pid) - cpu) / n * 1000, n / wall


def concurrent(route: Route, make: Callable[[], httpx.Client], clients: int, n: int) -> float:
    """Requests/s of `clients` threads sharing `n` requests, each on its own connection."""
    per_client = max(n // clients, 2)

    def worker(slot: int) -> None:
        with make() as client:
            for _ in range(per_client):
                route.call(client, slot)

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(clients)]
    started = perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_client * clients / (perf_counter() - started)


def environment(work: Path, url: str, port: int) -> dict[str, str]:
    """A scratch API role: every file under `work`, the search-page cache off."""
    env = dict(os.environ, **WEAK_AUTH)
    env.update(
        {
            "AIANIMALS_PORTAL__ENABLED": "false",
            "AIANIMALS_IMAGES__ENABLED": "false",
            "AIANIMALS_DATABASE__URL": url,
            "AIANIMALS_VAR_DIR": str(work / "var"),
            "AIANIMALS_BLOBS__ROOT": str(work / "blobs"),
            "AIANIMALS_SEARCH__PATH": str(work / "demo-search"),  # built by the import
            "AIANIMALS_QUEUE__PATH": str(work / "demo-queue.db"),
            "AIANIMALS_SEARCH__SIMILAR_WORDS_PATH": str(work / "no-similar-words.json"),
            "AIANIMALS_DATASET__DIRECTORY": str(work / "dataset"),
            "AIANIMALS_CACHE__TTL_SECONDS": "1e-9",
            "AIANIMALS_API__PORT": str(port),
        }
    )
    return env


def first_rows(url: str, animals: int) -> tuple[str, list[str]]:
    """(an active user's handle, the ids of the most liked visible animals)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            handle = connection.exec_driver_sql(
                "SELECT handle_name FROM users WHERE deactivated = false ORDER BY id LIMIT 1"
            ).scalar_one()
            ids = connection.exec_driver_sql(
                "SELECT a.id FROM animals a JOIN likes l ON l.animal_id = a.id "
                "WHERE a.deactivated = false GROUP BY a.id ORDER BY count(*) DESC, a.id "
                f"LIMIT {int(animals)}"
            ).scalars()
            return str(handle), [str(animal_id) for animal_id in ids]
    finally:
        engine.dispose()


@contextmanager
def store(database: str, dataset: Path, work: Path, pg_url: str) -> Iterator[str]:
    """A demo store of `database`'s kind, its search index built; yields its URL."""
    if database == "sqlite":
        path, _ = import_demo(dataset, work)
        yield f"sqlite:///{path}"
        return
    with scratch_schema(pg_url, "bench_overhead") as url:
        import_demo(dataset, work, url)
        yield url


@contextmanager
def store_copy(url: str, dataset: Path, work: Path, label: str) -> Iterator[str]:
    """A second store with the rows of the store at `url`: a copy of the SQLite file, or on
    PostgreSQL the demo imported again into a fresh schema (the import is deterministic:
    the dataset's own ids and times)."""
    if url.startswith("sqlite:///"):
        path = work / f"{label}.db"
        shutil.copyfile(url.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    server_url = make_url(url).difference_update_query(["options"])
    with scratch_schema(server_url.render_as_string(hide_password=False), "bench_rev") as copy:
        elsewhere = work / label  # its own scratch files: the servers share `work`'s index
        elsewhere.mkdir()
        import_demo(dataset, elsewhere, copy)
        yield copy


def stamp(url: str, tree: Path) -> None:
    """Mark the store at `url` as migrated to the last migration of the checkout `tree`:
    that revision then serves it (the later migrations only add what it does not read)."""
    migrations = tree / "src" / "aianimals" / "ports" / "sql" / "migrations"
    head = ScriptDirectory(str(migrations)).get_current_head()
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head}
            )
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Server:
    """One API under test: this checkout with some processes, or another revision."""

    label: str
    argv: list[str]
    env: dict[str, str]
    tree: Path | None = None
    """Another revision's checkout: it serves a copy of the store marked as migrated to
    its own last migration (the rows it reads are the same)."""

    def database_url(self, url: str, work: Path, dataset: Path, stack: ExitStack) -> str:
        """The store this server serves (a copy, kept until `stack` closes, for another
        revision)."""
        if self.tree is None:
            return url
        copy = stack.enter_context(store_copy(url, dataset, work, self.label))
        stamp(copy, self.tree)
        return copy


HIDDEN_MODULE = 'raise ImportError("hidden by bench/overhead.py: {rev} ran without it")\n'


def checkout(rev: str, root: Path) -> Path:
    """A detached worktree of `rev` under `root` (removed with the scratch directory)."""
    target = root / f"rev-{rev}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(target), rev],
        check=True,
    )
    return target


def revision_server(rev: str, root: Path, env: dict[str, str]) -> Server:
    """The API of revision `rev`, run from its own source with this environment; the
    C server modules that revision did not depend on are hidden from it, as they were."""
    tree = checkout(rev, root)
    shadow = root / f"without-{rev}"
    shadow.mkdir()
    declared = (tree / "pyproject.toml").read_text()
    for module in ("uvloop", "httptools"):
        if f'"{module}' not in declared:
            (shadow / f"{module}.py").write_text(HIDDEN_MODULE.format(rev=rev))
    path = os.pathsep.join([str(shadow), str(tree / "src")])
    code = "from aianimals.cli import main; main()"
    return Server(rev, [sys.executable, "-c", code, "api"], {**env, "PYTHONPATH": path}, tree)


def servers(args: Any, root: Path, env: dict[str, str]) -> list[Server]:
    """The baseline revision (when asked), then this checkout with each process count."""
    found = [revision_server(args.against, root, env)] if args.against else []
    for processes in args.processes:
        label = f"now ×{processes}" if len(args.processes) > 1 else "now"
        processes_env = {"AIANIMALS_API__PROCESSES": str(processes)}
        found.append(Server(label, [str(CLI), "api"], {**env, **processes_env}))
    return found


def measure(
    url: str, work: Path, dataset: Path, args: Any, console: Console
) -> dict[str, dict[str, Figures]]:
    """Every route on every server over --rounds rounds, servers interleaved within each
    route (their order alternating by round), so a drift in the machine's load meets all."""
    handle, animal_ids = first_rows(url, max(args.clients, 1))
    figures: dict[str, dict[str, Figures]] = {}
    with ExitStack() as stack:
        running = []
        for index, server in enumerate(servers(args, work, {})):
            port = free_port()
            served = server.database_url(url, work, dataset, stack)
            env = {**environment(work, served, port), **server.env}
            log = work / f"api-{index}.log"
            process = stack.enter_context(serving(server.argv, env, log))
            base = f"http://127.0.0.1:{port}"
            client = stack.enter_context(httpx.Client(base_url=base, timeout=120))
            running.append((server, process, client, base))
        for _server, process, client, _ in running:
            wait_ready(client, process, 300)
            login(client, handle)
            client.post("/v0/animal/search", json={"phrases": ["犬"]}).raise_for_status()
        for server, process, _, _ in running:
            waited = wait_quiet(process.pid, cpu=tree_cpu_seconds)
            console.print(f"{server.label}: quiet after {waited:.0f} s")
        for round_ in range(args.rounds):
            console.print(f"round {round_ + 1} of {args.rounds}…")
            order = running if round_ % 2 == 0 else running[::-1]
            for route in routes(animal_ids):
                for server, process, client, base in order:
                    row = figures.setdefault(route.name, {}).setdefault(server.label, Figures())
                    cpu, rps = sequential(route, client, process.pid, args.requests)
                    row.cpu_ms.append(cpu)
                    row.single_rps.append(rps)
                    if args.clients:
                        headers = {"token": client.headers["token"]}

                        def make(
                            base: str = base, headers: dict[str, str] = headers
                        ) -> httpx.Client:
                            return httpx.Client(base_url=base, timeout=120, headers=headers)

                        row.many_rps.append(concurrent(route, make, args.clients, args.requests))
    return figures


def table(database: str, figures: dict[str, dict[str, Figures]], args: Any) -> Table:
    """Medians over the rounds; every server's CPU as a ratio to the first server's."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    labels = list(next(iter(figures.values())))
    result = Table(title=f"{database}: {args.requests} requests a cell; load {load}")
    result.add_column("route")
    for label in labels:
        result.add_column(f"CPU ms {label}", justify="right")
    for label in labels[1:]:
        result.add_column(f"{label} / {labels[0]}", justify="right")
    for label in labels:
        result.add_column(f"req/s ×1 {label}", justify="right")
    if args.clients:
        for label in labels:
            result.add_column(f"req/s ×{args.clients} {label}", justify="right")
    for name, row in figures.items():
        cpu = {label: statistics.median(row[label].cpu_ms) for label in labels}
        cells = [f"{cpu[label]:.2f}" for label in labels]
        # CPU time comes in clock ticks (10 ms): too few requests can show none at all.
        base = cpu[labels[0]]
        cells += [f"{cpu[label] / base:.2f}" if base else "—" for label in labels[1:]]
        cells += [f"{statistics.median(row[label].single_rps):.0f}" for label in labels]
        if args.clients:
            cells += [f"{statistics.median(row[label].many_rps):.0f}" for label in labels]
        result.add_row(name, *cells)
    return result


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8, help="0: no concurrent runs")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--dataset", type=Path)
    parser.add_argument(
        "--against",
        metavar="REV",
        help="also serve git revision REV (its own source, this environment) as the baseline",
    )
    parser.add_argument(
        "--processes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1],
        help="API processes of this checkout, one server per count (e.g. 1,2)",
    )
    return parser.parse_args()


def main() -> None:
    """Import, serve and measure each database; print one table per database."""
    args = parse_args()
    console = Console(width=220)
    console.print(f"load before: {os.getloadavg()}; weak argon2 (scratch store)")
    started = perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as scratch:
        root = Path(scratch)
        dataset = dataset_directory(args.dataset, root, console)
        for database in args.databases.split(","):
            work = root / database
            work.mkdir()
            console.print(f"[{database}] importing the demo dataset…")
            with store(database, dataset, work, args.pg_url) as url:
                try:
                    console.print(table(database, measure(url, work, dataset, args, console), args))
                finally:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)
    console.print(f"load after: {os.getloadavg()}; wall {perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
