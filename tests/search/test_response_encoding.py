"""`POST /v0/animal/search` answers with bytes encoded once, exactly as the model would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from aianimals.animals.models import Animal
from aianimals.animals.schemas import AnimalResponse
from aianimals.animals.service import AnimalService
from aianimals.roles.container import Container
from aianimals.search.schemas import AnimalSearchResponse, AnimalSearchResult
from tests.factories import Factory

SEARCH = "/v0/animal/search"


@pytest.fixture
def animals(factory: Factory, reindex: Callable[[], int]) -> list[Animal]:
    """Three dogs, one liked twice, one with a thumbnail of its own, indexed."""
    owner = factory.user("owner")
    made = [
        factory.animal(owner, name="ポチ", created_at=datetime(2021, 6, 1, 9, 30, 15, 123456)),
        factory.animal(owner, name="ハチ", thumbnail_url="/media/thumbs/hachi.jpg"),
        factory.animal(owner, name="Max", description="A pug who loves walking in the park"),
    ]
    factory.like(made[0], factory.user("fan1"))
    factory.like(made[0], factory.user("fan2"))
    reindex()
    return made


@pytest.mark.parametrize("sort_by", ["score", "like", "created_at", "random"])
def test_body_is_byte_for_byte_what_the_response_model_encodes(
    client: TestClient, headers: dict[str, str], animals: list[Animal], sort_by: str
) -> None:
    response = client.post(SEARCH, json={"sort_by": sort_by}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    model = AnimalSearchResponse.model_validate_json(response.content)
    assert model.model_dump_json().encode() == response.content
    assert len(model.results) == 3


def test_results_carry_the_same_values_as_the_animal_view(
    client: TestClient, headers: dict[str, str], animals: list[Animal], container: Container
) -> None:
    body = client.post(SEARCH, json={"phrases": ["犬"]}, headers=headers).json()
    with container.database.session() as session:
        views = AnimalService(session).view_many([animal.id for animal in animals])
    assert body["hits"] >= 2
    for result in body["results"]:
        expected = AnimalSearchResult(**vars(views[result["id"]]), score=result["score"])
        assert result == expected.model_dump(mode="json")
    by_id = {result["id"]: result for result in body["results"]}
    assert by_id[animals[0].id]["like"] == 2
    assert by_id[animals[0].id]["created_at"] == "2021-06-01T09:30:15.123456Z"
    assert by_id[animals[1].id]["thumbnail_url"] == "/media/thumbs/hachi.jpg"
    assert by_id[animals[0].id]["thumbnail_url"] == animals[0].photo_url


def test_lean_hydration_has_every_field_of_the_animal_response(
    animals: list[Animal], container: Container
) -> None:
    with container.database.session() as session:
        wire = AnimalService(session).wire_many([animals[0].id])
    assert list(wire[animals[0].id]) == list(AnimalResponse.model_fields)


def test_openapi_still_documents_the_response_model(client: TestClient) -> None:
    spec = client.get("/v0/openapi.json").json()
    ok = spec["paths"][SEARCH]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/AnimalSearchResponse"}


def test_a_cached_index_page_still_shows_live_likes_and_drops_hidden_animals(
    client: TestClient, headers: dict[str, str], animals: list[Animal], container: Container
) -> None:
    body = {"phrases": ["犬"], "sort_by": "created_at"}
    before = client.post(SEARCH, json=body, headers=headers).json()  # index page now cached
    liked = animals[1].id
    assert client.post("/v0/like", json={"animal_id": liked}, headers=headers).status_code < 300
    with container.database.session() as session:
        hidden = session.get(Animal, animals[0].id)
        assert hidden is not None
        hidden.deactivated = True
        session.commit()
    # no worker has run: the cached index page is unchanged, the hydrated animals are not
    after = client.post(SEARCH, json=body, headers=headers).json()
    assert after["hits"] == before["hits"]
    by_id = {result["id"]: result for result in after["results"]}
    assert animals[0].id not in by_id
    assert by_id[liked]["like"] == 1
