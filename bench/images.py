"""Benchmark the image side: embedding throughput, the similar route, post → similar / hidden.

    .venv/bin/python bench/images.py [--var var] [--requests 200] [--posts 10]

1. Embedding throughput on the 236 labelled photos with ONNX Runtime on 2 threads: decode +
   preprocess + inference, one photo at a time and in batches of 16. Baseline in the same
   run: decode + preprocess alone (the share inference adds).
2. `aianimals api` and `aianimals worker` as two processes over a copy of a store that
   `make run` prepared (--var, default ./var: the demo's 7,349 embedded photos; photos are
   hard-linked, ./var itself is never written). `POST /v0/animal/search/similar` for random
   visible animals (each first asked once: the uncached path), p50 / p99. Baselines in the
   same run: `GET /v0/health-check` (the HTTP floor) and the text search 「犬」 by score.
3. Post → similar: a photo posted twice (A, then B); seconds from B's post until B is among
   A's similar animals (worker: embed, index; API: sees the index change).
   Post → hidden: a photo of a coffee cup; seconds until the violation registry has hidden it
   (the animal's row is deactivated: every read path drops it from then on).

The ANN index alone at 1M vectors is measured by bench/images_ann.py.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from time import perf_counter, sleep
from typing import Any

import httpx
import numpy as np
from PIL import Image
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aianimals.ml.images.evalset import load_eval_set
from aianimals.ml.images.model import load_model
from aianimals.ml.images.preprocess import preprocess_batch
from aianimals.ml.images.runtime import RuntimeOptions
from search import CLI, demo_user, environment, free_port, login, serving, wait_ready

PHOTOS = Path(__file__).resolve().parent.parent / "src" / "aianimals" / "dataset" / "photos"
POLL_SECONDS = 0.02
TIMEOUT = 30.0


def percentile_ms(samples: list[float], q: float) -> float:
    """The q-th percentile of samples in seconds, in milliseconds."""
    return float(np.percentile(np.asarray(samples), q)) * 1000


def throughput(console: Console) -> Table:
    """Images per second: decode + preprocess (+ inference), single and batched."""
    eval_set = load_eval_set()
    raw = [(PHOTOS / photo.file).read_bytes() for photo in eval_set.photos]
    model = load_model(options=RuntimeOptions(intra_op_threads=2))

    def decode(data: bytes) -> Image.Image:
        image = Image.open(io.BytesIO(data))
        image.load()
        return image

    def preprocess_only() -> None:
        for data in raw:
            preprocess_batch([decode(data)])

    def single() -> None:
        for data in raw:
            model.predict([decode(data)])

    def batched() -> None:
        for start in range(0, len(raw), 16):
            model.predict([decode(data) for data in raw[start : start + 16]])

    table = Table(title=f"embedding throughput, {len(raw)} photos, 2 threads")
    for column in ("path", "images/s", "ms / image", "× decode+preprocess time"):
        table.add_column(column, justify="right" if column != "path" else "left")
    console.print("embedding throughput…")
    single()  # warm-up: sessions, caches
    timings = {}
    for name, run in (
        ("decode + preprocess (baseline)", preprocess_only),
        ("+ inference, batch 1", single),
        ("+ inference, batch 16", batched),
    ):
        started = perf_counter()
        run()
        timings[name] = perf_counter() - started
    base = timings["decode + preprocess (baseline)"]
    for name, seconds in timings.items():
        table.add_row(
            name,
            f"{len(raw) / seconds:,.1f}",
            f"{seconds / len(raw) * 1000:.2f}",
            f"{seconds / base:.2f}",
        )
    return table


def copy_var(source: Path, target: Path) -> Path:
    """The store, indexes and queue copied; photos hard-linked. Returns the store's path."""
    target.mkdir(parents=True)
    shutil.copy2(source / "aianimals.db", target / "aianimals.db")
    for name in ("search", "vectors"):
        shutil.copytree(source / name, target / name)
    shutil.copytree(source / "blobs", target / "blobs", copy_function=os.link)
    return target / "aianimals.db"


