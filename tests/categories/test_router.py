"""Listing categories and breeds over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, Factory


def _auth(client: TestClient, factory: Factory) -> dict[str, str]:
    user = factory.user()
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def test_categories_are_listed_by_id_with_reference_fields(
    client: TestClient, factory: Factory
) -> None:
    factory.categories()
    response = client.get("/v0/animal_category", headers=_auth(client, factory))
    assert response.status_code == 200
    rows = response.json()
    assert [(row["id"], row["name_en"], row["name_ja"]) for row in rows] == [
        (0, "other", "その他"),
        (1, "cat", "ネコ"),
        (2, "dog", "イヌ"),
    ]
    assert set(rows[0]) == {"id", "name_en", "name_ja", "is_deleted", "created_at", "updated_at"}
    assert rows[0]["is_deleted"] is False


def test_categories_filter_by_id_and_names(client: TestClient, factory: Factory) -> None:
    factory.categories()
    headers = _auth(client, factory)
    by_id = client.get("/v0/animal_category", params={"id": 2}, headers=headers).json()
    assert [row["name_en"] for row in by_id] == ["dog"]
    by_ja = client.get("/v0/animal_category", params={"name_ja": "ネコ"}, headers=headers).json()
    assert [row["id"] for row in by_ja] == [1]
    none = client.get("/v0/animal_category", params={"name_en": "bird"}, headers=headers)
    assert none.json() == []


def test_subcategories_carry_their_category_names(client: TestClient, factory: Factory) -> None:
    factory.categories()
    response = client.get("/v0/animal_category/subcategory", headers=_auth(client, factory))
    assert response.status_code == 200
    shiba = next(row for row in response.json() if row["name_en"] == "shiba_inu")
    assert shiba == {
        "id": 14,
        "animal_category_id": 2,
        "animal_category_name_en": "dog",
        "animal_category_name_ja": "イヌ",
        "name_en": "shiba_inu",
        "name_ja": "柴犬",
        "is_deleted": False,
        "created_at": shiba["created_at"],
        "updated_at": shiba["updated_at"],
    }


def test_subcategories_filter_by_category_id_and_category_name(
    client: TestClient, factory: Factory
) -> None:
    factory.categories()
    headers = _auth(client, factory)
    url = "/v0/animal_category/subcategory"
    dogs = client.get(url, params={"animal_category_id": 2}, headers=headers).json()
    assert [row["id"] for row in dogs] == [14, 16]
    cats = client.get(url, params={"animal_category_name_en": "cat"}, headers=headers).json()
    assert [row["name_en"] for row in cats] == ["abyssinian"]
    pug = client.get(url, params={"name_ja": "パグ", "id": 16}, headers=headers).json()
    assert [row["name_en"] for row in pug] == ["pug"]


def test_category_routes_without_token_are_401(client: TestClient) -> None:
    assert client.get("/v0/animal_category").status_code == 401
    assert client.get("/v0/animal_category/subcategory").status_code == 401
    assert client.get("/v0/animal_category", headers={"token": "forged"}).status_code == 401


def test_category_filter_with_bad_id_is_422_with_a_message(
    client: TestClient, factory: Factory
) -> None:
    headers = _auth(client, factory)
    for value in ("cat", "-1", str(2**40)):
        response = client.get("/v0/animal_category", params={"id": value}, headers=headers)
        assert response.status_code == 422, value
        assert "id" in response.json()["detail"]
    nul = client.get(
        "/v0/animal_category/subcategory", params={"name_en": "a\x00"}, headers=headers
    )
    assert nul.status_code == 422


def test_an_integer_id_written_with_a_zero_fraction_is_that_integer(
    client: TestClient, factory: Factory
) -> None:
    """JSON Schema counts 2.0 an integer (schemathesis.toml says why this matters)."""
    factory.categories()
    headers = _auth(client, factory)
    whole = client.get("/v0/animal_category", params={"id": "2.0"}, headers=headers)
    assert [row["name_en"] for row in whole.json()] == ["dog"]
    for value in ("2.5", "1e0", "two"):
        response = client.get("/v0/animal_category", params={"id": value}, headers=headers)
        assert response.status_code == 422, value
