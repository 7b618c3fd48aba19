"""The table of the SQL feature store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.core.clock import utcnow
from aianimals.ports.sql.base import Base


class FeatureRow(Base):
    """One entity's features of one kind and version, as a JSON object."""

    __tablename__ = "feature_rows"

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
