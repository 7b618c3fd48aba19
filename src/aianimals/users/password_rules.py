"""What a new password must be: long, not the account's own name, not a common password.

Checked at sign-up only: the demo users' password (`password`) is imported as a hash, and
logging in never re-checks a stored password against these rules.
"""

from __future__ import annotations

import itertools
import string
from typing import NamedTuple

from aianimals.users.common_passwords import COMMON_PASSWORDS

PASSWORD_MIN_LENGTH = 12
"""The floor of `auth.password_min_length`: the schema refuses anything shorter."""
PASSWORD_MAX_LENGTH = 1024
MIN_DISTINCT_CHARACTERS = 5
MIN_NAME_LENGTH = 3
"""A handle or e-mail local part this long or longer may not appear inside the password."""
_DECORATION = string.digits + string.punctuation + string.whitespace


class PasswordProblem(NamedTuple):
    """Why a password is refused: a machine-readable `code` and a sentence."""

    code: str
    message: str


def password_problem(
    password: str,
    *,
    handle_name: str = "",
    email_address: str = "",
    min_length: int = PASSWORD_MIN_LENGTH,
) -> str | None:
    """Why `password` is refused for this account, or None when it is acceptable."""
    found = password_refusal(
        password, handle_name=handle_name, email_address=email_address, min_length=min_length
    )
    return found.message if found else None


def password_refusal(
    password: str,
    *,
    handle_name: str = "",
    email_address: str = "",
    min_length: int = PASSWORD_MIN_LENGTH,
) -> PasswordProblem | None:
    """The first rule `password` breaks for this account (its code and sentence), or None.

    Codes: `password_too_short`, `password_too_long`, `password_contains_handle`,
    `password_contains_email`, `password_common`, `password_too_simple`.
    """
    lowered = password.casefold()
    checks = (
        (
            len(password) < min_length,
            "password_too_short",
            f"the password must have at least {min_length} characters",
        ),
        (
            len(password) > PASSWORD_MAX_LENGTH,
            "password_too_long",
            f"the password must have at most {PASSWORD_MAX_LENGTH} characters",
        ),
        (
            _contains(lowered, handle_name),
            "password_contains_handle",
            "the password must not contain your handle name",
        ),
        (
            _contains(lowered, email_address.rpartition("@")[0]),
            "password_contains_email",
            "the password must not contain the part of your e-mail address before the @",
        ),
        (
            is_common_password(lowered),
            "password_common",
            "the password is one of the most common passwords: choose a less guessable one",
        ),
        (
            len(set(lowered)) < MIN_DISTINCT_CHARACTERS or _is_run(lowered),
            "password_too_simple",
            "the password is too simple: it repeats or runs through too few characters",
        ),
    )
    return next((PasswordProblem(code, reason) for failed, code, reason in checks if failed), None)


def _contains(password: str, name: str) -> bool:
    name = name.casefold()
    if not name:
        return False
    return password == name or (len(name) >= MIN_NAME_LENGTH and name in password)


def is_common_password(password: str) -> bool:
    """A listed password, alone, repeated, or wrapped in digits and symbols (`Password2024!`)."""
    password = password.casefold()
    core = password.strip(_DECORATION)
    if password in COMMON_PASSWORDS or core in COMMON_PASSWORDS:
        return True
    for size in range(1, len(core) // 2 + 1):
        unit = core[:size]
        if len(core) % size == 0 and unit * (len(core) // size) == core:
            return unit in COMMON_PASSWORDS
    return False


def _is_run(password: str) -> bool:
    """`123456789012`, `abcdefghijkl`, `987654321098`: each character one step from the last."""
    steps = {(ord(b) - ord(a)) for a, b in itertools.pairwise(password)}
    wrap = {ord("0") - ord("9"), ord("9") - ord("0")}
    return steps - wrap in ({1}, {-1}, set())
