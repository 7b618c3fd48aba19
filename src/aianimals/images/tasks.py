"""The image pipeline's queue handlers: embed each new photo, score it for violations,
keep the similar-image index in step with what is visible.

Handlers copy the store's current state, so redelivered or reordered events converge:
an embedding already stored for this model version is reused (no second inference), the
detection event has a dedupe key per (animal, type, judge, version), and index membership
follows the animal's visibility now.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping, Sequence

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from aianimals.animals.photos import photo_key
from aianimals.animals.queries import animals_by_id, get_animal
from aianimals.core.events import (
    ANIMAL_CREATED,
    ANIMAL_DEACTIVATED,
    ANIMAL_UPDATED,
    Event,
    MalformedMessage,
)
from aianimals.images.detector import Detector, violation_detected
from aianimals.images.embeddings import StoredEmbedding, load_embedding, save_embedding
from aianimals.ml.images.model import ImageModel
from aianimals.observability.models import MODEL_VERSIONS
from aianimals.ports.blobs.store import BlobNotFoundError, BlobStore
from aianimals.ports.sql.database import Database
from aianimals.ports.sql.outbox import record_event
from aianimals.ports.vectors.base import VectorIndex

logger = logging.getLogger(__name__)

IMAGE_QUEUE = "image-pipeline"
DETECTOR_JUDGE = "detector"


class ImageTasks:
    """Embeds photos, publishes detections and maintains the similar-image index."""

    def __init__(
        self,
        database: Database,
        blobs: BlobStore,
        model: Callable[[], ImageModel],
        index: VectorIndex,
        detectors: Callable[[], Sequence[Detector]],
    ) -> None:
        self.database = database
        self.blobs = blobs
        self.model = model
        self.index = index
        self.detectors = detectors

    def handlers(self) -> Mapping[str, Callable[[Event], None]]:
        """Event type → handler, for the consumer of IMAGE_QUEUE."""
        return {
            ANIMAL_CREATED: self.embed,
            ANIMAL_UPDATED: self.sync,
            ANIMAL_DEACTIVATED: self.sync,
        }

    def embed(self, event: Event) -> None:
        """Embed the photo once per model version, publish detections, then index it."""
        self.embed_many([_animal_id(event)])

    def embed_many(self, animal_ids: Sequence[str]) -> int:
        """Embed (one batched inference), detect and index these animals; how many were new.

        Each animal's embedding and detection events commit together, so a crash leaves
        either both or neither; a re-run reuses stored embeddings.
        """
        model = self.model()
        with self.database.session() as session:
            animals = {animal.id: animal for animal in animals_by_id(session, animal_ids)}
            stored = {
                animal_id: found
                for animal_id in animals
                if (found := load_embedding(session, animal_id, model.version)) is not None
            }
            new = self._predict(model, [i for i in animals if i not in stored])
            for found in new:
                save_embedding(
                    session, found.animal_id, model.version, found.vector, found.animal_probability
                )
                stored[found.animal_id] = found
            for found in stored.values():
                self._publish_detections(session, found)
            session.commit()
            visible = {i: stored.get(i) for i, animal in animals.items() if not animal.deactivated}
        for animal_id in animals:
            self._place(animal_id, visible.get(animal_id))
        return len(new)

    def _publish_detections(self, session: Session, stored: StoredEmbedding) -> None:
        for detector in self.detectors():
            MODEL_VERSIONS.serve(f"detector/{detector.violation_type}", detector.version)
            probability = detector.probability(stored.vector, stored.animal_probability)
            event = violation_detected(
                stored.animal_id,
                detector.violation_type,
                probability,
                detector.version,
                DETECTOR_JUDGE,
            )
            record_event(session, event)

    def sync(self, event: Event) -> None:
        """Index the animal's stored embedding while it is visible; remove it otherwise."""
        animal_id = _animal_id(event)
        version = self.model().version
        with self.database.session() as session:
            animal = get_animal(session, animal_id)
            visible = animal is not None and not animal.deactivated
            stored = load_embedding(session, animal_id, version) if visible else None
        self._place(animal_id, stored)

    def _place(self, animal_id: str, stored: StoredEmbedding | None) -> None:
        if stored is None:
            self.index.remove([animal_id])
        else:
            self.index.add([animal_id], stored.vector.reshape(1, -1))

    def _predict(self, model: ImageModel, animal_ids: Sequence[str]) -> list[StoredEmbedding]:
        if not animal_ids:
            return []
        readable: list[str] = []
        images: list[Image.Image] = []
        for animal_id in animal_ids:
            try:
                images.append(self._photo(animal_id))
            except (MalformedMessage, OSError) as error:
                if len(animal_ids) == 1:
                    raise  # one event: retried, then dead-lettered with the reason
                logger.warning("photo of %s skipped: %s", animal_id, error)
                continue
            readable.append(animal_id)
        if not images:
            return []
        predictions = model.predict(images)
        return [
            StoredEmbedding(
                animal_id,
                predictions.embeddings[row],
                float(predictions.animal_probability[row]),
            )
            for row, animal_id in enumerate(readable)
        ]

    def _photo(self, animal_id: str) -> Image.Image:
        try:
            data = self.blobs.get(photo_key(animal_id))
        except BlobNotFoundError as error:
            msg = f"the photo of {animal_id} is not in the photo store"
            raise MalformedMessage(msg) from error
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError) as error:
            msg = f"the photo of {animal_id} cannot be decoded: {error}"
            raise MalformedMessage(msg) from error
        return image


def _animal_id(event: Event) -> str:
    animal_id = event.payload.get("animal_id")
    if not isinstance(animal_id, str) or not animal_id:
        msg = f"{event.type} without an animal_id"
        raise MalformedMessage(msg)
    return animal_id
