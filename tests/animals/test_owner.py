"""Owners edit and hide their own posts; nobody else can."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from aianimals.ports.sql.outbox_models import OutboxMessage
from aianimals.roles.container import Container
from tests.factories import PASSWORD, Factory


def _login(client: TestClient, handle: str) -> dict[str, str]:
    body = {"handle_name": handle, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def _events(container: Container) -> list[str]:
    with container.database.session() as session:
        return list(session.scalars(select(OutboxMessage.event_type).order_by(OutboxMessage.id)))


def test_the_owner_edits_texts_and_breed_and_an_event_follows(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.categories()
    owner = factory.user("owner")
    animal = factory.animal(owner)
    response = client.patch(
        f"/v0/animal?id={animal.id}",
        json={"name": "ポチ", "animal_category_id": 2, "animal_subcategory_id": 16},
        headers=_login(client, "owner"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["animal_subcategory_name_en"]) == ("ポチ", "pug")
    assert _events(container)[-1] == "animal.updated"


def test_edits_are_checked(client: TestClient, factory: Factory) -> None:
    factory.categories()
    animal = factory.animal(factory.user("owner"))
    factory.user("other")
    url = f"/v0/animal?id={animal.id}"
    owner, other = _login(client, "owner"), _login(client, "other")
    assert client.patch(url, json={"name": "x"}, headers=other).status_code == 403
    assert client.patch(url, json={}, headers=owner).status_code == 422
    assert client.patch(url, json={"animal_subcategory_id": 1}, headers=owner).status_code == 422
    assert client.patch(url, json={"name": ""}, headers=owner).status_code == 422
    unknown = "0" * 32
    assert (
        client.patch(f"/v0/animal?id={unknown}", json={"name": "x"}, headers=owner).status_code
        == 404
    )
    assert client.patch(url, json={"name": "x"}).status_code == 401


@pytest.mark.parametrize(
    "field", ["name", "description", "animal_category_id", "animal_subcategory_id"]
)
def test_a_null_field_is_refused_and_the_post_is_unchanged(
    client: TestClient, factory: Factory, field: str
) -> None:
    factory.categories()
    animal = factory.animal(factory.user("owner"))
    owner = _login(client, "owner")
    url = f"/v0/animal?id={animal.id}"
    response = client.patch(url, json={field: None}, headers=owner)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", field]
    after = client.get(f"/v0/animal?id={animal.id}", headers=owner).json()[0]
    assert (after["name"], after["description"]) == (animal.name, animal.description)


def test_the_owner_hides_a_post_once_and_only_they_still_see_it(
    client: TestClient, factory: Factory, container: Container
) -> None:
    factory.categories()
    animal = factory.animal(factory.user("owner"))
    factory.user("other")
    owner, other = _login(client, "owner"), _login(client, "other")
    url = f"/v0/animal?id={animal.id}"
    assert client.delete(url, headers=other).status_code == 403
    assert client.delete(url, headers=owner).status_code == 204
    assert client.delete(url, headers=owner).status_code == 204
    assert _events(container).count("animal.deactivated") == 1
    assert client.get(url, headers=other).json() == []
    assert client.delete(url, headers=other).status_code == 404
    mine = client.get(f"{url}&deactivated=true", headers=owner).json()
    assert [row["deactivated"] for row in mine] == [True]
