"""Measure `GET /v0/animal/search/suggest` as the search box calls it, through HTTP.

    PYTHONPATH=src .venv/bin/python bench/suggest.py [--url http://127.0.0.1:8000]
        [--user dog_leigh] [--password password] [--rounds 20]

Runs against an API that is already up (`make run`). It sends every prefix of a set of
queries as a user types them (「し」, 「しば」, …, `c`, `ch`, `chi`…; kana, romaji, English,
typos), `--rounds` times, and prints wall-clock p50/p95/p99 beside the same run's
`GET /v0/health-check` (the HTTP floor) and an authenticated `GET /v0/user/me` (floor plus
the token check). A second table gives the CPU time of the completion itself, in process
(`Suggester.suggest` over the packaged vocabulary, `time.process_time`): the steady figure
on a shared machine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from statistics import quantiles

import httpx
from rich.console import Console
from rich.table import Table

from aianimals.search.suggest import Suggester
from aianimals.search.vocabulary import load_vocabulary

TYPED = ("しばいぬ", "chihuahua", "ヨークシャー", "pomeranain", "こねこ", "yorkie", "ｼﾊﾞ", "kitten")


def prefixes() -> list[str]:
    """Every prefix of every typed query, as a user types it."""
    return [word[:end] for word in TYPED for end in range(1, len(word) + 1)]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds."""
    cuts = quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def timed(call: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="dog_leigh")
    parser.add_argument("--password", default="password")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    typed = prefixes()
    with httpx.Client(base_url=args.url, timeout=30) as client:
        login = client.post(
            "/v0/user/login", json={"handle_name": args.user, "password": args.password}
        )
        login.raise_for_status()
        headers = {"token": login.json()["token"]}
        for prefix in typed:  # warm-up
            client.get("/v0/animal/search/suggest", params={"q": prefix}, headers=headers)
        rows: dict[str, list[float]] = {"health-check (floor)": [], "user/me (floor + token)": []}
        rows["suggest"] = []
        for _ in range(args.rounds):
            for prefix in typed:
                rows["health-check (floor)"] += timed(lambda: client.get("/v0/health-check"), 1)
                rows["user/me (floor + token)"] += timed(
                    lambda: client.get("/v0/user/me", headers=headers), 1
                )
                rows["suggest"] += timed(
                    lambda p=prefix: client.get(  # type: ignore[misc]
                        "/v0/animal/search/suggest", params={"q": p}, headers=headers
                    ).raise_for_status(),
                    1,
                )
    table = Table(title=f"suggest through HTTP: {len(typed)} prefixes × {args.rounds} rounds")
    for column in ("route", "samples", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="right" if column != "route" else "left")
    for name, samples in rows.items():
        p50, p95, p99 = percentiles(samples)
        table.add_row(name, f"{len(samples):,}", f"{p50:.2f}", f"{p95:.2f}", f"{p99:.2f}")
    console = Console()
    console.print(table)

    suggester = Suggester(load_vocabulary())
    cpu: list[float] = []
    for _ in range(args.rounds):
        for prefix in typed:
            started = time.process_time()
            suggester.suggest(prefix)
            cpu.append(time.process_time() - started)
    inner = Table(title="completion alone, in process (CPU time)")
    for column in ("samples", "p50 ms", "p95 ms", "p99 ms"):
        inner.add_column(column, justify="right")
    p50, p95, p99 = percentiles(cpu)
    inner.add_row(f"{len(cpu):,}", f"{p50:.3f}", f"{p95:.3f}", f"{p99:.3f}")
    console.print(inner)


if __name__ == "__main__":
    main()
