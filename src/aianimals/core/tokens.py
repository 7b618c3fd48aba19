"""Opaque access tokens: random to the client, stored only as a digest."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A fresh bearer token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The digest under which a token is stored; a leaked table yields no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