def env_for(work: Path, store: Path, port: int) -> dict[str, str]:
    """The search bench's environment with the image pipeline on, files under `work`."""
    env = environment(work, store, port, cache=True)
    env.update(
        {
            "AIANIMALS_IMAGES__ENABLED": "true",
            "AIANIMALS_VECTORS__PATH": str(work / "vectors"),
            "AIANIMALS_BLOBS__ROOT": str(work / "blobs"),
            "AIANIMALS_SEARCH__PATH": str(work / "search"),
        }
    )
    return env


def timed(call: Callable[[], Any], n: int) -> list[float]:
    """Seconds per call, n calls."""
    samples = []
    for _ in range(n):
        started = perf_counter()
        call()
        samples.append(perf_counter() - started)
    return samples


def post(client: httpx.Client, photo: bytes, category: int, breed: int) -> str:
    """Post an animal; its id."""
    request = json.dumps(
        {
            "animal_category_id": category,
            "animal_subcategory_id": breed,
            "name": "bench",
            "description": "bench",
        }
    )
    answer = client.post(
        "/v0/animal", data={"request": request}, files={"file": ("p.jpg", photo, "image/jpeg")}
    )
    answer.raise_for_status()
    return str(answer.json()["id"])


def until(check: Callable[[], bool], limit: float = TIMEOUT) -> float:
    """Seconds until `check()` holds (polled every 20 ms)."""
    started = perf_counter()
    while perf_counter() - started < limit:
        if check():
            return perf_counter() - started
        sleep(POLL_SECONDS)
    raise RuntimeError(f"not within {limit:.0f} s")


def detections_applied(engine: Engine) -> bool:
    """Whether every embedded photo's detection is in the registry (the backlog the first
    start's back-fill queued is worked off)."""
    with engine.connect() as connection:
        embedded = connection.exec_driver_sql("SELECT count(*) FROM animal_embeddings")
        total = int(embedded.scalar_one())
        judged = connection.exec_driver_sql(
            "SELECT count(DISTINCT animal_id) FROM violations WHERE judge = 'detector'"
        )
        return int(judged.scalar_one()) >= total


def is_hidden(engine: Engine, animal_id: str) -> bool:
    """Whether the animal's row is deactivated (read in a fresh connection)."""
    with engine.connect() as connection:
        query = "SELECT deactivated FROM animals WHERE id = ?"
        return bool(connection.exec_driver_sql(query, (animal_id,)).scalar_one())


def similar_ids(client: httpx.Client, animal_id: str) -> list[str]:
    """Ids of the similar route's answer."""
    answer = client.post("/v0/animal/search/similar", json={"id": animal_id})
    answer.raise_for_status()
    return [result["id"] for result in answer.json()["results"]]


