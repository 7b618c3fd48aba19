"""`aianimals train similar-images`: embed → rebuild → evaluate, the hourly pipeline.

New photos the current image model has not embedded are embedded (and judged), the ANN
index is rebuilt from every visible animal's embedding and swapped in atomically, and its
recall@10 against exact search is measured on a sample of the indexed animals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from aianimals.core.pipeline import Pipeline, Step
from aianimals.images.embeddings import visible_embeddings
from aianimals.images.rebuild import embed_missing, rebuild_vectors
from aianimals.images.tasks import ImageTasks
from aianimals.ports.vectors.exact import exact_search, recall_at_k

RECALL_K = 10
RECALL_SAMPLE = 200


@dataclass
class ImageIndexRun:
    """The run so far."""

    tasks: ImageTasks
    model_version: str
    embedded: int = 0
    indexed: int = 0
    recall: float | None = None
    sampled: int = 0
    notes: list[str] = field(default_factory=list)


def embed(run: ImageIndexRun) -> ImageIndexRun:
    """Embed and judge the photos the model has not seen."""
    run.embedded = embed_missing(run.tasks, run.model_version)
    return run


def rebuild(run: ImageIndexRun) -> ImageIndexRun:
    """Rebuild the ANN index from the stored embeddings of visible animals."""
    run.indexed = rebuild_vectors(run.tasks.database, run.tasks.index, run.model_version)
    return run


def evaluate(run: ImageIndexRun) -> ImageIndexRun:
    """recall@10 of the index against exact search, the query animal excluded."""
    with run.tasks.database.session() as session:
        stored = list(visible_embeddings(session, run.model_version))
    if len(stored) <= RECALL_K:
        return run
    ids = [item.animal_id for item in stored]
    matrix = np.stack([item.vector for item in stored])
    rows = np.random.default_rng(0).permutation(len(stored))
    sample = [int(row) for row in rows[:RECALL_SAMPLE]]
    recalls = []
    for row in sample:
        query = ids[row]
        truth = exact_search(matrix, ids, matrix[row], RECALL_K, exclude=(query,))
        found = run.tasks.index.search(matrix[row], RECALL_K, exclude=(query,))
        recalls.append(recall_at_k([i for i, _ in found], [i for i, _ in truth], RECALL_K))
    run.recall, run.sampled = float(np.mean(recalls)), len(sample)
    return run


IMAGE_INDEX_PIPELINE = Pipeline(
    "similar-images",
    [
        Step("embed", embed, "embed and judge new photos", lambda r: f"{r.embedded:,} new"),
        Step("rebuild", rebuild, "ANN index from stored embeddings", lambda r: f"{r.indexed:,}"),
        Step(
            "evaluate",
            evaluate,
            "recall@10 against exact search",
            lambda r: (
                "too few animals"
                if r.recall is None
                else f"recall@10 {r.recall:.3f} on {r.sampled} queries"
            ),
        ),
    ],
)
