"""Benchmark `POST /v0/animal/search` through HTTP, from the demo size to a million animals.

    .venv/bin/python bench/search.py [--sizes 7349,100000,1000000] [--requests N]
        [--clients C] [--warm-up W] [--budget S] [--dataset DIR] [--skip-post] [--analyze]
        [--cached] [--work DIR]

Everything lives in a temporary directory; ./var is never touched. The demo dataset
(--dataset, default /tmp/demo when present, else generated) is imported once into a SQLite
store with weak argon2 parameters (a scratch store: AIANIMALS_AUTH__ARGON2_MEMORY_KIB=64,
..._TIME_COST=1, ..._ALLOW_WEAK_HASHING=true). Each larger size is a copy of it grown with
synthetic animals (bench/search_data.py). Per size: `aianimals index rebuild` (timed),
`aianimals api` on a free port with the search-page cache effectively off
(AIANIMALS_CACHE__TTL_SECONDS=1e-9, so every request runs the index; `random` is never
cached anyway; the animals are read from the store on every request in either mode; the
embedded index does keep the score arrays of recently asked phrases until its next write,
so a repeated phrase is not re-scored), then per query kind and sort key: sequential
latency after warm-up with the API process's CPU time per request (user + system, from
/proc: the steady figure on a shared machine, where wall time swings with the load), and
requests/s with C concurrent clients (0: skipped). With
--cached, a second `aianimals api` on the same store then measures the same rows with the
search-page cache at its default TTL: the repeated-query case, printed as a second table
("cache on"); the first table ("cache off") is the path every new query takes. Baselines
in the same run:
`GET /v0/health-check` (the HTTP floor) and a naive SQL scan (`name LIKE '%q%' OR
description LIKE '%q%' ORDER BY created_at DESC LIMIT 100`) on the same store, without
HTTP. Each measurement stops after --budget seconds once it has 10 samples (or N if fewer);
the tables print the sample count. --analyze runs SQLite's ANALYZE on each store first (a
what-if: the planner then hydrates results by primary key). Post → searchable:
`aianimals up --no-demo` on the demo store, 30 posts with a unique word, the search route
polled every 20 ms (search-page cache at its default).

Wall time on the 2-core machine shared with other jobs: the default run (sizes
7349,100000, 100 requests, 4 clients, 5 s budget, with post → searchable) took about 300 s;
`--sizes 7349 --requests 200 --clients 0 --skip-post --cached` about 80 s. The 1M size
costs 2.5–4.5 min of bulk insert and about 1 min of index rebuild (peak RSS about 1.2 GiB),
then measurement: `--sizes 1000000 --requests 20 --warm-up 2 --budget 3 --clients 0
--skip-post` took 210–400 s in all, so it is not a default size. `--work DIR` keeps the
stores and indexes in DIR and reuses them on the next run (a measurement-only rerun).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from time import perf_counter, sleep
from typing import Any

import httpx
import numpy as np
from PIL import Image
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, TextClause, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_data import WEAK_AUTH, copy_store, count_rows, grow_store, import_demo

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / ".venv" / "bin" / "aianimals"
DEMO_SIZE = 7_349
SORTS = ("score", "like", "created_at", "random")
KINDS: dict[str, dict[str, Any]] = {
    "common 「犬」": {"phrases": ["犬"]},
    "rare 「雪」": {"phrases": ["雪"]},
    "empty phrases": {"phrases": []},
    "category cat": {"phrases": [], "animal_category_name_en": "cat"},
}
NAIVE_SQL = (
    "SELECT id, name, description, created_at FROM animals WHERE deactivated = 0 {where} "
    "ORDER BY created_at DESC LIMIT 100"
)
MIN_SAMPLES = 10
POSTS = 30
POLL_SECONDS = 0.02
POST_TIMEOUT = 30.0


@dataclass
class Timing:
    """Latencies in seconds of one measurement, and its throughput when concurrent."""

    samples: list[float] = field(default_factory=list)
    per_second: float = 0.0
    hits: int = -1
    server_cpu: float = float("nan")
    """The API process's CPU seconds per request over the sequential samples."""

    def ms(self, q: float) -> float:
        """The q-th percentile in milliseconds."""
        return float(np.percentile(self.samples, q)) * 1000 if self.samples else float("nan")


