"""`GET /v0/user/profile`: a user's public profile by handle, counting shown posts only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, Factory


def _auth(client: TestClient, factory: Factory) -> dict[str, str]:
    user = factory.user()
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def test_a_profile_counts_shown_posts_and_the_likes_they_received(
    client: TestClient, factory: Factory
) -> None:
    owner = factory.user("cat_poster")
    fans = [factory.user(), factory.user()]
    shown = factory.animal(owner)
    other = factory.animal(owner)
    hidden = factory.animal(owner, deactivated=True)
    for fan in fans:
        factory.like(shown, fan)
    factory.like(other, fans[0])
    factory.like(hidden, fans[1])
    factory.session.commit()
    response = client.get(
        "/v0/user/profile", params={"handle_name": "cat_poster"}, headers=_auth(client, factory)
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["handle_name"], body["animals"], body["likes"]) == (
        owner.id,
        "cat_poster",
        2,
        3,
    )
    assert "email_address" not in body


def test_a_profile_is_found_whatever_the_handle_case(client: TestClient, factory: Factory) -> None:
    factory.user("Cat_Poster")
    factory.session.commit()
    response = client.get(
        "/v0/user/profile", params={"handle_name": "cat_poster"}, headers=_auth(client, factory)
    )
    assert response.json()["handle_name"] == "Cat_Poster"


def test_an_unknown_or_deactivated_handle_is_404(client: TestClient, factory: Factory) -> None:
    factory.user("gone_user", deactivated=True)
    factory.session.commit()
    headers = _auth(client, factory)
    for handle in ("nobody_here", "gone_user"):
        response = client.get("/v0/user/profile", params={"handle_name": handle}, headers=headers)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_missing_or_overlong_handle_is_422(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory)
    assert client.get("/v0/user/profile", headers=headers).status_code == 422
    overlong = {"handle_name": "x" * 65}
    assert client.get("/v0/user/profile", params=overlong, headers=headers).status_code == 422


def test_a_profile_needs_a_token(client: TestClient) -> None:
    assert client.get("/v0/user/profile", params={"handle_name": "x"}).status_code == 401
