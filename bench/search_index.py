"""Benchmark the embedded search index (tantivy) in-process, without the HTTP stack.

    .venv/bin/python bench/search_index.py [--size 1000000] [--queries 200] [--threads 2]

Builds `--size` synthetic animals with `EmbeddedSearchIndex.rebuild` in a temporary
directory (timed, with the peak RSS of the process after it): a one-word name, the breed
field of the real analyzer (breed and category names in Japanese and English and a `#b<id>`
marker), and three to eight description words drawn Zipf-like from 20,000, one in three
descriptions also naming the category (犬 or 猫). Then, for --queries repetitions each, a
one-clause query for the most common token (犬, in half the breed fields), limit 100, sorted
by score, by likes and at random (a new seed each time): p50 and p99 latency of `search`.
Also one write (`upsert` of one animal, searchable when it returns). Seeded: the same
figures within the noise of the (shared) machine.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

from rich.console import Console
from rich.table import Table

from aianimals.ports.search.base import AnimalDocument, Clause, DocumentTokens, SearchQuery, Term
from aianimals.ports.search.embedded import EmbeddedSearchIndex

VOCABULARY = 20_000
BREEDS = 60
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)


def split_fields(document: AnimalDocument) -> DocumentTokens:
    """Whitespace tokens; the breed field as the real analyzer fills it."""
    breed = (
        document.subcategory_name_ja,
        document.subcategory_name_en,
        document.category_name_ja,
        document.category_name_en,
        f"#b{document.subcategory_id}",
    )
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
            subcategory_name_en=f"breed{breed}",
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
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="bench-search-index-") as scratch:
        index = EmbeddedSearchIndex(Path(scratch), split_fields, build_threads=args.threads)
        started = perf_counter()
        built = index.rebuild(animals(args.size), args.size)
        build_s = perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        console.print(f"{built:,} animals built in {build_s:.1f} s, peak RSS {peak_mb:,.0f} MB")
        table = Table(title=f"search, one clause (犬), limit 100, {built:,} animals")
        for column in ("sort", "hits", "p50 ms", "p99 ms"):
            table.add_column(column, justify="right")
        clause = (Clause((Term("犬"),)),)
        for sort_by in ("score", "like", "random"):
            samples, hits = [], 0
            for n in range(args.queries):
                query = SearchQuery(clause, min_cover=1, sort_by=sort_by, limit=100, seed=n)
                started = perf_counter()
                hits = index.search(query).hits
                samples.append((perf_counter() - started) * 1000)
            p50, p99 = percentiles(samples)
            table.add_row(sort_by, f"{hits:,}", f"{p50:.1f}", f"{p99:.1f}")
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