@dataclass
class SizeResult:
    """Everything measured at one store size."""

    animals: int
    likes: int
    grow_seconds: float
    rebuild_seconds: float
    rebuild_rss_mib: float
    startup_seconds: float = 0.0
    api_rss_mib: float = 0.0
    floor: Timing = field(default_factory=Timing)
    naive: dict[str, Timing] = field(default_factory=dict)
    search: dict[tuple[str, str], Timing] = field(default_factory=dict)
    load: str = ""
    cached: dict[tuple[str, str], Timing] = field(default_factory=dict)
    cached_load: str = ""


# -- processes ---------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(work: Path, store: Path, port: int | None, *, cache: bool) -> dict[str, str]:
    """AIANIMALS_* variables that keep every file of a role under `work`."""
    # text search only: no portal, no image pipeline (its first start embeds every photo)
    env = dict(
        os.environ,
        **WEAK_AUTH,
        AIANIMALS_PORTAL__ENABLED="false",
        AIANIMALS_IMAGES__ENABLED="false",
    )
    env.update(
        {
            "AIANIMALS_DATABASE__URL": f"sqlite:///{store}",
            "AIANIMALS_VAR_DIR": str(work / "var"),
            "AIANIMALS_BLOBS__ROOT": str(work.parent / "blobs"),
            "AIANIMALS_SEARCH__PATH": str(work / "search"),
            "AIANIMALS_QUEUE__PATH": str(work / "queue.db"),
            "AIANIMALS_SEARCH__SIMILAR_WORDS_PATH": str(work / "no-similar-words.json"),
            "AIANIMALS_DATASET__DIRECTORY": str(work.parent / "dataset"),
        }
    )
    if port is not None:
        env["AIANIMALS_API__PORT"] = str(port)
    # One API process, whose CPU time per request is the figure (bench/overhead.py
    # compares process counts).
    env["AIANIMALS_API__PROCESSES"] = "1"
    if not cache:
        env["AIANIMALS_CACHE__TTL_SECONDS"] = "1e-9"
    return env


def run_timed(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Run a command to completion; (seconds, peak RSS in MiB)."""
    started = perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        tail = log.read_text("utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{tail}")
    return perf_counter() - started, usage.ru_maxrss / 1024


@contextmanager
def serving(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server subprocess until the block ends (SIGTERM, then SIGKILL after 20 s)."""
    with log.open("ab") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def peak_rss_mib(pid: int) -> float:
    """VmHWM of a live process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_ready(client: httpx.Client, process: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until `/v0/health-check/ready` answers 200."""
    started = perf_counter()
    while perf_counter() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if client.get("/v0/health-check/ready").status_code == 200:
                return perf_counter() - started
        except httpx.TransportError:
            pass
        sleep(0.1)
    raise RuntimeError(f"server not ready after {limit:.0f} s")


def login(client: httpx.Client, handle_name: str) -> None:
    """Log in as a demo user (password `password`) and send the token from now on."""
    answer = client.post(
        "/v0/user/login", json={"handle_name": handle_name, "password": "password"}
    )
    answer.raise_for_status()
    client.headers["token"] = answer.json()["token"]


def demo_user(url: str) -> str:
    """The handle name of an active demo user."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = "SELECT handle_name FROM users WHERE deactivated = 0 ORDER BY id LIMIT 1"
            return str(connection.exec_driver_sql(query).scalar_one())
    finally:
        engine.dispose()


# -- measuring ---------------------------------------------------------------------------


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_quiet(
    pid: int, limit: float = 300.0, cpu: Callable[[int], float] = process_cpu_seconds
) -> float:
    """Wait until the process's start-up work in the background (the ranker's text preload)
    is done: under 10 % of a core for two seconds in a row, as `cpu(pid)` counts it (the
    process alone by default); the seconds waited."""
    started = perf_counter()
    quiet = 0
    while quiet < 2 and perf_counter() - started < limit:
        before = cpu(pid)
        sleep(1.0)
        quiet = quiet + 1 if cpu(pid) - before < 0.1 else 0
    return perf_counter() - started


def sequential(call: Callable[[], Any], args: Any, server: int | None = None) -> Timing:
    """Latency of `call` over --requests runs after warm-up, stopping after --budget s;
    with `server` (a pid), also that process's CPU time per request."""
    n, budget = args.requests, args.budget
    for _ in range(args.warm_up):
        call()
    timing = Timing()
    cpu = process_cpu_seconds(server) if server else 0.0
    started = perf_counter()
    for _ in range(n):
        begin = perf_counter()
        call()
        timing.samples.append(perf_counter() - begin)
        if len(timing.samples) >= min(MIN_SAMPLES, n) and perf_counter() - started > budget:
            break
    if server:
        timing.server_cpu = (process_cpu_seconds(server) - cpu) / len(timing.samples)
    return timing


