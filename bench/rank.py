"""Benchmark what `sort_by=learn_to_rank` adds to a search, through HTTP, at N=100 candidates.

    .venv/bin/python bench/rank.py [--dataset DIR] [--requests N] [--candidates 100]

The demo dataset with its logs and photos (--dataset, else generated: about 30 s) is
imported into a scratch SQLite store (weak argon2 parameters, as bench/search.py), the
learn-to-rank models are trained into a scratch registry (`aianimals train ltr`), and
`aianimals api` serves it on a free port with the search-page cache effectively off. For a
user of the lambdarank arm, each query is sent with `sort_by=score` (the baseline, in the
same run) and `sort_by=learn_to_rank`, interleaved; the table gives p50 / p99 of both, the
added milliseconds and the ratio, and what served the ranked requests (a fallback would show).
The ranker's inputs are cached in the API for up to a minute (texts ten): after the warm-up
the table shows the steady state of repeated queries; a cold search (every candidate and the
user missed) adds about 13 ms more, for reading texts, counts and the profile from SQLite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path
from time import perf_counter

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aianimals.ranking.experiments.arms import Arm, Experiment
from aianimals.settings import RankingSettings
from search import environment, free_port, login, run_timed, serving, wait_ready

AIANIMALS = str(Path(sys.executable).with_name("aianimals"))
QUERIES = (["猫"], ["犬"], ["子猫"], ["柴犬"], ["ふわふわ"], ["cat"], ["元気", "犬"], [])


def lambdarank_user(store: Path) -> str:
    """A user the default experiment puts in the lambdarank arm."""
    ranking = RankingSettings()
    experiment = Experiment(
        ranking.experiment,
        tuple(Arm(a.name, a.model, a.weight) for a in ranking.arms),
        salt=ranking.salt,
    )
    engine = create_engine(f"sqlite:///{store}")
    with engine.connect() as connection:
        users = connection.execute(text("SELECT id, handle_name FROM users LIMIT 500")).all()
    engine.dispose()
    return next(h for i, h in users if experiment.arm_for(i).name == "lambdarank")


def measure(client: httpx.Client, args: argparse.Namespace) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per query and sort, interleaved; also what served each ranked request."""
    times: dict[str, dict[str, list[float]]] = {}
    served: Counter[str] = Counter()
    for phrases in QUERIES:
        name = " ".join(phrases) or "(browse)"
        times[name] = {"score": [], "learn_to_rank": []}
        for round_ in range(args.requests + args.warm_up):
            for sort in ("score", "learn_to_rank"):
                started = perf_counter()
                response = client.post(
                    f"/v0/animal/search?limit={args.candidates}",
                    json={"phrases": phrases, "sort_by": sort},
                )
                elapsed = (perf_counter() - started) * 1000
                response.raise_for_status()
                if round_ >= args.warm_up:
                    times[name][sort].append(elapsed)
                    if sort == "learn_to_rank":
                        served[response.json()["model_name"]] += 1
    times["_served"] = {label: [float(n)] for label, n in served.items()}
    return times


def report(times: dict[str, dict[str, list[float]]], console: Console) -> None:
    """The table: p50 / p99 per sort, added ms and ratio."""
    served = times.pop("_served")
    table = Table(title="learn_to_rank vs score (baseline), ms, through HTTP")
    for column in (
        "query",
        "n",
        "score p50",
        "ltr p50",
        "added p50",
        "×",
        "score p99",
        "ltr p99",
        "added p99",
    ):
        table.add_column(column, justify="left" if column == "query" else "right")
    for name, sorts in times.items():
        base, ranked = np.array(sorts["score"]), np.array(sorts["learn_to_rank"])
        b50, r50 = np.percentile(base, 50), np.percentile(ranked, 50)
        b99, r99 = np.percentile(base, 99), np.percentile(ranked, 99)
        table.add_row(
            name,
            str(len(base)),
            f"{b50:.1f}",
            f"{r50:.1f}",
            f"{r50 - b50:+.1f}",
            f"{r50 / b50:.2f}",
            f"{b99:.1f}",
            f"{r99:.1f}",
            f"{r99 - b99:+.1f}",
        )
    console.print(table)
    console.print("served: " + ", ".join(f"{label} × {int(n[0])}" for label, n in served.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warm-up", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=100)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="aianimals-rank-") as scratch:
        work = Path(scratch)
        store = work / "rank.db"
        port = free_port()
        env = environment(work / "run", store, port, cache=False)
        env["AIANIMALS_BLOBS__ROOT"] = str(work / "blobs")
        env["AIANIMALS_RANKING__CANDIDATES"] = str(args.candidates)
        log = work / "rank.log"
        dataset = args.dataset
        if dataset is None:
            console.print("generating the demo dataset…")
            dataset = work / "dataset"
            run_timed([AIANIMALS, "dataset", "generate", str(dataset)], env, log)
        console.print("importing the demo dataset…")
        run_timed([AIANIMALS, "migrate"], env, log)
        run_timed([AIANIMALS, "import", str(dataset)], env, log)
        console.print("building the index and training the rankers…")
        run_timed([AIANIMALS, "index", "rebuild"], env, log)
        seconds, _ = run_timed([AIANIMALS, "train", "ltr"], env, log)
        console.print(f"trained in {seconds:.0f} s")
        handle = lambdarank_user(store)
        with (
            serving([AIANIMALS, "api"], env, log) as process,
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
        ):
            wait_ready(client, process, 120)
            login(client, handle)
            times = measure(client, args)
        report(times, console)


if __name__ == "__main__":
    main()
