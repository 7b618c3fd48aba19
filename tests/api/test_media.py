"""Animals' photos and thumbnails served at `/media`, as the animal is shown."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from aianimals.animals.models import Animal
from aianimals.animals.photos import photo_key
from aianimals.animals.service import AnimalService
from aianimals.animals.thumbnails import thumbnail_key
from aianimals.core.ids import new_id
from aianimals.roles.container import Container
from aianimals.users.models import ROLE_ADMIN, User
from tests.animals.images import image_bytes
from tests.factories import PASSWORD, Factory

CACHE_SHOWN = "private, max-age=3600"  # browsers keep it; shared caches never store it
CACHE_HIDDEN = "private, no-store"
MEDIA_COOKIE = "aianimals_media"
PHOTO = image_bytes("JPEG")
THUMBNAIL = image_bytes("JPEG", (32, 24))


def _posted(container: Container, factory: Factory, owner: User | None = None) -> Animal:
    """An animal whose photo and thumbnail are in the blob store, as after a post."""
    animal_id = new_id()
    return factory.animal(
        owner,
        id=animal_id,
        photo_url=container.blobs.put(photo_key(animal_id), PHOTO),
        thumbnail_url=container.blobs.put(thumbnail_key(animal_id), THUMBNAIL),
    )


def _urls(animal: Animal) -> list[str]:
    assert animal.thumbnail_url is not None
    return [animal.photo_url, animal.thumbnail_url]


def _hide(container: Container, owner: User, animal: Animal) -> None:
    with container.database.session() as session:
        AnimalService(session).hide_own(session.merge(owner), animal.id)


def _login(client: TestClient, user: User) -> dict[str, str]:
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    response = client.post("/v0/user/login", json=body)
    assert response.status_code == 200, response.text
    return {"token": response.json()["token"]}


def _anonymous(client: TestClient) -> TestClient:
    """The same app without the cookies an earlier login left in the client."""
    client.cookies.clear()
    return client


def test_a_shown_animals_photo_and_thumbnail_need_no_token_and_are_never_shared_cached(
    client: TestClient, container: Container, factory: Factory
) -> None:
    animal = _posted(container, factory)
    for url, data in zip(_urls(animal), (PHOTO, THUMBNAIL), strict=True):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content == data
        assert response.headers["content-type"] == "image/jpeg"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == CACHE_SHOWN
        assert "public" not in response.headers["cache-control"]


def test_a_hidden_animals_photo_and_thumbnail_are_404_to_everyone_else(
    client: TestClient, container: Container, factory: Factory
) -> None:
    owner, other = factory.user(), factory.user()
    animal = _posted(container, factory, owner)
    _hide(container, owner, animal)
    stranger = _login(client, other)  # also leaves the other user's media cookie
    for url in _urls(animal):
        assert client.get(url).status_code == 404, url  # the stranger's cookie
        assert client.get(url, headers=stranger).status_code == 404, url
        bearer = {"Authorization": f"Bearer {stranger['token']}"}
        assert client.get(url, headers=bearer).status_code == 404, url
        response = _anonymous(client).get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
        bad_token = _anonymous(client).get(url, headers={"token": "not-a-token"})
        assert bad_token.status_code == 404, url


def test_a_photo_hidden_by_moderation_is_404_too(
    client: TestClient, container: Container, factory: Factory
) -> None:
    animal = _posted(container, factory)
    with container.database.session() as session:
        session.get(Animal, animal.id).deactivated = True  # type: ignore[union-attr]
        session.commit()
    for url in _urls(animal):
        assert client.get(url).status_code == 404, url


def test_the_owner_sees_their_hidden_photo_through_the_login_cookie_never_cached(
    client: TestClient, container: Container, factory: Factory
) -> None:
    owner = factory.user()
    animal = _posted(container, factory, owner)
    _hide(container, owner, animal)
    _login(client, owner)  # the web app's <img> tags send only the cookie
    for url in _urls(animal):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == CACHE_HIDDEN


def test_the_owner_and_administrators_see_a_hidden_photo_with_a_token_header(
    client: TestClient, container: Container, factory: Factory
) -> None:
    owner, admin = factory.user(), factory.user(role=ROLE_ADMIN)
    animal = _posted(container, factory, owner)
    _hide(container, owner, animal)
    for user in (owner, admin):
        headers = _login(client, user)
        for url in _urls(animal):
            response = _anonymous(client).get(url, headers=headers)
            assert response.status_code == 200, url
            assert response.headers["cache-control"] == CACHE_HIDDEN
            bearer = {"Authorization": f"Bearer {headers['token']}"}
            assert _anonymous(client).get(url, headers=bearer).status_code == 200, url


def test_login_sets_an_http_only_media_cookie_and_logout_clears_it(
    client: TestClient, factory: Factory
) -> None:
    headers = _login(client, factory.user())
    cookie = next(c for c in client.cookies.jar if c.name == MEDIA_COOKIE)
    assert cookie.value == headers["token"]
    assert cookie.path == "/media"
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite", "").lower() == "strict"
    assert client.post("/v0/user/logout", headers=headers).status_code == 204
    assert MEDIA_COOKIE not in client.cookies


def test_a_file_that_is_no_animals_photo_is_404(
    client: TestClient, container: Container, factory: Factory
) -> None:
    orphan = new_id()  # stored, but no animal has it (say, a post that failed after it)
    for key in ("animals/abc.jpg", "health-check", "other/x.jpg", photo_key(orphan)):
        container.blobs.put(key, PHOTO)
        assert client.get(f"/media/{key}").status_code == 404, key
    animal = _posted(container, factory)
    assert client.get(f"/media/animals/{animal.id}.png").status_code == 404


def test_unknown_key_is_404_json(client: TestClient) -> None:
    response = client.get(f"/media/animals/{new_id()}.jpg")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_path_traversal_is_404(client: TestClient, container: Container, factory: Factory) -> None:
    secret = container.settings.blobs.root.parent / "secret.txt"
    secret.write_text("do not serve")
    _posted(container, factory)
    for path in (
        "/media/animals/..%2F..%2Fsecret.txt",
        "/media/..%2Fsecret.txt",
        "/media/%2e%2e/secret.txt",
        "/media//etc/passwd",
        "/media/animals/.%2e/.%2e/secret.txt",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "do not serve" not in response.text


def test_directory_is_404(client: TestClient, container: Container, factory: Factory) -> None:
    _posted(container, factory)
    assert client.get("/media/animals").status_code == 404


def _side(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        return max(image.size)


def test_a_thumbnail_is_served_at_2x_made_once_from_the_photo_then_stored(
    client: TestClient, container: Container, factory: Factory
) -> None:
    animal = _posted(container, factory)  # stored before 2x thumbnails: none yet
    assert animal.thumbnail_url is not None
    response = client.get(animal.thumbnail_url, params={"size": 640})
    assert response.status_code == 200
    assert response.headers["cache-control"] == CACHE_SHOWN
    assert _side(response.content) == min(640, _side(PHOTO))
    assert container.blobs.get(thumbnail_key(animal.id, 640)) == response.content
    assert client.get(animal.thumbnail_url, params={"size": 640}).content == response.content
    assert client.get(animal.thumbnail_url, params={"size": 320}).content == THUMBNAIL


def test_a_hidden_animals_2x_thumbnail_is_404_to_everyone_else(
    client: TestClient, container: Container, factory: Factory
) -> None:
    owner = factory.user()
    animal = _posted(container, factory, owner)
    _hide(container, owner, animal)
    assert animal.thumbnail_url is not None
    response = _anonymous(client).get(animal.thumbnail_url, params={"size": 640})
    assert response.status_code == 404
    owners = client.get(animal.thumbnail_url, params={"size": 640}, headers=_login(client, owner))
    assert owners.status_code == 200


def test_an_unserved_size_or_a_size_of_a_photo_is_422(
    client: TestClient, container: Container, factory: Factory
) -> None:
    animal = _posted(container, factory)
    assert animal.thumbnail_url is not None
    for url, size in (
        (animal.thumbnail_url, "1000"),
        (animal.thumbnail_url, "0"),
        (animal.thumbnail_url, "big"),
        (animal.photo_url, "640"),
    ):
        response = client.get(url, params={"size": size})
        assert response.status_code == 422, (url, size)
        assert response.json()["code"] in {"invalid_input", "invalid_request"}


def test_the_api_names_the_2x_thumbnail_of_each_animal(
    client: TestClient, container: Container, factory: Factory
) -> None:
    owner = factory.user()
    animal = _posted(container, factory, owner)
    [found] = client.get(
        "/v0/animal", params={"id": animal.id}, headers=_login(client, owner)
    ).json()
    assert found["thumbnail_2x_url"] == f"{animal.thumbnail_url}?size=640"