def concurrent(
    client_factory: Callable[[], httpx.Client], body: dict[str, Any], args: Any
) -> float:
    """Requests/s of `args.clients` threads, each with its own keep-alive client."""
    per_client = max(args.requests // args.clients, 2)
    deadline = perf_counter() + args.budget
    done = [0] * args.clients

    def worker(slot: int) -> None:
        with client_factory() as client:
            for _ in range(per_client):
                search(client, body)
                done[slot] += 1
                if perf_counter() > deadline and done[slot] >= 2:
                    return

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    started = perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (perf_counter() - started)


def search(client: httpx.Client, body: dict[str, Any]) -> int:
    """One search request of 100 results; answers the hit count."""
    answer = client.post("/v0/animal/search", params={"limit": 100}, json=body)
    answer.raise_for_status()
    return int(answer.json()["hits"])


def naive_search(url: str, args: Any) -> dict[str, Timing]:
    """The LIKE-scan baseline per query kind, straight on the SQLite store."""
    engine = create_engine(url)
    results: dict[str, Timing] = {}
    try:
        with engine.connect() as connection:
            for kind, body in KINDS.items():
                where, params = _naive_where(body)
                statement = text(NAIVE_SQL.format(where=where))
                call = partial(_rows, connection, statement, params)
                results[kind] = sequential(call, args)
                results[kind].hits = call()
    finally:
        engine.dispose()
    return results


def _rows(connection: Connection, statement: TextClause, params: dict[str, Any]) -> int:
    return len(connection.execute(statement, params).all())


def _naive_where(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    for i, phrase in enumerate(body["phrases"]):
        clauses.append(f"AND (name LIKE :q{i} OR description LIKE :q{i})")
        params[f"q{i}"] = f"%{phrase}%"
    if "animal_category_name_en" in body:
        clauses.append(
            "AND category_id = (SELECT id FROM animal_categories WHERE name_en = :category)"
        )
        params["category"] = body["animal_category_name_en"]
    return " ".join(clauses), params


def measure_api(
    client: httpx.Client,
    make: Callable[[], httpx.Client],
    result: SizeResult,
    args: Any,
    server: int | None = None,
) -> dict[tuple[str, str], Timing]:
    """Every (query kind, sort key) sequentially (with the server's CPU time per request)
    and concurrently."""
    timings = {}
    for kind, body in KINDS.items():
        for sort in SORTS:
            request = {**body, "sort_by": sort}
            timing = sequential(partial(search, client, request), args, server)
            timing.hits = search(client, request)
            if args.clients > 0:
                timing.per_second = concurrent(make, request, args)
            timings[(kind, sort)] = timing
    return timings


# -- one size ----------------------------------------------------------------------------


def build_size(
    size: int, demo_store: Path, root: Path, console: Console
) -> tuple[Path, SizeResult]:
    """The store of `size` animals and its index; the result's build columns filled."""
    work = root / f"size-{size}"
    store = work / "aianimals.db"
    if (
        store.is_file()
        and (work / "search").is_dir()
        and count_rows(f"sqlite:///{store}")[0] == size
    ):
        console.print(f"[{size:,}] reusing the store and index in {work} (--work)")
        env = environment(work, store, None, cache=False)
        run_timed([str(CLI), "migrate"], env, work / "migrate.log")  # kept by older code
        animals, likes = count_rows(f"sqlite:///{store}")
        return store, SizeResult(animals, likes, float("nan"), float("nan"), float("nan"))
    store = copy_store(demo_store, store)
    url = f"sqlite:///{store}"
    demo_animals, _ = count_rows(url)
    grow_seconds = 0.0
    if size > demo_animals:
        console.print(f"[{size:,}] inserting {size - demo_animals:,} synthetic animals…")
        grow_seconds = grow_store(url, size - demo_animals).seconds
    animals, likes = count_rows(url)
    console.print(f"[{size:,}] aianimals index rebuild…")
    env = environment(work, store, None, cache=False)
    seconds, rss = run_timed([str(CLI), "index", "rebuild"], env, work / "rebuild.log")
    return store, SizeResult(animals, likes, grow_seconds, seconds, rss)


def analyze(url: str) -> None:
    """Run SQLite's ANALYZE so the planner has statistics (a what-if: --analyze)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def run_size(size: int, demo_store: Path, root: Path, args: Any, console: Console) -> SizeResult:
    """Build, index, serve and measure one size (cache off; then on, with --cached)."""
    store, result = build_size(size, demo_store, root, console)
    url = f"sqlite:///{store}"
    if args.analyze:
        analyze(url)
    console.print(f"[{size:,}] naive SQL baseline…")
    result.naive = naive_search(url, args)
    handle = demo_user(url)
    serve_and_measure(store, handle, result, args, console, cache=False)
    if args.cached:
        serve_and_measure(store, handle, result, args, console, cache=True)
    return result


def serve_and_measure(
    store: Path, handle: str, result: SizeResult, args: Any, console: Console, *, cache: bool
) -> None:
    """`aianimals api` over the store, the search-page cache off or at its default TTL."""
    port = free_port()
    env = environment(store.parent, store, port, cache=cache)
    base = f"http://127.0.0.1:{port}"
    size = result.animals
    with serving([str(CLI), "api"], env, store.parent / "api.log") as process:
        with httpx.Client(base_url=base, timeout=120) as client:
            started = perf_counter()
            wait_ready(client, process, 300)
            login(client, handle)
            search(client, {"phrases": ["犬"]})
            token = client.headers["token"]
            ready = perf_counter() - started
            console.print(f"[{size:,}] waiting for the API's start-up work to finish…")
            console.print(f"[{size:,}] quiet after {wait_quiet(process.pid):.0f} s")

            def make() -> httpx.Client:
                return httpx.Client(base_url=base, timeout=120, headers={"token": token})

            if cache:
                console.print(f"[{size:,}] measuring the search route, cache on…")
                result.cached = measure_api(client, make, result, args, process.pid)
                result.cached_load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                return
            result.startup_seconds = ready
            console.print(f"[{size:,}] measuring the search route…")
            result.floor = sequential(lambda: client.get("/v0/health-check"), args, process.pid)
            result.search = measure_api(client, make, result, args, process.pid)
            result.load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        result.api_rss_mib = peak_rss_mib(process.pid)


# -- post → searchable -------------------------------------------------------------------


def unique_word(rng: random.Random) -> str:
    """A made-up ASCII word no text contains."""
    return "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


def post_animal(client: httpx.Client, word: str, jpeg: bytes, breed: tuple[int, int]) -> None:
    """POST /v0/animal with `word` in the description."""
    request = {
        "animal_category_id": breed[0],
        "animal_subcategory_id": breed[1],
        "name": "ベンチ",
        "description": f"{word} と散歩しました",
    }
    answer = client.post(
        "/v0/animal",
        data={"request": json.dumps(request, ensure_ascii=False)},
        files={"file": ("bench.jpg", jpeg, "image/jpeg")},
    )
    answer.raise_for_status()


def seconds_to_searchable(
    client: httpx.Client, word: str, jpeg: bytes, breed: tuple[int, int]
) -> float:
    """From just before the POST to the first search that finds the animal."""
    started = perf_counter()
    post_animal(client, word, jpeg, breed)
    while perf_counter() - started < POST_TIMEOUT:
        if search(client, {"phrases": [word], "sort_by": "score"}) > 0:
            return perf_counter() - started
        sleep(POLL_SECONDS)
    return float("inf")


def post_to_searchable(demo_store: Path, root: Path, console: Console) -> Timing:
    """`aianimals up --no-demo` on a copy of the indexed demo store; 30 posts."""
    work = root / f"size-{DEMO_SIZE}"
    store = copy_store(work / "aianimals.db", root / "post" / "aianimals.db")
    copy_index(work / "search", store.parent / "search")
    port = free_port()
    env = environment(store.parent, store, port, cache=True)
    url = f"sqlite:///{store}"
    breed = first_breed(url)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (90, 140, 180)).save(buffer, format="JPEG")
    rng = random.Random(7)
    timing = Timing()
    console.print("post → searchable with `aianimals up --no-demo`…")
    command = [str(CLI), "up", "--no-demo"]
    with (
        serving(command, env, store.parent / "up.log") as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client,
    ):
        wait_ready(client, process, 300)
        login(client, demo_user(url))
        for _ in range(POSTS):
            word = unique_word(rng)
            timing.samples.append(seconds_to_searchable(client, word, buffer.getvalue(), breed))
    return timing


def copy_index(source: Path, target: Path) -> None:
    """The built embedded index, so `up` does not rebuild it."""
    shutil.copytree(source, target)


def first_breed(url: str) -> tuple[int, int]:
    """(category id, subcategory id) of some breed."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.exec_driver_sql(
                "SELECT category_id, id FROM animal_subcategories ORDER BY id LIMIT 1"
            ).one()
    finally:
        engine.dispose()
    return int(row[0]), int(row[1])


# -- tables ------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    """A pass/fail cell."""
    return "[green]pass[/green]" if ok else "[red]FAIL[/red]"


def target_cell(size: int, timing: Timing) -> str:
    """The target that applies at this size, met or not."""
    if size <= DEMO_SIZE:
        ok = timing.ms(50) <= 10 and timing.ms(99) <= 50
        return f"p50≤10 p99≤50: {verdict(ok)}"
    return f"p99≤100 (1M target): {verdict(timing.ms(99) <= 100)}"


def build_table(results: list[SizeResult]) -> Table:
    """Store sizes, bulk insert, index rebuild, API start."""
    table = Table(title="stores and index builds")
    for column in (
        "animals",
        "likes",
        "bulk insert s",
        "rebuild s",
        "animals/s",
        "rebuild peak RSS MiB",
        "API ready+1st search s",
        "API peak RSS MiB",
    ):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            f"{r.animals:,}",
            f"{r.likes:,}",
            f"{r.grow_seconds:.1f}",
            f"{r.rebuild_seconds:.1f}",
            f"{r.animals / r.rebuild_seconds:,.0f}",
            f"{r.rebuild_rss_mib:,.0f}",
            f"{r.startup_seconds:.1f}",
            f"{r.api_rss_mib:,.0f}",
        )
    return table


