"""Sign-up does not tell whether an e-mail address is registered (issue 14.7).

Handle names are public (every post shows its owner's), so a taken handle still answers 409.
A taken e-mail address answers exactly as a new account does; the account is not created
and the address's owner is told, through the e-mail outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from aianimals.roles.container import Container
from aianimals.users.models import SIGNUP_WITH_EXISTING_EMAIL, EmailMessage, User
from tests.factories import Factory

PASSWORD = "a long enough password"


def _body(handle: str, email: str) -> dict[str, Any]:
    return {
        "handle_name": handle,
        "email_address": email,
        "password": PASSWORD,
        "age": 33,
        "gender": 2,
    }


def _shape(answer: dict[str, Any]) -> dict[str, type]:
    return {name: type(value) for name, value in answer.items()}


def _outbox(container: Container) -> list[EmailMessage]:
    with container.database.session() as session:
        return list(session.scalars(select(EmailMessage)))


def test_a_taken_email_answers_like_a_new_account(
    client: TestClient, factory: Factory, container: Container
) -> None:
    owner = factory.user("dog_leigh")
    fresh = client.post("/v0/user", json=_body("cat_mia", "cat_mia@example.com"))
    taken = client.post("/v0/user", json=_body("impostor", "Dog_Leigh@example.com"))

    assert fresh.status_code == taken.status_code == 200
    assert fresh.headers.keys() == taken.headers.keys()
    assert _shape(fresh.json()) == _shape(taken.json())
    answer = taken.json()
    assert answer["id"] != owner.id
    assert len(answer["id"]) == len(fresh.json()["id"])
    assert (answer["handle_name"], answer["email_address"]) == (
        "impostor",
        "Dog_Leigh@example.com",
    )
    assert (answer["age"], answer["gender"], answer["deactivated"]) == (33, 2, False)
    datetime.fromisoformat(answer["created_at"])
    assert "password" not in taken.text
    with container.database.session() as session:
        handles = set(session.scalars(select(User.handle_name)))
    assert handles == {"dog_leigh", "cat_mia"}


def test_the_owner_of_a_taken_email_gets_a_notice_in_the_outbox(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.user("dog_leigh")
    client.post("/v0/user", json=_body("impostor", "DOG_LEIGH@example.com"))
    (message,) = _outbox(container)
    assert message.to_address == "dog_leigh@example.com"  # the stored address, as registered
    assert message.kind == SIGNUP_WITH_EXISTING_EMAIL
    assert "impostor" in message.body
    assert PASSWORD not in message.body
    assert message.created_at is not None


def test_a_new_account_sends_no_notice(client: TestClient, container: Container) -> None:
    assert client.post("/v0/user", json=_body("cat_mia", "cat_mia@example.com")).status_code == 200
    assert _outbox(container) == []


def test_a_taken_handle_is_still_409_and_sends_nothing(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.user("dog_leigh")
    taken = client.post("/v0/user", json=_body("Dog_Leigh", "dog_leigh@example.com"))
    assert taken.status_code == 409
    assert "handle_name" in taken.json()["detail"]
    assert "email" not in taken.json()["detail"]
    assert _outbox(container) == []


def test_the_owner_still_logs_in_with_their_own_password(
    client: TestClient, factory: Factory
) -> None:
    factory.user("dog_leigh")
    client.post("/v0/user", json=_body("impostor", "dog_leigh@example.com"))
    login = {"email_address": "dog_leigh@example.com", "password": "password"}
    assert client.post("/v0/user/login", json=login).status_code == 200
