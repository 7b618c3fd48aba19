"""Is a credential a placeholder or weak? Pure functions over strings and URLs.

Used by the production check of the settings; never returns or logs a secret's value.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from aianimals.users.password_rules import is_common_password

MIN_SECRET_LENGTH = 12
PLACEHOLDERS = frozenset(
    {
        "change-me",
        "changeme",
        "change_me",
        "change-this",
        "changethis",
        "replace-me",
        "replaceme",
        "placeholder",
        "secret",
        "password",
        "guest",
        "admin",
        "root",
        "postgres",
        "redis",
        "rabbitmq",
        "mlflow",
        "default",
        "example",
        "test",
        "dev",
        "todo",
        "fixme",
        "none",
        "null",
    }
)
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def is_placeholder(secret: str) -> bool:
    """`change-me`, `guest`, `<password>`, `${PASSWORD}`, `xxxx`… (case-insensitive)."""
    lowered = secret.strip().casefold()
    return (
        lowered in PLACEHOLDERS
        or lowered.startswith(("change", "replace", "your-", "your_", "<", "${", "{{"))
        or set(lowered) <= set("x*.-_")
    )


def secret_problem(secret: str, user: str = "") -> str | None:
    """Why `secret` is not fit for production, or None. The value itself is never quoted."""
    if is_placeholder(secret):
        return "is a placeholder"
    if user and secret.casefold() == user.casefold():
        return "equals the user name"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    if is_common_password(secret):
        return "is a common password"
    return None


def url_credential_problem(url: str, *, password_required: bool) -> str | None:
    """Why the credentials in `url` are not fit for production, or None.

    A password that is a placeholder, equals the user name, is short or common is refused;
    with `password_required`, so is a URL without a password whose host is not local.
    """
    parts = urlsplit(url)
    try:
        host = parts.hostname or ""
    except ValueError:
        return "is not a valid URL"
    password = unquote(parts.password) if parts.password is not None else ""
    if not password:
        if password_required and host not in LOCAL_HOSTS:
            return f"has no password for the non-local host {host}"
        return None
    problem = secret_problem(password, unquote(parts.username or ""))
    return f"has a password that {problem}" if problem else None