LATENCY_COLUMNS = (
    "query",
    "sort",
    "hits",
    "n",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "server CPU ms/req",
    "req/s ×{clients}",
    "p50 / floor",
    "p50 / naive SQL",
    "target",
)


def latency_table(r: SizeResult, args: Any, *, cached: bool = False) -> Table:
    """Per query kind and sort key: latency, throughput, ratios, target."""
    mode = "cache on (repeated queries)" if cached else "cache off"
    load = r.cached_load if cached else r.load
    title = f"{r.animals:,} animals: POST /v0/animal/search?limit=100, {mode}; load {load}"
    if args.analyze:
        title += "; store ANALYZEd"
    table = Table(title=title)
    for column in LATENCY_COLUMNS:
        left = column in ("query", "sort")
        table.add_column(column.format(clients=args.clients), justify="left" if left else "right")
    _baseline_rows(table, r)
    floor = r.floor.ms(50)
    for (kind, sort), t in (r.cached if cached else r.search).items():
        table.add_row(
            kind,
            sort,
            f"{t.hits:,}",
            str(len(t.samples)),
            *_ms(t),
            f"{t.server_cpu * 1000:.2f}",
            f"{t.per_second:,.0f}" if t.per_second else "—",
            f"{t.ms(50) / floor:.1f}",
            f"{t.ms(50) / r.naive[kind].ms(50):.2f}",
            target_cell(r.animals, t),
        )
    return table


