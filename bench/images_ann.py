"""Benchmark the embedded ANN index (FAISS) for similar-image search, against exact search.

    .venv/bin/python bench/images_ann.py [--sizes 7349,1000000] [--dim 1280]
        [--data random|clustered] [--structure hnsw|flat|auto] [--storage float32|float16]
        [--m 32] [--ef-construction 200] [--ef-search 64,128,256] [--queries 200]
        [--exact-queries 20] [--threads N] [--k 10]

Per size: N unit vectors (float32, seeded), `EmbeddedVectorIndex.rebuild` in a temporary
directory (timed: insertion plus the atomic snapshot write, fsync included), re-opening it
(what an API process does on start), then for each --ef-search value --queries searches
for k neighbours of a stored vector excluding its own id (the "similar animals" call):
p50/p99 latency, and recall@k against the true neighbours (numpy brute force, computed
for the same queries). The in-run baseline is exact search: numpy brute force of one query
over all N vectors (`exact_search`), --exact-queries times; "÷ exact" is ANN p50 / its p50.

--data random: i.i.d. Gaussian directions, the worst case for any ANN (in 1280 dimensions
every vector is nearly equidistant from every other, so neighbours are barely
distinguishable). --data clustered: a synthetic stand-in for image embeddings, which have
few effective dimensions: 40 "breed" centres in a 64-dimensional latent space, 2,000
sub-centres scattered around them, points scattered around those, mapped into `dim`
dimensions and blurred with isotropic noise.

Memory: the vectors (N × dim × 4 bytes: 5.1 GB at 1M × 1280), plus the index (as much
again with float32 storage, half with --storage float16), plus the HNSW graph (about
N × m × 8 bytes). Time on the 2-core machine (shared, so ± 30 %): the defaults at 7,349
take under a minute; at 1M × 1280 only the float16 storage and a lighter graph fit in
about 10 minutes: `--sizes 1000000 --data clustered --storage float16 --m 32
--ef-construction 128 --queries 100 --exact-queries 10` (random data at 1M would take
well over half an hour to build, at recall far below 0.98).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table

from aianimals.ports.vectors.base import AnnParams
from aianimals.ports.vectors.embedded import EmbeddedVectorIndex
from aianimals.ports.vectors.exact import exact_search, top_rows

DEMO_SIZE = 7_349
CHUNK = 50_000
LATENT_DIM = 64
BREEDS = 40
CENTRES = 2_000

Matrix = npt.NDArray[np.float32]


@dataclass
class Row:
    """One ef_search setting at one size."""

    ef_search: int
    p50_ms: float
    p99_ms: float
    recall: float


@dataclass
class SizeResult:
    """Everything measured at one size."""

    n: int
    structure: str
    generate_s: float
    build_s: float
    open_s: float
    disk_mib: float
    rss_mib: float
    truth_s: float
    exact_p50_ms: float
    rows: list[Row] = field(default_factory=list)


def generate(n: int, dim: int, data: str, seed: int = 0) -> Matrix:
    """N unit vectors of the chosen kind, generated in chunks (one seed per chunk)."""
    out = np.empty((n, dim), dtype=np.float32)
    model = np.random.default_rng(seed)
    if data == "clustered":
        projection = np.linalg.qr(model.standard_normal((dim, LATENT_DIM)))[0].T
        projection = projection.astype(np.float32)
        breeds = model.standard_normal((BREEDS, LATENT_DIM)).astype(np.float32)
        centres = breeds[model.integers(0, BREEDS, CENTRES)]
        centres += 0.6 * model.standard_normal((CENTRES, LATENT_DIM)).astype(np.float32)
    for start in range(0, n, CHUNK):
        rng = np.random.default_rng([seed, start])
        size = min(CHUNK, n - start)
        if data == "clustered":
            latent = centres[rng.integers(0, CENTRES, size)]
            latent += 0.35 * rng.standard_normal((size, LATENT_DIM), dtype=np.float32)
            chunk = latent @ projection
            chunk += 0.02 * rng.standard_normal((size, dim), dtype=np.float32)
        else:
            chunk = rng.standard_normal((size, dim), dtype=np.float32)
        out[start : start + size] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return out


def percentile_ms(samples: list[float], q: float) -> float:
    """The q-th percentile of seconds, in milliseconds."""
    return float(np.percentile(samples, q)) * 1000


def directory_mib(path: Path) -> float:
    """Bytes under `path`, in MiB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def open_index(
    path: Path, args: argparse.Namespace, params: AnnParams, exact_below: int
) -> EmbeddedVectorIndex:
    """The embedded index under `path` with the benchmark's settings."""
    return EmbeddedVectorIndex(
        path,
        args.dim,
        params=params,
        storage=args.storage,
        exact_below=exact_below,
        build_threads=args.threads,
    )


