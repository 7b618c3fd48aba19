"""Users and their access tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.ports.sql.base import Base, Timestamped

ROLE_USER = "user"
ROLE_ADMIN = "admin"


class User(Timestamped, Base):
    """A person with an account; the password is only ever stored as an argon2id hash."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    handle_name: Mapped[str] = mapped_column(String(64), unique=True)
    email_address: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gender: Mapped[int | None] = mapped_column(Integer, nullable=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_USER, server_default=ROLE_USER)
    deactivated: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class AuthToken(Base):
    """A login session: the SHA-256 digest of a bearer token, valid until `expires_at`."""

    __tablename__ = "auth_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
