"""The texts of the e-mails the users feature writes to the outbox."""

from __future__ import annotations

from datetime import datetime


def signup_with_existing_email(owner_handle: str, tried_handle: str, at: datetime) -> str:
    """To the owner of an address someone tried to sign up with again (maybe the owner)."""
    return (
        f"Hello {owner_handle},\n\n"
        f"At {at:%Y-%m-%d %H:%M} UTC someone tried to create an AIAnimals account named "
        f'"{tried_handle}" with this e-mail address. It already belongs to your account '
        f'"{owner_handle}", so no new account was made.\n\n'
        "If that was you, log in with your handle name or this address instead. If it was "
        "not, you need do nothing: your account is unchanged.\n"
    )
