"""Client metadata over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aianimals.metadata.schemas import MetadataResponse
from aianimals.settings import Settings
from tests.factories import PASSWORD, Factory


def _auth(client: TestClient, factory: Factory) -> dict[str, str]:
    user = factory.user()
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def test_metadata_lists_categories_breeds_and_sort_keys(
    client: TestClient, factory: Factory
) -> None:
    factory.categories()
    response = client.get("/v0/metadata", headers=_auth(client, factory))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "animal_category",
        "animal_subcategory",
        "animal_search_sort_key",
        "upload",
    }
    assert [row["name_en"] for row in body["animal_category"]] == ["other", "cat", "dog"]
    assert [row["id"] for row in body["animal_subcategory"]] == [0, 1, 14, 16]
    assert body["animal_subcategory"][2]["animal_category_name_en"] == "dog"
    assert body["animal_search_sort_key"] == [
        "score",
        "like",
        "created_at",
        "random",
        "learn_to_rank",
    ]


def test_metadata_with_no_categories_is_empty_lists(client: TestClient, factory: Factory) -> None:
    body = client.get("/v0/metadata", headers=_auth(client, factory)).json()
    assert body["animal_category"] == []
    assert body["animal_subcategory"] == []


def test_metadata_without_token_is_401(client: TestClient) -> None:
    assert client.get("/v0/metadata").status_code == 401


def test_metadata_states_the_upload_limits_a_client_checks_before_sending(
    client: TestClient, factory: Factory, settings: Settings
) -> None:
    body = client.get("/v0/metadata", headers=_auth(client, factory)).json()
    assert body["upload"] == {
        "max_bytes": settings.uploads.max_bytes,
        "media_types": ["image/jpeg", "image/png", "image/webp"],
    }


def test_metadata_is_the_documented_response_from_the_cache_as_from_the_store(
    client: TestClient, factory: Factory
) -> None:
    factory.categories()
    headers = _auth(client, factory)
    first = client.get("/v0/metadata", headers=headers)  # computed, then stored
    again = client.get("/v0/metadata", headers=headers)  # the stored bytes
    assert first.headers["content-type"] == "application/json"
    model = MetadataResponse.model_validate_json(again.content)
    assert model.model_dump_json().encode() == again.content == first.content
