"""Benchmark the embedded search index (tantivy) in-process, without the HTTP stack.

    .venv/bin/python bench/search_index.py [--size 1000000] [--queries 50] [--threads 2]

Builds `--size` synthetic animals with `EmbeddedSearchIndex.rebuild` in a temporary
directory (timed, with the peak RSS of the process after it): a one-word name, the breed
field exactly as the real analyzer fills it (`AnimalTokens`: breed and category names in
Japanese and English, the `#b:` and `#c:` tokens), and three to eight description words
drawn Zipf-like from 20,000, one in three descriptions also naming the category (犬 or 猫).
Then, for --queries repetitions each, the query the app builds for 「犬」 (`QueryBuilder` with
the pet vocabulary: the dog concept's words and `#c:dog`, matching half the animals), limit
100, under each order (`random` with a new seed each time): p50 and p99 latency and the
median CPU time of `search`. Also one write (`upsert` of one animal, searchable when it
returns). Seeded: the same figures within the noise of the (shared) machine. Run it on two
checkouts (`PYTHONPATH=<checkout>/src`) for a before/after.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

from rich.console import Console
from rich.table import Table

from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import AnimalDocument, DocumentTokens
from aianimals.ports.search.embedded import EmbeddedSearchIndex
from aianimals.ports.search.fields import AnimalTokens
from aianimals.search.lexicon import Lexicon
from aianimals.search.understanding import QueryBuilder
from aianimals.search.vocabulary import load_vocabulary

VOCABULARY = 20_000
BREEDS = 60
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)


class SyntheticTokens:
    """Whitespace tokens for the synthetic name and description; the breed field as the
    real analyzer fills it."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.real = AnimalTokens(analyzer)

    def __call__(self, document: AnimalDocument) -> DocumentTokens:
        breed = self.real(replace(document, name="", description=""))[1]
        return tuple(document.name.split()), breed, tuple(document.description.split())


def animals(size: int, seed: int = 7) -> Iterator[AnimalDocument]:
    rng = random.Random(seed)
    letters = "abcdefghijkmnoprstuwyz"
    words = [
        "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(VOCABULARY)
    ]
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(VOCABULARY)))
    names = words[:3_000]
    span = 3 * 365 * 86_400
    for n in range(size):
        dog = rng.random() < 0.5
        breed = rng.randint(1, BREEDS)
        description = rng.choices(words, cum_weights=weights, k=rng.randint(3, 8))
        if rng.random() < 1 / 3:
            description.append("犬" if dog else "猫")
        yield AnimalDocument(
            id=f"{rng.getrandbits(128):032x}",
            category_id=2 if dog else 1,
            subcategory_id=breed,
            category_name_en="dog" if dog else "cat",
            category_name_ja="犬" if dog else "猫",
            subcategory_name_en=f"breed_{breed}",
            subcategory_name_ja=f"ブリード{breed}",
            name=rng.choice(names),
            description=" ".join(description),
            user_handle_name=f"user{n % 50_000}",
            likes=int(rng.expovariate(0.2)),
            created_at=EPOCH + timedelta(seconds=rng.randrange(span)),
        )


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    console = Console()
    analyzer = Analyzer()
    builder = QueryBuilder(analyzer, Lexicon(load_vocabulary(), analyzer))
    dog = builder.query(builder.understand(("犬",)))
    with tempfile.TemporaryDirectory(prefix="bench-search-index-") as scratch:
        index = EmbeddedSearchIndex(
            Path(scratch), SyntheticTokens(analyzer), build_threads=args.threads
        )
        started = perf_counter()
        built = index.rebuild(animals(args.size), args.size)
        build_s = perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        console.print(f"{built:,} animals built in {build_s:.1f} s, peak RSS {peak_mb:,.0f} MB")
        table = Table(title=f"search 「犬」 as the app asks it, limit 100, {built:,} animals")
        for column in ("sort", "hits", "p50 ms", "p99 ms", "CPU ms (median)"):
            table.add_column(column, justify="right")
        for sort_by in ("score", "like", "created_at", "random"):
            samples, cpu, hits = [], [], 0
            for n in range(args.queries):
                query = replace(dog, sort_by=sort_by, limit=100, seed=n)
                started, cpu_started = perf_counter(), time.process_time()
                hits = index.search(query).hits
                samples.append((perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            p50, p99 = percentiles(samples)
            row = (f"{hits:,}", f"{p50:.1f}", f"{p99:.1f}", f"{percentiles(cpu)[0]:.1f}")
            table.add_row(sort_by, *row)
        console.print(table)
        writes = []
        for document in itertools.islice(animals(20, seed=8), 20):
            started = perf_counter()
            index.upsert([document])
            writes.append((perf_counter() - started) * 1000)
        p50, p99 = percentiles(writes)
        console.print(f"upsert of one animal (commit, searchable): p50 {p50:.1f} ms")


if __name__ == "__main__":
    main()