def serve(args: argparse.Namespace, console: Console) -> tuple[Table, Table]:
    """Route latencies and post → similar / hidden, against api + worker processes."""
    with tempfile.TemporaryDirectory(prefix="aianimals-bench-images-") as scratch:
        work = Path(scratch)
        work = work / "var"
        store = copy_var(args.var, work)
        port = free_port()
        env = env_for(work, store, port)
        url = f"sqlite:///{store}"
        engine = create_engine(url)
        with engine.connect() as connection:
            visible = [
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT animal_id FROM animal_embeddings e JOIN animals a "
                    "ON a.id = e.animal_id WHERE a.deactivated = 0"
                )
            ]
            category, breed = connection.exec_driver_sql(
                "SELECT category_id, id FROM animal_subcategories WHERE category_id = 1 LIMIT 1"
            ).one()
        console.print(f"api + worker over a copy of {args.var} ({len(visible):,} embedded)…")
        with (
            serving([str(CLI), "api"], env, work / "api.log") as api,
            serving([str(CLI), "worker"], env, work / "worker.log"),
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client,
        ):
            wait_ready(client, api, 300)
            login(client, demo_user(url))
            backlog = perf_counter()
            until(lambda: detections_applied(engine), limit=600)
            console.print(
                "detections of the first start's photos applied by the registry in "
                f"{perf_counter() - backlog:.1f} s (measurements start after)"
            )
            ids = random.Random(0).sample(visible, min(args.requests, len(visible)))
            similar_ids(client, ids[0])  # loads the model and the index
            queue = iter(ids)
            latencies = {
                "GET /v0/health-check (floor)": timed(
                    lambda: client.get("/v0/health-check").raise_for_status(), len(ids)
                ),
                "search 「犬」 by score": timed(
                    lambda: client.post(
                        "/v0/animal/search", json={"phrases": ["犬"], "sort_by": "score"}
                    ).raise_for_status(),
                    len(ids),
                ),
                "similar (first ask of each animal)": timed(
                    lambda: similar_ids(client, next(queue)), len(ids)
                ),
            }
            cat = (PHOTOS / "cat" / "ginger_kitten.jpg").read_bytes()
            cup = (PHOTOS / "no_animal" / "coffee_cup.jpg").read_bytes()
            to_similar, to_hidden = [], []
            for _ in range(args.posts):
                first = post(client, cat, category, breed)
                until(lambda a=first: bool(similar_ids(client, a)))  # A embedded and indexed
                second = post(client, cat, category, breed)
                to_similar.append(until(lambda a=first, b=second: b in similar_ids(client, a)))
                hidden = post(client, cup, category, breed)
                to_hidden.append(until(lambda h=hidden: is_hidden(engine, h)))
        engine.dispose()
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in ("api.log", "worker.log", "aianimals.db", "queue.db"):
                shutil.copy2(work / log, args.logs / log)
    return route_table(latencies), post_table(to_similar, to_hidden)


def route_table(latencies: dict[str, list[float]]) -> Table:
    """p50 / p99 per route, with the ratio to the HTTP floor."""
    table = Table(title="routes over HTTP, demo store (api and worker processes)")
    for column in ("request", "n", "p50 ms", "p99 ms", "p50 × floor"):
        table.add_column(column, justify="right" if column != "request" else "left")
    floor = percentile_ms(next(iter(latencies.values())), 50)
    for name, samples in latencies.items():
        p50 = percentile_ms(samples, 50)
        table.add_row(
            name,
            str(len(samples)),
            f"{p50:.1f}",
            f"{percentile_ms(samples, 99):.1f}",
            f"{p50 / floor:.1f}",
        )
    return table


def post_table(to_similar: list[float], to_hidden: list[float]) -> Table:
    """Seconds from a post to its effect, p50 / p95 / max (target ≤ 2 s)."""
    table = Table(title="post → effect (target ≤ 2 s)")
    for column in ("effect", "n", "p50 s", "p95 s", "max s"):
        table.add_column(column, justify="right" if column != "effect" else "left")
    for name, samples in (
        ("a cat photo → among another cat's similar animals", to_similar),
        ("a coffee cup → hidden by the violation registry", to_hidden),
    ):
        table.add_row(
            name,
            str(len(samples)),
            f"{np.percentile(samples, 50):.2f}",
            f"{np.percentile(samples, 95):.2f}",
            f"{max(samples):.2f}",
        )
    return table


def parse_args() -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var", type=Path, default=Path("var"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--logs", type=Path, help="keep the api and worker logs here")
    return parser.parse_args()


def main() -> None:
    """Run every section and print its table."""
    args = parse_args()
    console = Console()
    if not (args.var / "vectors").is_dir():
        raise SystemExit(f"{args.var} has no similar-image index: run `make run` once first")
    console.print(throughput(console))
    for table in serve(args, console):
        console.print(table)


if __name__ == "__main__":
    main()
