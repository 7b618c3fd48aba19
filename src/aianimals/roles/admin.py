"""The first administrator: created once by `aianimals up`, its credentials kept under var/."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aianimals.roles.container import Container
from aianimals.users.schemas import UserCreate
from aianimals.users.service import UserService

CREDENTIALS_FILE = "admin-credentials.json"
ADMIN_HANDLE = "admin"
ADMIN_EMAIL = "admin@aianimals.example"


@dataclass(frozen=True)
class AdminCredentials:
    """What the portal's login form asks for."""

    email_address: str
    password: str


def ensure_admin(container: Container) -> AdminCredentials | None:
    """Create the `admin` account with a random password when no administrator exists.

    The password is written to `<var_dir>/admin-credentials.json` (mode 0600) so later
    starts can show it again; None when administrators exist but that file does not
    (they were made another way).
    """
    path = container.settings.var_dir / CREDENTIALS_FILE
    ttl = timedelta(seconds=container.settings.auth.token_ttl_seconds)
    with container.database.session() as session:
        users = UserService(session, container.hasher, ttl)
        if not users.has_admin():
            password = secrets.token_urlsafe(12)
            users.sign_up_admin(
                UserCreate(handle_name=ADMIN_HANDLE, email_address=ADMIN_EMAIL, password=password)
            )
            _write_private(path, {"email_address": ADMIN_EMAIL, "password": password})
    try:
        stored = json.loads(path.read_text("utf-8"))
        return AdminCredentials(str(stored["email_address"]), str(stored["password"]))
    except (OSError, ValueError, KeyError):
        return None


def _write_private(path: Path, body: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(body, file)
