"""Posting an animal with its photo over HTTP."""

from __future__ import annotations

import dataclasses
import io
import json
from importlib import resources

import httpx
from fastapi.testclient import TestClient
from PIL import Image

from aianimals.roles.api import create_app
from aianimals.roles.container import Container
from aianimals.settings import UploadSettings
from aianimals.users.models import User
from tests.animals.images import image_bytes, noise_png, png_with_huge_header
from tests.factories import PASSWORD, Factory


def _auth(client: TestClient, user: User) -> dict[str, str]:
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def _post(
    client: TestClient,
    headers: dict[str, str],
    photo: bytes,
    filename: str = "photo.jpg",
    **fields: object,
) -> httpx.Response:
    request = {
        "animal_category_id": 1,
        "animal_subcategory_id": 1,
        "name": "ミケ",
        "description": "窓辺で昼寝する猫",
        **fields,
    }
    return client.post(
        "/v0/animal",
        headers=headers,
        data={"request": json.dumps(request)},
        files={"file": (filename, photo, "image/jpeg")},
    )


def _cat_photo() -> bytes:
    photos = resources.files("aianimals.dataset") / "photos" / "cat"
    first = sorted(p.name for p in photos.iterdir() if p.name.endswith(".jpg"))[0]
    return (photos / first).read_bytes()


def test_post_animal_stores_photo_and_serves_it_back(client: TestClient, factory: Factory) -> None:
    factory.categories()
    user = factory.user()
    headers = _auth(client, user)
    response = _post(client, headers, _cat_photo())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user_id"] == user.id
    assert body["user_handle_name"] == user.handle_name
    assert body["animal_category_name_en"] == "cat"
    assert body["animal_subcategory_name_en"] == "abyssinian"
    assert body["like"] == 0
    assert body["deactivated"] is False
    assert body["photo_url"] == f"/media/animals/{body['id']}.jpg"
    served = client.get(body["photo_url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(served.content))
    assert image.format == "JPEG"
    assert max(image.size) <= 1600
    listed = client.get("/v0/animal", headers=headers, params={"id": body["id"]}).json()
    assert listed == [body]


def test_post_accepts_png_and_webp(client: TestClient, factory: Factory) -> None:
    factory.categories()
    headers = _auth(client, factory.user())
    for fmt in ("PNG", "WEBP"):
        response = _post(client, headers, image_bytes(fmt), filename=f"x.{fmt.lower()}")
        assert response.status_code == 200, response.text


def test_post_with_text_file_as_image_is_415(client: TestClient, factory: Factory) -> None:
    factory.categories()
    response = _post(client, _auth(client, factory.user()), b"not an image at all\n", "cat.jpg")
    assert response.status_code == 415
    assert "JPEG" in response.json()["detail"]
    [problem] = response.json()["errors"]
    assert (problem["loc"], problem["type"]) == (["body", "file"], "image_type")


def test_post_with_decompression_bomb_is_refused(client: TestClient, factory: Factory) -> None:
    factory.categories()
    headers = _auth(client, factory.user())
    for bomb in (png_with_huge_header(100_000, 100_000), png_with_huge_header(8000, 8000)):
        response = _post(client, headers, bomb, "bomb.png")
        assert response.status_code == 413, response.text


def test_post_with_truncated_image_is_422(client: TestClient, factory: Factory) -> None:
    factory.categories()
    data = image_bytes("JPEG", (256, 256), quality=95)
    response = _post(client, _auth(client, factory.user()), data[: len(data) // 2])
    assert response.status_code == 422
    assert "truncated" in response.json()["detail"]
    assert response.json()["errors"][0]["type"] == "unreadable"


def test_post_over_the_byte_limit_is_413(container: Container, factory: Factory) -> None:
    factory.categories()
    small = container.settings.model_copy(update={"uploads": UploadSettings(max_bytes=1000)})
    limited = dataclasses.replace(container, settings=small)
    with TestClient(create_app(small, limited)) as client:
        response = _post(client, _auth(client, factory.user()), noise_png(100, 100))
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["detail"]
    [problem] = response.json()["errors"]
    assert (problem["loc"], problem["type"]) == (["body", "file"], "too_large")


def test_user_id_of_someone_else_is_403(client: TestClient, factory: Factory) -> None:
    factory.categories()
    other = factory.user()
    response = _post(client, _auth(client, factory.user()), image_bytes(), user_id=other.id)
    assert response.status_code == 403


def test_user_id_of_the_token_user_is_accepted(client: TestClient, factory: Factory) -> None:
    factory.categories()
    user = factory.user()
    response = _post(client, _auth(client, user), image_bytes(), user_id=user.id)
    assert response.status_code == 200


def test_request_field_with_bad_json_is_422(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    response = client.post(
        "/v0/animal",
        headers=headers,
        data={"request": "{not json"},
        files={"file": ("x.jpg", image_bytes(), "image/jpeg")},
    )
    assert response.status_code == 422
    assert "request" in response.json()["detail"]
    assert "JSON" in response.json()["detail"]


def test_missing_field_or_file_is_422_naming_it(client: TestClient, factory: Factory) -> None:
    headers = _auth(client, factory.user())
    request = {"animal_category_id": 1, "animal_subcategory_id": 1}
    response = client.post(
        "/v0/animal",
        headers=headers,
        data={"request": json.dumps(request)},
        files={"file": ("x.jpg", image_bytes(), "image/jpeg")},
    )
    assert response.status_code == 422
    assert "request.name" in response.json()["detail"]
    no_file = client.post("/v0/animal", headers=headers, data={"request": json.dumps(request)})
    assert no_file.status_code == 422
    assert "file" in no_file.json()["detail"]


def test_subcategory_of_another_category_is_422(client: TestClient, factory: Factory) -> None:
    factory.categories()
    headers = _auth(client, factory.user())
    response = _post(client, headers, image_bytes(), animal_category_id=1, animal_subcategory_id=14)
    assert response.status_code == 422
    assert "does not belong" in response.json()["detail"]
    unknown = _post(client, headers, image_bytes(), animal_category_id=9)
    assert unknown.status_code == 422
    assert "animal_category_id" in unknown.json()["detail"]


def test_name_and_description_lengths_are_checked(client: TestClient, factory: Factory) -> None:
    factory.categories()
    headers = _auth(client, factory.user())
    for fields in ({"name": "x" * 201}, {"name": "  "}, {"description": "x" * 4001}):
        response = _post(client, headers, image_bytes(), **fields)
        assert response.status_code == 422, fields


def test_control_characters_in_texts_are_422(client: TestClient, factory: Factory) -> None:
    factory.categories()
    headers = _auth(client, factory.user())
    listed = client.get("/v0/animal", headers=headers, params={"name": "a\x00b"})
    assert listed.status_code == 422
    assert "control characters" in listed.json()["detail"]
    for fields in ({"name": "a\x00b"}, {"name": "two\nlines"}, {"description": "x\x00"}):
        response = _post(client, headers, image_bytes(), **fields)
        assert response.status_code == 422, fields
    multi_line = _post(client, headers, image_bytes(), description="first\nsecond\tthird")
    assert multi_line.status_code == 200