def _baseline_rows(table: Table, r: SizeResult) -> None:
    """The HTTP floor and the naive SQL scans (whose hits are capped by LIMIT 100)."""
    floor = ("GET /v0/health-check", "(floor)", "", str(len(r.floor.samples)), *_ms(r.floor))
    table.add_row(*floor, f"{r.floor.server_cpu * 1000:.2f}", "", "1.0", "", "")
    for kind, naive in r.naive.items():
        rows = f"{naive.hits} rows"
        table.add_row(
            f"naive SQL {kind}",
            "created_at",
            rows,
            str(len(naive.samples)),
            *_ms(naive),
            "",
            "",
            "",
            "1.0",
            "",
        )


def _ms(t: Timing) -> tuple[str, str, str]:
    return f"{t.ms(50):.1f}", f"{t.ms(95):.1f}", f"{t.ms(99):.1f}"


def post_table(t: Timing) -> Table:
    """Post → searchable."""
    table = Table(title=f"post → searchable: `up --no-demo`, {POSTS} posts, polled every 20 ms")
    for column in ("n", "p50 s", "p95 s", "max s", "target p95 ≤ 2 s"):
        table.add_column(column, justify="right")
    p95 = float(np.percentile(t.samples, 95))
    table.add_row(
        str(len(t.samples)),
        f"{np.percentile(t.samples, 50):.2f}",
        f"{p95:.2f}",
        f"{max(t.samples):.2f}",
        verdict(p95 <= 2.0),
    )
    return table


