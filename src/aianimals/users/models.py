"""Users, their access tokens, and the e-mail messages written for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from aianimals.core.clock import utcnow
from aianimals.ports.sql.base import Base, Timestamped
from aianimals.users.identities import (
    EMAIL_FOLDED_LENGTH,
    HANDLE_FOLDED_LENGTH,
    fold_identifier,
)

ROLE_USER = "user"
ROLE_ADMIN = "admin"


class User(Timestamped, Base):
    """A person with an account; the password is only ever stored as an argon2id hash.

    The handle and the e-mail address are unique as stored and, through their folded
    columns, up to case and Unicode width (`users.identities`). Setting either through the
    ORM sets its folded column too. A folded column is NULL only where migration 0006 found
    an older account with the same folded value (docs/operations.md).
    """

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    handle_name: Mapped[str] = mapped_column(String(64), unique=True)
    handle_name_folded: Mapped[str | None] = mapped_column(
        String(HANDLE_FOLDED_LENGTH), unique=True, index=True
    )
    email_address: Mapped[str] = mapped_column(String(254), unique=True)
    email_address_folded: Mapped[str | None] = mapped_column(
        String(EMAIL_FOLDED_LENGTH), unique=True, index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gender: Mapped[int | None] = mapped_column(Integer, nullable=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_USER, server_default=ROLE_USER)
    deactivated: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    @validates("handle_name", "email_address")
    def _fold(self, name: str, value: str) -> str:
        setattr(self, f"{name}_folded", fold_identifier(value))
        return value


class AuthToken(Base):
    """A login session: the SHA-256 digest of a bearer token, valid until `expires_at`."""

    __tablename__ = "auth_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


SIGNUP_WITH_EXISTING_EMAIL = "signup_with_existing_email"
"""An e-mail to the owner of an address someone tried to sign up with again."""


class EmailMessage(Base):
    """An e-mail to send. No mail server runs here: the `email_outbox` row is the record,
    for an operator to read or a mail relay to deliver."""

    __tablename__ = "email_outbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
