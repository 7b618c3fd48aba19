"""Composition of the image pipeline: its tasks from a container (the first-start back-fill is
in roles/first_start.py)."""

from __future__ import annotations

from aianimals.images.tasks import ImageTasks
from aianimals.roles.container import Container


def image_tasks(container: Container) -> ImageTasks:
    """The image pipeline over this container's store, photos, model and ANN index."""
    return ImageTasks(
        container.database,
        container.blobs,
        lambda: container.image_model,
        container.vector_index,
        container.detectors,
    )
