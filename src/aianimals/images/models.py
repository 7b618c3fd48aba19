"""Image embeddings stored per animal and model version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.core.clock import utcnow
from aianimals.ports.sql.base import Base


class AnimalEmbedding(Base):
    """One animal's L2-normalised photo embedding (float32 bytes) from one model version.

    `animal_probability` is the same model's zero-shot "an animal is in the photo" score,
    kept beside the vector so evaluation and retraining need no second pass over photos.
    """

    __tablename__ = "animal_embeddings"

    animal_id: Mapped[str] = mapped_column(
        ForeignKey("animals.id", ondelete="CASCADE"), primary_key=True
    )
    model_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    animal_probability: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
