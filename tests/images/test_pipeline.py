"""Posted photos are embedded, judged and indexed by the image pipeline; hiding follows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aianimals.core.events import Event
from aianimals.images.embeddings import load_embedding
from aianimals.images.models import AnimalEmbedding
from aianimals.images.tasks import ImageTasks
from aianimals.ml.no_animal import CHAMPION, EXPERIMENT, MODEL_NAME
from aianimals.ml.no_animal.head import FitOptions, fit_head
from aianimals.moderation.listing import QueueFilter
from aianimals.moderation.models import STATE_PENDING, Violation
from aianimals.moderation.service import REJECT, ModerationService
from aianimals.ports.registry.factory import create_registry
from aianimals.roles.container import Container
from aianimals.roles.images import image_tasks
from aianimals.users.models import ROLE_ADMIN
from tests.factories import Factory
from tests.images.conftest import login, photo, post_photo
from tests.ml.no_animal.conftest import photos


def _post(client: TestClient, factory: Factory, data: bytes) -> str:
    factory.categories()
    headers = login(client, factory.user())
    response = post_photo(client, headers, data)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def test_a_posted_cat_is_embedded_indexed_and_stays_visible(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    animal_id = _post(images_client, factory, photo("cat", "ginger_kitten.jpg"))
    images_drain()
    with images.database.session() as session:
        stored = load_embedding(session, animal_id, images.image_model.version)
        violation = session.scalar(select(Violation).where(Violation.animal_id == animal_id))
    assert stored is not None
    assert stored.vector.shape == (1280,)
    assert abs(float((stored.vector**2).sum()) - 1.0) < 1e-4
    assert stored.animal_probability > 0.5
    assert violation is not None  # every detection is stored, effective or not
    assert not violation.is_effective
    assert violation.model_version == f"zero-shot:{images.image_model.version}"
    assert images.vector_index.count() == 1


def test_a_photo_without_an_animal_is_hidden_everywhere(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    animal_id = _post(images_client, factory, photo("no_animal", "coffee_cup.jpg"))
    images_drain()
    with images.database.session() as session:
        violation = session.scalar(select(Violation).where(Violation.animal_id == animal_id))
    assert violation is not None
    assert violation.is_effective
    assert violation.probability >= 0.9
    assert images.vector_index.count() == 0
    assert animal_id not in _search_ids(images_client, factory)


def _search_ids(client: TestClient, factory: Factory) -> list[str]:
    headers = login(client, factory.user())
    body = client.post("/v0/animal/search", headers=headers, json={}).json()
    return [result["id"] for result in body["results"]]


def test_a_redelivered_event_neither_infers_again_nor_duplicates(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    animal_id = _post(images_client, factory, photo("dog", "german_shepherd.jpg"))
    images_drain()
    calls = 0
    model = images.image_model

    class Counting:
        version = model.version

        def predict(self, batch: object) -> object:
            nonlocal calls
            calls += 1
            return model.predict(batch)  # type: ignore[arg-type]

    tasks = image_tasks(images)
    again = ImageTasks(tasks.database, tasks.blobs, Counting, tasks.index, images.detectors)  # type: ignore[arg-type]
    again.embed(Event("animal.created", {"animal_id": animal_id}, f"animal.created:{animal_id}"))
    images_drain()
    with images.database.session() as session:
        embeddings = session.scalar(select(func.count()).select_from(AnimalEmbedding))
        violations = session.scalar(select(func.count()).select_from(Violation))
    assert calls == 0
    assert (embeddings, violations) == (1, 1)


def test_a_hidden_animal_leaves_the_index_and_returns_when_shown(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    factory.categories()
    owner = factory.user()
    headers = login(images_client, owner)
    response = post_photo(images_client, headers, photo("cat", "kitten_yarn.jpg"))
    animal_id = response.json()["id"]
    images_drain()
    assert images.vector_index.count() == 1
    assert images_client.delete(f"/v0/animal?id={animal_id}", headers=headers).status_code == 204
    images_drain()
    assert images.vector_index.count() == 0


def test_the_worker_detects_with_a_promoted_head_instead_of_the_zero_shot_rule(
    images: Container,
    images_client: TestClient,
    factory: Factory,
    images_drain: Callable[[], int],
    tmp_path: Path,
) -> None:
    before = images.detectors()[0].version
    assert before.startswith("zero-shot:")
    train = photos([i % 2 == 0 for i in range(20)], seed=3)
    head = fit_head(
        train.embeddings,
        train.animal_probability,
        train.no_animal,
        image_model_version=images.image_model.version,
        threshold=0.9,
        options=FitOptions(l2=10.0),
    )
    registry = create_registry(images.settings.registry, images.settings.var_dir)
    try:
        with registry.run(EXPERIMENT, "test") as log:
            version = registry.register(MODEL_NAME, log.run_id, head.save(tmp_path / "head"))
        registry.set_alias(MODEL_NAME, CHAMPION, version.version)
    finally:
        registry.close()
    images.no_animal_champion.refresh()  # what the poll does within a minute
    animal_id = _post(images_client, factory, photo("cat", "chelsea_tabby.jpg"))
    images_drain()
    with images.database.session() as session:
        violation = session.scalar(select(Violation).where(Violation.animal_id == animal_id))
    assert violation is not None
    assert violation.model_version == f"head:{version.version}:{images.image_model.version}"


def test_a_hidden_pan_is_in_the_review_queue_and_a_reject_shows_it_again_everywhere(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    animal_id = _post(images_client, factory, photo("no_animal", "cast_iron_pan.jpg"))
    images_drain()
    assert animal_id not in _search_ids(images_client, factory)
    admin = factory.user("moderator", role=ROLE_ADMIN)
    with images.database.session() as session:
        review = ModerationService(session)
        queue = review.queue(QueueFilter(states=(STATE_PENDING,), animal_id=animal_id))
        assert [item.animal_id for item in queue.items] == [animal_id]
        assert queue.items[0].is_effective
        outcome = review.review([queue.items[0].violation_id], REJECT, admin.id)
    assert outcome.shown_animals == (animal_id,)
    images_drain()
    assert animal_id in _search_ids(images_client, factory)
    assert images.vector_index.count() == 1


def test_a_photo_in_the_review_band_stays_visible_and_waits_in_the_queue(
    images: Container, images_client: TestClient, factory: Factory, images_drain: Callable[[], int]
) -> None:
    animal_id = _post(images_client, factory, photo("no_animal", "old_pliers.jpg"))  # p ≈ 0.79
    images_drain()
    assert animal_id in _search_ids(images_client, factory)
    with images.database.session() as session:
        queue = ModerationService(session).queue(
            QueueFilter(states=(STATE_PENDING,), animal_id=animal_id)
        )
    [item] = queue.items
    assert not item.is_effective
    assert 0.52 <= item.probability < 0.93
