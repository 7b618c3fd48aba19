"""Sign-up refuses short, personal and common passwords with a 422 that says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aianimals.core.errors import InvalidInput
from aianimals.users.common_passwords import COMMON_PASSWORDS
from aianimals.users.password_rules import password_problem
from aianimals.users.schemas import UserCreate
from aianimals.users.service import UserService
from tests.factories import PASSWORD, Factory


def _sign_up(client: TestClient, password: str, handle: str = "new_cat") -> tuple[int, str]:
    email = "kitty.owner@example.com" if handle == "new_cat" else f"{handle}@example.com"
    body = {"handle_name": handle, "email_address": email, "password": password}
    response = client.post("/v0/user", json=body)
    return response.status_code, response.json().get("detail", "")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pass1", "at least 12 characters"),
        ("new_cat-is-my-name", "handle name"),
        ("NEW_CAT", "at least 12 characters"),
        ("i-am-kitty.owner!", "e-mail address"),
        ("qwertyuiop123", "most common passwords"),
        ("Password2024!", "most common passwords"),
        ("passwordpassword", "most common passwords"),
        ("123456789012", "too simple"),
        ("aaaaaaaaaaaaaaaa", "too simple"),
        ("abababababababab", "too simple"),
    ],
)
def test_a_refused_password_is_a_422_saying_why(
    client: TestClient, password: str, reason: str
) -> None:
    status, detail = _sign_up(client, password)
    assert status == 422
    assert "password" in detail
    assert reason in detail


def test_handle_and_email_checks_ignore_case(client: TestClient) -> None:
    status, detail = _sign_up(client, "My-NEW_CAT-secret-2024")
    assert (status, "handle name" in detail) == (422, True)


def test_a_good_password_signs_up(client: TestClient) -> None:
    for password in ("a long enough password", "long-password", "correct horse battery"):
        status, _ = _sign_up(client, password, handle=f"cat_{len(password)}")
        assert status == 200


def test_a_too_long_password_is_422(client: TestClient) -> None:
    status, detail = _sign_up(client, "x" * 1025)
    assert status == 422
    assert "at most 1024" in detail


def test_a_configured_minimum_above_12_is_enforced(client: TestClient) -> None:
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    auth = settings.auth.model_copy(update={"password_min_length": 16})
    client.app.state.container.settings = settings.model_copy(update={"auth": auth})  # type: ignore[attr-defined]
    status, detail = _sign_up(client, "fifteen-letters")
    assert (status, "at least 16 characters" in detail) == (422, True)
    assert _sign_up(client, "sixteen-letters!")[0] == 200


def test_the_service_checks_the_policy_too(factory: Factory) -> None:
    request = UserCreate.model_construct(
        handle_name="new_cat", email_address="new@example.com", password="password"
    )
    users = UserService(factory.session, factory.hasher, timedelta(hours=1))
    with pytest.raises(InvalidInput, match="at least 12"):
        users.sign_up(request)


def test_imported_users_with_a_weak_password_still_log_in(
    client: TestClient, factory: Factory
) -> None:
    """The demo users' password is `password`: imported as a hash, never re-checked."""
    factory.user("dog_leigh")
    body = {"handle_name": "dog_leigh", "password": PASSWORD}
    assert client.post("/v0/user/login", json=body).status_code == 200


def test_the_built_in_list_holds_the_usual_suspects() -> None:
    assert len(COMMON_PASSWORDS) >= 300
    assert {"123456", "password", "qwerty", "iloveyou", "letmein"} <= COMMON_PASSWORDS
    assert all(word == word.casefold() for word in COMMON_PASSWORDS)


def test_short_names_are_only_refused_when_equal() -> None:
    assert (
        password_problem("a long enough password", handle_name="ab", email_address="a@x.io") is None
    )
    assert password_problem("another fine passphrase", email_address="jo@x.io") is None
    assert password_problem("jo", email_address="jo@x.io", min_length=1)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-pass1", "string_too_short"),
        ("new_cat-is-my-name", "password_contains_handle"),
        ("i-am-kitty.owner!", "password_contains_email"),
        ("Password2024!", "password_common"),
        ("123456789012", "password_too_simple"),
    ],
)
def test_a_refused_password_names_its_rule_for_clients_to_translate(
    client: TestClient, password: str, code: str
) -> None:
    body = {"handle_name": "new_cat", "email_address": "kitty.owner@example.com"}
    response = client.post("/v0/user", json={**body, "password": password})
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["loc"], problem["type"]) == (["body", "password"], code)


def test_a_password_under_a_raised_minimum_is_refused_with_its_code(client: TestClient) -> None:
    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    auth = settings.auth.model_copy(update={"password_min_length": 16})
    client.app.state.container.settings = settings.model_copy(update={"auth": auth})  # type: ignore[attr-defined]
    body = {"handle_name": "new_cat", "email_address": "new@example.com"}
    response = client.post("/v0/user", json={**body, "password": "fifteen-letters"})
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["loc"], problem["type"]) == (["body", "password"], "password_too_short")
