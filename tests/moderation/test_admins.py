"""Only administrators get into the moderation portal, and only while they stay admins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from aianimals.core.errors import Forbidden, Unauthorized
from aianimals.moderation.admins import NOT_AN_ADMIN, WRONG_CREDENTIALS, AdminAuth
from aianimals.roles.container import Container
from aianimals.users.models import ROLE_ADMIN, ROLE_USER, AuthToken, User
from aianimals.users.service import UserService
from tests.factories import PASSWORD, Factory


@contextmanager
def _admins(container: Container) -> Iterator[AdminAuth]:
    with container.database.session() as session:
        yield AdminAuth(UserService(session, container.hasher, timedelta(hours=1)))


def _tokens(container: Container) -> int:
    with container.database.session() as session:
        return session.scalar(select(func.count()).select_from(AuthToken)) or 0


def test_an_admin_logs_in_resumes_and_logs_out(container: Container, factory: Factory) -> None:
    admin = factory.user("moderator", role=ROLE_ADMIN)
    with _admins(container) as admins:
        session = admins.log_in(" moderator@example.com ", PASSWORD)
        assert (session.user_id, session.handle_name) == (admin.id, "moderator")
        assert admins.resume(session.token) == session
        admins.log_out(session.token)
        with pytest.raises(Unauthorized):
            admins.resume(session.token)


def test_an_admin_logs_in_with_the_address_in_any_case(
    container: Container, factory: Factory
) -> None:
    admin = factory.user("moderator", role=ROLE_ADMIN)
    with _admins(container) as admins:
        assert admins.log_in("Moderator@EXAMPLE.com", PASSWORD).user_id == admin.id


def test_wrong_credentials_are_refused_alike(container: Container, factory: Factory) -> None:
    factory.user("moderator", role=ROLE_ADMIN)
    for email, password in (
        ("moderator@example.com", "wrong"),
        ("nobody@example.com", PASSWORD),
        ("", ""),
    ):
        with _admins(container) as admins, pytest.raises(Unauthorized, match=WRONG_CREDENTIALS):
            admins.log_in(email, password)


def test_a_user_without_the_admin_role_is_refused_and_keeps_no_session(
    container: Container, factory: Factory
) -> None:
    factory.user("visitor")
    with _admins(container) as admins, pytest.raises(Forbidden, match=NOT_AN_ADMIN):
        admins.log_in("visitor@example.com", PASSWORD)
    assert _tokens(container) == 0


def test_a_demoted_admin_loses_the_portal_at_once(container: Container, factory: Factory) -> None:
    admin = factory.user("moderator", role=ROLE_ADMIN)
    with _admins(container) as admins:
        session = admins.log_in("moderator@example.com", PASSWORD)
    with container.database.session() as db:
        db.execute(update(User).where(User.id == admin.id).values(role=ROLE_USER))
        db.commit()
    with _admins(container) as admins, pytest.raises(Forbidden):
        admins.resume(session.token)
