"""`POST /v0/animal/search/similar`: order kept, the animal itself and hidden ones left out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from aianimals.core.errors import NotFound
from aianimals.images.similar import SimilarService
from aianimals.roles.container import Container
from aianimals.users.models import ROLE_ADMIN
from tests.factories import Factory
from tests.images.conftest import login, photo, post_photo


def _post_all(
    client: TestClient, headers: dict[str, str], photos: list[tuple[str, str]]
) -> dict[str, str]:
    ids = {}
    for label, name in photos:
        response = post_photo(client, headers, photo(label, name))
        assert response.status_code == 200, response.text
        ids[name] = response.json()["id"]
    return ids


PETS = [
    ("cat", "ginger_kitten.jpg"),
    ("cat", "kitten_yarn.jpg"),
    ("cat", "chelsea_tabby.jpg"),
    ("dog", "german_shepherd.jpg"),
    ("dog", "cocker_spaniels_window.jpg"),
]


def test_similar_animals_come_in_similarity_order_without_the_animal_itself(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    factory.categories()
    headers = login(images_client, factory.user())
    ids = _post_all(images_client, headers, PETS)
    images_drain()
    query = ids["ginger_kitten.jpg"]
    response = images_client.post("/v0/animal/search/similar", headers=headers, json={"id": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sort_by"] == "image_similarity"
    assert body["model_name"] == images.image_model.version
    found = [result["id"] for result in body["results"]]
    assert query not in found
    assert set(found) == set(ids.values()) - {query}
    scores = [result["score"] for result in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert body["search_id"]


def test_a_hidden_animal_is_never_similar(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    factory.categories()
    headers = login(images_client, factory.user())
    ids = _post_all(images_client, headers, PETS[:3])
    images_drain()
    hidden = ids["kitten_yarn.jpg"]
    assert images_client.delete(f"/v0/animal?id={hidden}", headers=headers).status_code == 204
    images_drain()
    response = images_client.post(
        "/v0/animal/search/similar", headers=headers, json={"id": ids["ginger_kitten.jpg"]}
    )
    assert hidden not in [result["id"] for result in response.json()["results"]]


def test_an_unknown_or_malformed_id_is_a_client_error(
    images_client: TestClient, factory: Factory
) -> None:
    headers = login(images_client, factory.user())
    unknown = images_client.post(
        "/v0/animal/search/similar", headers=headers, json={"id": "0" * 32}
    )
    assert unknown.status_code == 404
    for body in ({}, {"id": ""}, {"id": "../x"}, {"id": 5}, {"id": "a", "extra": 1}):
        assert (
            images_client.post("/v0/animal/search/similar", headers=headers, json=body).status_code
            == 422
        )


def test_similar_needs_a_login(images_client: TestClient) -> None:
    assert images_client.post("/v0/animal/search/similar", json={"id": "x"}).status_code == 401


def test_a_hidden_animals_own_page_is_for_its_owner_and_administrators(
    container: Container, factory: Factory
) -> None:
    owner, admin, other = factory.user(), factory.user(role=ROLE_ADMIN), factory.user()
    hidden = factory.animal(owner, deactivated=True)  # not embedded: an empty page
    with container.database.session() as session:
        service = SimilarService(
            session,
            index=container.vector_index,
            cache=container.cache,
            model_version="test",
            limit=8,
        )
        for viewer in (owner, admin):
            assert service.similar(hidden.id, session.merge(viewer)).shown == []
        with pytest.raises(NotFound):
            service.similar(hidden.id, session.merge(other))
