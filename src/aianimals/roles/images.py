"""Composition of the image pipeline: its tasks from a container, and the first-start
back-fill that `up` and `aianimals index rebuild --images` run."""

from __future__ import annotations

from rich.console import Console

from aianimals.api.container import Container
from aianimals.dataset.progress import step_progress
from aianimals.images.rebuild import count_missing, embed_missing, rebuild_vectors
from aianimals.images.tasks import ImageTasks


def image_tasks(container: Container) -> ImageTasks:
    """The image pipeline over this container's store, photos, model and ANN index."""
    return ImageTasks(
        container.database,
        container.blobs,
        lambda: container.image_model,
        container.vector_index,
        container.detectors,
    )


def ensure_images(container: Container, console: Console, *, rebuild: bool = False) -> None:
    """Embed photos the model has not seen (judging them too), then rebuild the ANN index
    when asked or when it holds fewer animals than have embeddings."""
    version = container.image_model.version
    total = count_missing(container.database, version)
    tasks = image_tasks(container)
    if total:
        done = 0
        with step_progress(console) as report:

            def advance(count: int) -> None:
                nonlocal done
                done += count
                report(f"embedding photos ({version})", done, total)

            embedded = embed_missing(tasks, version, advance)
        console.print(f"photos embedded: {embedded:,} of {total:,}")
    if rebuild or total or container.vector_index.count() == 0:
        size = rebuild_vectors(container.database, container.vector_index, version)
        console.print(f"similar-image index built: {size:,} animals")
