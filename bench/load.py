"""Load test: search + browse + open + like + post at a set rate against `aianimals up`.

    .venv/bin/python bench/load.py [--var var] [--users 10] [--rate 1.0] [--minutes 5]
                                   [--warmup 30] [--keep DIR]

`aianimals up --no-demo` serves a copy of a store `make run` prepared (--var, default
./var; photos hard-linked, ./var never written): API, workers (indexer, image pipeline,
violation registry, feature updater) and scheduler in one process, as on a laptop. Locust
(headless, bench/locustfile.py) runs --users demo users, each starting --rate tasks per
second on average (a task is one to three requests): first --warmup seconds that are not
measured (logins, cold caches and models loading on first use), then --minutes that are.
The table gives per route the requests, failures, requests/s, p50 and p99 of the measured
part; the process's resident memory is sampled every 2 s from the start of the warm-up
(start, after the first minute, peak, end: "flat" means the end is within 10 % of the
one-minute mark). Needs the `load` extra: `pip install -e '.[load]'`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from time import perf_counter

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from images import copy_var, env_for
from search import CLI, free_port, serving, wait_ready

LOCUST = Path(sys.executable).with_name("locust")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except FileNotFoundError:
            continue
    return total


def sample_memory(pid: int, stop: threading.Event, samples: list[tuple[float, float]]) -> None:
    """Append (seconds, MiB) every 2 s until `stop`."""
    started = perf_counter()
    while not stop.is_set():
        samples.append((perf_counter() - started, rss_mib(pid)))
        stop.wait(2.0)


def handles(store: Path, count: int) -> list[str]:
    """Demo users to log in as."""
    engine = create_engine(f"sqlite:///{store}")
    try:
        with engine.connect() as connection:
            query = "SELECT handle_name FROM users WHERE deactivated = 0 ORDER BY id LIMIT ?"
            return [row[0] for row in connection.exec_driver_sql(query, (count,))]
    finally:
        engine.dispose()


def run(args: argparse.Namespace, console: Console) -> tuple[Table, Table]:
    """Serve, load, measure."""
    with tempfile.TemporaryDirectory(prefix="aianimals-load-") as scratch:
        work = Path(scratch) / "var"
        store = copy_var(args.var, work)
        for name in ("mlflow", "models"):
            if (args.var / name).is_dir():
                subprocess.run(["cp", "-a", str(args.var / name), str(work / name)], check=True)
        port = free_port()
        env = env_for(work, store, port)
        env.update(
            {
                "AIANIMALS_VAR_DIR": str(work),
                "AIANIMALS_SEARCH__SIMILAR_WORDS_PATH": str(work / "models/similar_words.json"),
                "AIANIMALS_SCHEDULES__ENABLED": "false",
            }
        )
        url = f"http://127.0.0.1:{port}"
        prefix = work / "locust"
        samples: list[tuple[float, float]] = []
        stop = threading.Event()
        with serving([str(CLI), "up", "--no-demo"], env, work / "up.log") as up:
            with httpx.Client(base_url=url, timeout=60) as client:
                wait_ready(client, up, 600)
            sampler = threading.Thread(target=sample_memory, args=(up.pid, stop, samples))
            sampler.start()
            console.print(
                f"locust: {args.users} users × {args.rate} tasks/s, "
                f"{args.warmup:.0f} s warm-up, then {args.minutes} min measured…"
            )
            load_env = dict(
                os.environ,
                AIANIMALS_LOAD_HANDLES=json.dumps(handles(store, args.users * 4)),
                AIANIMALS_LOAD_RATE_PER_USER=str(args.rate),
            )
            if args.warmup > 0:
                warm = work / "warmup"
                locust(url, load_env, args.users, args.warmup, warm)
                console.print(f"warm-up (not measured): {aggregate(warm)}")
            locust(url, load_env, args.users, args.minutes * 60, prefix)
            stop.set()
            sampler.join()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in [*prefix.parent.glob(f"{prefix.name}_*.csv"), work / "up.log"]:
                shutil.copy2(path, args.keep / path.name)
        return route_table(prefix), memory_table(samples)


def locust(url: str, env: dict[str, str], users: int, seconds: float, prefix: Path) -> None:
    """One headless locust run of the mix; statistics in `<prefix>_*.csv`."""
    subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            url,
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            f"{round(seconds)}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def aggregate(prefix: Path) -> str:
    """Requests, failures, p50 and p99 of a run, in one line."""
    with Path(f"{prefix}_stats.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            if row["Name"] == "Aggregated":
                return (
                    f"{row['Request Count']} requests, {row['Failure Count']} failures, "
                    f"p50 {row['50%']} ms, p99 {row['99%']} ms"
                )
    return "no requests"


def route_table(prefix: Path) -> Table:
    """Locust's per-route statistics."""
    table = Table(title="per route (locust, loopback)")
    for column in ("route", "requests", "failures", "req/s", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "route" else "right")
    with Path(f"{prefix}_stats.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            name = row["Name"] if row["Name"] != "Aggregated" else "all"
            table.add_row(
                name,
                row["Request Count"],
                row["Failure Count"],
                f"{float(row['Requests/s']):.1f}",
                row["50%"],
                row["99%"],
            )
    return table


def memory_table(samples: list[tuple[float, float]]) -> Table:
    """Resident memory over the run."""
    table = Table(title="resident memory of `aianimals up` (MiB)")
    for column in ("start", "after 1 min", "peak", "end", "end ÷ 1 min"):
        table.add_column(column, justify="right")
    if samples:
        start, end = samples[0][1], samples[-1][1]
        minute = next((mib for seconds, mib in samples if seconds >= 60), end)
        peak = max(mib for _, mib in samples)
        table.add_row(
            f"{start:,.0f}", f"{minute:,.0f}", f"{peak:,.0f}", f"{end:,.0f}", f"{end / minute:.2f}"
        )
    return table


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var", type=Path, default=Path("var"))
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--rate", type=float, default=1.0, help="tasks per second per user")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument(
        "--warmup", type=float, default=30.0, help="seconds of the same load before measuring"
    )
    parser.add_argument(
        "--keep", type=Path, help="copy locust's CSV files (with the per-second history) here"
    )
    args = parser.parse_args()
    if not LOCUST.exists():
        raise SystemExit("locust is not installed: pip install -e '.[load]'")
    console = Console()
    started = perf_counter()
    for table in run(args, console):
        console.print(table)
    console.print(f"wall time {perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
