"""The moderation portal's login is limited like the API's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from aianimals.core.errors import Forbidden, TooManyRequests, Unauthorized
from aianimals.moderation.admins import AdminAuth, default_limiter
from aianimals.ports.cache.memory import MemoryCache
from aianimals.roles.container import Container
from aianimals.security.login_limits import LoginLimiter
from aianimals.users.models import ROLE_ADMIN
from aianimals.users.service import UserService
from tests.factories import PASSWORD, Factory


@contextmanager
def _admins(container: Container, limiter: LoginLimiter) -> Iterator[AdminAuth]:
    with container.database.session() as session:
        users = UserService(session, container.hasher, timedelta(hours=1))
        yield AdminAuth(users, limiter)


def test_the_sixth_failure_is_refused_before_the_password_is_checked(
    container: Container, factory: Factory
) -> None:
    factory.user("moderator", role=ROLE_ADMIN)
    limiter = LoginLimiter(MemoryCache())
    with _admins(container, limiter) as admins:
        for _ in range(5):
            with pytest.raises(Unauthorized):
                admins.log_in("moderator@example.com", "wrong", client="10.0.0.1")
        with pytest.raises(TooManyRequests, match="too many failed logins"):
            admins.log_in("moderator@example.com", PASSWORD, client="10.0.0.1")
        # Another browser is not locked out by this one's failures.
        assert admins.log_in("moderator@example.com", PASSWORD, client="10.0.0.2").token


def test_every_spelling_of_the_address_counts_for_the_one_account(
    container: Container, factory: Factory
) -> None:
    factory.user("moderator", role=ROLE_ADMIN)
    limiter = LoginLimiter(MemoryCache())
    spellings = ["moderator@example.com", "MODERATOR@example.com", "Moderator@Example.COM"]
    with _admins(container, limiter) as admins:
        for email in [*spellings, *spellings[:2]]:
            with pytest.raises(Unauthorized):
                admins.log_in(email, "wrong", client="10.0.0.1")
        with pytest.raises(TooManyRequests):
            admins.log_in("moderator@example.com", PASSWORD, client="10.0.0.1")


def test_unknown_addresses_are_refused_alike(container: Container, factory: Factory) -> None:
    factory.user("moderator", role=ROLE_ADMIN)
    limiter = LoginLimiter(MemoryCache())
    outcomes = []
    with _admins(container, limiter) as admins:
        for email in ("moderator@example.com", "nobody@example.com"):
            for _ in range(6):
                try:
                    admins.log_in(email, "wrong")
                except (Unauthorized, TooManyRequests) as error:
                    outcomes.append((email, type(error).__name__, error.message))
    known = [(kind, message) for email, kind, message in outcomes if email.startswith("mod")]
    unknown = [(kind, message) for email, kind, message in outcomes if email.startswith("nob")]
    assert known == unknown
    assert [kind for kind, _ in known] == ["Unauthorized"] * 5 + ["TooManyRequests"]


def test_a_right_password_resets_even_for_a_non_admin(
    container: Container, factory: Factory
) -> None:
    factory.user("visitor")
    limiter = LoginLimiter(MemoryCache())
    with _admins(container, limiter) as admins:
        for _ in range(2):
            for _ in range(4):
                with pytest.raises(Unauthorized):
                    admins.log_in("visitor@example.com", "wrong")
            with pytest.raises(Forbidden):
                admins.log_in("visitor@example.com", PASSWORD)


def test_without_a_limiter_the_process_default_is_used(
    container: Container, factory: Factory
) -> None:
    with container.database.session() as session:
        users = UserService(session, container.hasher, timedelta(hours=1))
        assert AdminAuth(users).limiter is default_limiter()
