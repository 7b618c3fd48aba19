"""An owner's edit or hiding reaches search through the outbox and the indexer."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, Factory


def _found(client: TestClient, headers: dict[str, str], phrase: str) -> list[str]:
    body = client.post("/v0/animal/search", json={"phrases": [phrase]}, headers=headers).json()
    return [result["id"] for result in body["results"]]


def test_an_edited_name_is_searchable_and_a_hidden_post_vanishes(
    client: TestClient, factory: Factory, drain: Callable[[], int], headers: dict[str, str]
) -> None:
    factory.categories()
    animal = factory.animal(factory.user("owner"), name="ころ")
    drain()
    owner = {
        "token": client.post(
            "/v0/user/login", json={"handle_name": "owner", "password": PASSWORD}
        ).json()["token"]
    }
    client.patch(f"/v0/animal?id={animal.id}", json={"name": "ぽんた"}, headers=owner)
    drain()
    assert _found(client, headers, "ぽんた") == [animal.id]

    assert client.delete(f"/v0/animal?id={animal.id}", headers=owner).status_code == 204
    drain()
    assert _found(client, headers, "ぽんた") == []
