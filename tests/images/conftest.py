"""A container with the image pipeline on (the bundled model, loaded once per run)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib import resources

import httpx
import pytest
from fastapi.testclient import TestClient

from aianimals.ml.images.model import ImageModel, load_model
from aianimals.roles.api import create_app
from aianimals.roles.container import Container
from aianimals.users.models import User
from tests.conftest import make_drain
from tests.factories import PASSWORD

PHOTOS = resources.files("aianimals.dataset") / "photos"


def photo(label: str, name: str) -> bytes:
    """A labelled real photo of the bundled set (see its manifest)."""
    return (PHOTOS / label / name).read_bytes()


@pytest.fixture(scope="session")
def image_model() -> ImageModel:
    """The bundled EfficientNet-Lite0, opened once."""
    return load_model()


@pytest.fixture
def images(container: Container, image_model: ImageModel) -> Container:
    """This test's container with the image pipeline enabled."""
    settings = container.settings.model_copy(
        update={"images": container.settings.images.model_copy(update={"enabled": True})}
    )
    enabled = Container(
        settings=settings,
        database=container.database,
        blobs=container.blobs,
        hasher=container.hasher,
    )
    vars(enabled)["analyzer"] = container.analyzer
    vars(enabled)["image_model"] = image_model
    return enabled


@pytest.fixture
def images_client(images: Container) -> Iterator[TestClient]:
    """The API over the image-enabled container."""
    with TestClient(create_app(images.settings, images)) as test_client:
        yield test_client
    images.close_ports()


@pytest.fixture
def images_drain(images: Container) -> Callable[[], int]:
    """Relay and consume (image pipeline and violation registry included) until idle."""
    return make_drain(images)


def login(client: TestClient, user: User) -> dict[str, str]:
    """The token header of `user` (password from the factory)."""
    body = {"handle_name": user.handle_name, "password": PASSWORD}
    return {"token": client.post("/v0/user/login", json=body).json()["token"]}


def post_photo(
    client: TestClient, headers: dict[str, str], data: bytes, category: int = 1, breed: int = 1
) -> httpx.Response:
    """Post an animal with this photo."""
    request = {
        "animal_category_id": category,
        "animal_subcategory_id": breed,
        "name": "テスト",
        "description": "a photo",
    }
    return client.post(
        "/v0/animal",
        headers=headers,
        data={"request": json.dumps(request)},
        files={"file": ("photo.jpg", data, "image/jpeg")},
    )