def run_size(n: int, args: argparse.Namespace, root: Path, console: Console) -> SizeResult:
    """Generate, build, re-open and measure one size."""
    started = perf_counter()
    vectors = generate(n, args.dim, args.data)
    ids = [f"{i:032x}" for i in range(n)]
    generate_s = perf_counter() - started
    rng = np.random.default_rng(1)
    queries = rng.choice(n, size=min(args.queries, n), replace=False)
    console.print(f"[{n:,}] true neighbours of {len(queries)} queries (numpy)…")
    started = perf_counter()
    truth_rows, _ = top_rows(vectors, vectors[queries], args.k + 1)
    truth_s = perf_counter() - started
    truth = [
        [r for r in row if r != q][: args.k] for q, row in zip(queries, truth_rows, strict=True)
    ]
    exact_samples = []
    for q in queries[: args.exact_queries]:
        begin = perf_counter()
        exact_search(vectors, ids, vectors[q], args.k, exclude={ids[q]})
        exact_samples.append(perf_counter() - begin)

    path = root / f"vectors-{n}"
    exact_below = {"flat": n + 1, "hnsw": 0}.get(args.structure, 10_000)
    params = AnnParams(args.m, args.ef_construction, args.ef_search[0])
    index = open_index(path, args, params, exact_below)
    console.print(f"[{n:,}] rebuild ({args.structure}, {args.storage}, m={args.m})…")
    started = perf_counter()
    index.rebuild(zip(ids, vectors, strict=True))  # streamed, as the image pipeline would
    build_s = perf_counter() - started
    structure = index.structure
    index.close()
    del index
    started = perf_counter()
    reader = open_index(path, args, params, exact_below)
    open_s = perf_counter() - started
    result = SizeResult(
        n,
        structure,
        generate_s,
        build_s,
        open_s,
        directory_mib(path),
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        truth_s,
        percentile_ms(exact_samples, 50),
    )
    for ef in args.ef_search:
        reader.ef_search = ef
        for q in queries[:5]:  # warm-up
            reader.search(vectors[q], args.k, exclude={ids[q]})
        samples, recalls = [], []
        for q, true_rows in zip(queries, truth, strict=True):
            begin = perf_counter()
            found = reader.search(vectors[q], args.k, exclude={ids[q]})
            samples.append(perf_counter() - begin)
            expected = {ids[r] for r in true_rows}
            recalls.append(len(expected & {value for value, _ in found}) / len(expected))
        row = Row(
            ef, percentile_ms(samples, 50), percentile_ms(samples, 99), float(np.mean(recalls))
        )
        result.rows.append(row)
    reader.close()
    shutil.rmtree(path, ignore_errors=True)
    return result


def build_table(results: list[SizeResult], args: argparse.Namespace) -> Table:
    """Generation, build, re-open, disk and memory per size."""
    table = Table(title=f"builds: {args.data} unit vectors × {args.dim}, threads {args.threads}")
    columns = (
        "N",
        "structure",
        "generate s",
        "rebuild s",
        "vectors/s",
        "re-open s",
        "disk MiB",
        "peak RSS MiB",
        "truth s",
    )
    for column in columns:
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            f"{r.n:,}",
            r.structure,
            f"{r.generate_s:.1f}",
            f"{r.build_s:.1f}",
            f"{r.n / r.build_s:,.0f}",
            f"{r.open_s:.2f}",
            f"{r.disk_mib:,.0f}",
            f"{r.rss_mib:,.0f}",
            f"{r.truth_s:.1f}",
        )
    return table


def search_table(results: list[SizeResult], args: argparse.Namespace) -> Table:
    """Latency and recall per size and ef_search, next to exact search."""
    title = (
        f"search k={args.k} excluding the query's own id, {args.queries} queries "
        f"({args.data}, {args.storage}, m={args.m}, ef_construction={args.ef_construction})"
    )
    table = Table(title=title)
    for column in ("N", "method", "p50 ms", "p99 ms", f"recall@{args.k}", "p50 ÷ exact"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for r in results:
        exact = f"exact numpy (n={args.exact_queries})"
        table.add_row(f"{r.n:,}", exact, f"{r.exact_p50_ms:.2f}", "", "1.000", "1.00")
        for row in r.rows:
            method = f"{r.structure} ef_search={row.ef_search}"
            if r.structure == "flat":
                method = "flat (FAISS exact scan)"
            table.add_row(
                f"{r.n:,}",
                method,
                f"{row.p50_ms:.2f}",
                f"{row.p99_ms:.2f}",
                f"{row.recall:.3f}",
                f"{row.p50_ms / r.exact_p50_ms:.3f}",
            )
    return table


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=f"{DEMO_SIZE},1000000")
    parser.add_argument("--dim", type=int, default=1280)
    parser.add_argument("--data", choices=("random", "clustered"), default="random")
    parser.add_argument("--structure", choices=("hnsw", "flat", "auto"), default="hnsw")
    parser.add_argument("--storage", choices=("float32", "float16"), default="float32")
    parser.add_argument("--m", type=int, default=AnnParams.m)
    parser.add_argument("--ef-construction", type=int, default=AnnParams.ef_construction)
    parser.add_argument("--ef-search", default="64,128,256", help="comma-separated sweep")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--exact-queries", type=int, default=20)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    args.ef_search = [int(ef) for ef in args.ef_search.split(",")]
    return args


def main() -> None:
    """Measure each size, print the tables."""
    args = parse_args()
    console = Console(width=150)
    console.print(f"load before: {os.getloadavg()}")
    started = perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-images-ann-") as scratch:
        for size in sorted(int(s) for s in args.sizes.split(",")):
            results.append(run_size(size, args, Path(scratch), console))
            console.print(search_table(results[-1:], args))
    console.print(build_table(results, args))
    console.print(search_table(results, args))
    console.print(f"load after: {os.getloadavg()}; wall {perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
