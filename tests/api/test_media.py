"""The blob store's files served at `/media`."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aianimals.api.container import Container
from tests.animals.images import image_bytes


def test_stored_photo_is_served_with_its_content_type(
    client: TestClient, container: Container
) -> None:
    data = image_bytes("JPEG")
    url = container.blobs.put("animals/abc.jpg", data)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_media_needs_no_token(client: TestClient, container: Container) -> None:
    container.blobs.put("animals/p.png", image_bytes("PNG"))
    response = client.get("/media/animals/p.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"


def test_unknown_key_is_404_json(client: TestClient) -> None:
    response = client.get("/media/animals/missing.jpg")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_path_traversal_is_404(client: TestClient, container: Container) -> None:
    secret = container.settings.blobs.root.parent / "secret.txt"
    secret.write_text("do not serve")
    container.blobs.put("animals/a.jpg", image_bytes())
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


def test_directory_is_404(client: TestClient, container: Container) -> None:
    container.blobs.put("animals/a.jpg", image_bytes())
    assert client.get("/media/animals").status_code == 404
