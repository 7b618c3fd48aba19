"""Read load from plain threads: a cross-check of locust's figures against a running server.

    .venv/bin/python bench/read_load.py [--url http://127.0.0.1:8000] [--users 10]
                                        [--rate 2.0] [--seconds 60]

Each of --users threads logs in as a different demo user (password `password`) with its
own keep-alive connection (httpx), waits a random fraction of a second, then starts one
task every 1/--rate seconds: a search (Japanese and English phrases, every sort key
including learn-to-rank, the first 24) and a browse of the newest 24; then it opens an
animal from its results (the animal, who liked it, similar animals). Reads only: the
store does not change. The table gives per route the requests, errors, p50 and p99 as
this client measured them. `bench/load.py` drives the same routes, and the writes, from
locust; this is the read-only cross-check from another client.
"""

from __future__ import annotations

import argparse
import random
import threading
import time
from collections import defaultdict

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

PHRASES = ("ねこ", "犬", "子猫", "柴犬", "ふわふわ", "cat", "散歩", "寝顔", "white", "元気")
SORTS = ("score", "like", "created_at", "random", "learn_to_rank")


class Recorder:
    """Latencies and errors per route, from every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def call(self, route: str, answer: httpx.Response, started: float) -> None:
        """Record one request that began at `started` (perf_counter) and just answered."""
        with self.lock:
            self.seconds[route].append(time.perf_counter() - started)
            if answer.is_error:
                self.errors[route] += 1


def user(url: str, handle: str, args: argparse.Namespace, record: Recorder) -> None:
    """One logged-in reader at a fixed rate until the time is up."""
    with httpx.Client(base_url=url, timeout=30) as client:
        login = client.post("/v0/user/login", json={"handle_name": handle, "password": "password"})
        client.headers["token"] = login.json()["token"]
        seen: list[str] = []
        ends = time.monotonic() + args.seconds
        time.sleep(random.random())
        while (began := time.monotonic()) < ends:
            body = {"phrases": [random.choice(PHRASES)], "sort_by": random.choice(SORTS)}
            started = time.perf_counter()
            answer = client.post("/v0/animal/search?limit=24", json=body)
            record.call("POST /v0/animal/search", answer, started)
            if answer.is_success:
                seen = [result["id"] for result in answer.json()["results"]] or seen
            started = time.perf_counter()
            record.call("GET /v0/animal", client.get("/v0/animal?limit=24"), started)
            if seen:
                open_animal(client, random.choice(seen), record)
            time.sleep(max(0.0, 1.0 / args.rate - (time.monotonic() - began)))


def open_animal(client: httpx.Client, animal_id: str, record: Recorder) -> None:
    """An animal's page: the animal, who liked it, similar animals."""
    started = time.perf_counter()
    record.call("GET /v0/animal?id=", client.get(f"/v0/animal?id={animal_id}"), started)
    started = time.perf_counter()
    record.call("GET /v0/like", client.get(f"/v0/like?animal_id={animal_id}"), started)
    started = time.perf_counter()
    similar = client.post("/v0/animal/search/similar", json={"id": animal_id})
    record.call("POST /v0/animal/search/similar", similar, started)


def handles(url: str, count: int) -> list[str]:
    """Demo users to log in as: those who posted the newest animals."""
    with httpx.Client(base_url=url, timeout=30) as client:
        login = client.post(
            "/v0/user/login", json={"handle_name": "dog_leigh", "password": "password"}
        )
        client.headers["token"] = login.json()["token"]
        newest = client.get("/v0/animal?limit=200").json()
    names = list(dict.fromkeys(animal["user_handle_name"] for animal in newest))
    return (names * count)[:count] if names else ["dog_leigh"] * count


def table(record: Recorder, seconds: float) -> Table:
    """p50 / p99 per route."""
    result = Table(title="reads from plain threads (httpx, keep-alive)")
    for column in ("route", "requests", "errors", "req/s", "p50 ms", "p99 ms"):
        result.add_column(column, justify="left" if column == "route" else "right")
    every: list[float] = []
    for route, samples in sorted(record.seconds.items()):
        every += samples
        result.add_row(*_row(route, samples, record.errors[route], seconds))
    result.add_row(*_row("all", every, sum(record.errors.values()), seconds))
    return result


def _row(route: str, samples: list[float], errors: int, seconds: float) -> list[str]:
    p50, p99 = np.percentile(np.array(samples) * 1000, [50, 99])
    rate = len(samples) / seconds
    return [route, f"{len(samples):,}", str(errors), f"{rate:.1f}", f"{p50:.1f}", f"{p99:.1f}"]


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--rate", type=float, default=2.0, help="tasks per second per user")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    record = Recorder()
    threads = [
        threading.Thread(target=user, args=(args.url, handle, args, record))
        for handle in handles(args.url, args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Console().print(table(record, args.seconds))


if __name__ == "__main__":
    main()
