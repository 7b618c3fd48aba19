"""`up` makes one administrator, keeps its password private, and shows it again later."""

from __future__ import annotations

import stat
from datetime import timedelta

from sqlalchemy import select

from aianimals.moderation.admins import AdminAuth
from aianimals.roles.admin import CREDENTIALS_FILE, ensure_admin
from aianimals.roles.container import Container
from aianimals.users.models import ROLE_ADMIN, User
from aianimals.users.service import UserService
from tests.factories import Factory


def test_the_first_start_creates_an_admin_who_can_log_in_to_the_portal(
    container: Container,
) -> None:
    credentials = ensure_admin(container)
    assert credentials is not None
    path = container.settings.var_dir / CREDENTIALS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(credentials.password) >= 16
    with container.database.session() as session:
        users = UserService(session, container.hasher, timedelta(hours=1))
        admin = AdminAuth(users).log_in(credentials.email_address, credentials.password)
        assert admin.handle_name == "admin"


def test_a_later_start_keeps_the_same_admin_and_password(container: Container) -> None:
    first = ensure_admin(container)
    assert ensure_admin(container) == first


def test_no_admin_is_made_when_one_exists_already(container: Container, factory: Factory) -> None:
    factory.user("boss", role=ROLE_ADMIN)
    assert ensure_admin(container) is None
    assert not (container.settings.var_dir / CREDENTIALS_FILE).exists()


def test_the_admin_account_is_unique_up_to_case(container: Container) -> None:
    ensure_admin(container)
    with container.database.session() as session:
        admin = session.scalars(select(User).where(User.role == ROLE_ADMIN)).one()
    assert (admin.handle_name_folded, admin.email_address_folded) == (
        "admin",
        "admin@aianimals.example",
    )