# -- main --------------------------------------------------------------------------------


def dataset_directory(given: Path | None, root: Path, console: Console) -> Path:
    """The demo dataset: as given, /tmp/demo when present, else generated (no photos)."""
    if given is not None:
        return given
    if (Path("/tmp/demo") / "animal.json").is_file():
        return Path("/tmp/demo")
    if (root / "generated" / "animal.json").is_file():  # kept by an earlier --work run
        return root / "generated"
    from aianimals.dataset.generator import GenerationOptions, generate_dataset

    console.print("generating the demo dataset…")
    generate_dataset(root / "generated", GenerationOptions(photos=False))
    return root / "generated"


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=f"{DEMO_SIZE},100000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4, help="0: no throughput runs")
    parser.add_argument("--warm-up", type=int, default=5, help="requests before measuring")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--skip-post", action="store_true")
    parser.add_argument(
        "--work",
        type=Path,
        help="keep the stores here and reuse those already built (a store of the same size "
        "with its index); the index is not rebuilt, so rebuild the size's index after a "
        "change to what is indexed",
    )
    parser.add_argument(
        "--cached",
        action="store_true",
        help="measure again with the search-page cache at its default TTL (repeated queries)",
    )
    parser.add_argument(
        "--analyze", action="store_true", help="run ANALYZE on each store before serving it"
    )
    return parser.parse_args()


def main() -> None:
    """Build each store, measure it, print the tables."""
    args = parse_args()
    console = Console(width=170)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    console.print(f"load before: {os.getloadavg()}; weak argon2 (scratch store)")
    started = perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as scratch:
        root = args.work or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        dataset = dataset_directory(args.dataset, root, console)
        if (root / "demo.db").is_file() and args.work:
            demo_store = root / "demo.db"
            console.print(f"reusing the demo store {demo_store} (--work)")
        else:
            demo_store, seconds = import_demo(dataset, root)
            console.print(f"demo store imported in {seconds:.1f} s")
        results = []
        for size in sizes:
            results.append(run_size(size, demo_store, root, args, console))
            console.print(latency_table(results[-1], args))
            if args.cached:
                console.print(latency_table(results[-1], args, cached=True))
            console.print(f"load: {os.getloadavg()}")
        console.print(build_table(results))
        if not args.skip_post and DEMO_SIZE in sizes:
            console.print(post_table(post_to_searchable(demo_store, root, console)))
    console.print(f"load after: {os.getloadavg()}; wall {perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
