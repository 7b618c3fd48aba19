"""One account per handle and per e-mail address, whatever their case or width (issue 14.6)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from aianimals.core.ids import new_id
from aianimals.roles.container import Container
from aianimals.users.models import User
from tests.factories import PASSWORD, Factory

NEW_PASSWORD = "a long enough password"


def _sign_up(client: TestClient, handle: str, email: str) -> int:
    body = {"handle_name": handle, "email_address": email, "password": NEW_PASSWORD}
    return client.post("/v0/user", json=body).status_code


def _accounts(container: Container) -> int:
    with container.database.session() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


@pytest.mark.parametrize("handle", ["DOG_LEIGH", "Dog_Leigh", "dOG_lEIGH"])
def test_a_case_variant_of_a_taken_handle_is_409(
    client: TestClient, factory: Factory, container: Container, handle: str
) -> None:
    factory.user("dog_leigh")
    assert _sign_up(client, handle, "someone.else@example.com") == 409
    assert _accounts(container) == 1


@pytest.mark.parametrize(
    "email",
    [
        "DOG_LEIGH@example.com",
        "Dog_Leigh@Example.COM",
        "ｄｏｇ_ｌｅｉｇｈ@example.com",  # fullwidth local part
    ],
)
def test_a_variant_of_a_taken_email_creates_no_second_account(
    client: TestClient, factory: Factory, container: Container, email: str
) -> None:
    factory.user("dog_leigh")
    _sign_up(client, "impostor", email)
    assert _accounts(container) == 1
    login = {"handle_name": "impostor", "password": NEW_PASSWORD}
    assert client.post("/v0/user/login", json=login).status_code == 401


def test_the_database_refuses_a_folded_duplicate(factory: Factory) -> None:
    """Even a writer that skips the service cannot store a case duplicate."""
    factory.user("dog_leigh")
    for handle, email in (("DOG_LEIGH", "other@example.com"), ("other", "DOG_LEIGH@example.com")):
        factory.session.add(
            User(
                id=new_id(),
                handle_name=handle,
                email_address=email,
                password_hash=factory.hasher.hash(PASSWORD),
            )
        )
        with pytest.raises(IntegrityError):
            factory.session.commit()
        factory.session.rollback()


@pytest.mark.parametrize(
    "identifier",
    [
        {"handle_name": "Dog_Leigh"},
        {"handle_name": "DOG_LEIGH"},
        {"handle_name": "ｄｏｇ_ｌｅｉｇｈ"},
        {"email_address": "DOG_LEIGH@EXAMPLE.COM"},
        {"email_address": "Dog_Leigh@example.com"},
    ],
)
def test_login_matches_the_handle_or_email_whatever_its_case(
    client: TestClient, factory: Factory, identifier: dict[str, str]
) -> None:
    user = factory.user("dog_leigh")
    response = client.post("/v0/user/login", json={**identifier, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["user_id"] == user.id


def test_sign_up_stores_the_folded_values(client: TestClient, container: Container) -> None:
    assert _sign_up(client, "New_Cat", "New.Cat@Example.com") == 200
    with container.database.session() as session:
        user = session.scalars(select(User)).one()
    assert (user.handle_name, user.email_address) == ("New_Cat", "New.Cat@example.com")
    assert (user.handle_name_folded, user.email_address_folded) == (
        "new_cat",
        "new.cat@example.com",
    )
