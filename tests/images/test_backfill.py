"""The first-start back-fill embeds readable photos, skips unreadable ones, builds the index."""

from __future__ import annotations

from rich.console import Console

from aianimals.animals.photos import photo_key
from aianimals.images.embeddings import Vector, load_embedding
from aianimals.images.rebuild import count_missing
from aianimals.roles.container import Container
from aianimals.roles.first_start import ensure_images
from tests.factories import Factory
from tests.images.conftest import photo


def test_the_back_fill_embeds_readable_photos_and_leaves_a_missing_one_missing(
    images: Container, factory: Factory
) -> None:
    cats = [factory.animal() for _ in range(3)]
    names = ("ginger_kitten.jpg", "kitten_yarn.jpg", "chelsea_tabby.jpg")
    for animal, name in zip(cats, names, strict=True):
        images.blobs.put(photo_key(animal.id), photo("cat", name))
    lost = factory.animal()  # its photo never reached the store
    version = images.image_model.version
    assert count_missing(images.database, version) == 4

    ensure_images(images, Console(quiet=True))

    assert count_missing(images.database, version) == 1
    assert images.vector_index.count() == 3
    neighbours = images.vector_index.search(_vector(images, cats[0].id), 5, exclude=(cats[0].id,))
    assert {found for found, _ in neighbours} == {cats[1].id, cats[2].id}
    assert lost.id not in {found for found, _ in neighbours}


def _vector(images: Container, animal_id: str) -> Vector:
    with images.database.session() as session:
        stored = load_embedding(session, animal_id, images.image_model.version)
    assert stored is not None
    return stored.vector
