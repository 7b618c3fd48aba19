"""The impression writer: batched off the request path, nothing lost on a clean shutdown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select

from aianimals.access_logs.impressions import ImpressionWriter, Shown
from aianimals.access_logs.models import Impression
from aianimals.animals.models import Animal
from aianimals.core.ids import new_id
from aianimals.roles.container import Container
from aianimals.users.models import User
from tests.factories import Factory


@pytest.fixture
def user(factory: Factory) -> User:
    return factory.user("viewer")


@pytest.fixture
def shown_animals(factory: Factory, user: User) -> list[Animal]:
    return [factory.animal(user, name=f"animal {i}") for i in range(3)]


@pytest.fixture
def slow_writer(container: Container) -> Iterator[ImpressionWriter]:
    """A writer that would wait a minute before storing anything on its own."""
    writer = ImpressionWriter(container.database, flush_seconds=60)
    yield writer
    writer.close()


def _page(animals: list[Animal], search_id: str | None = None) -> list[Shown]:
    search_id = search_id or new_id()
    return [Shown(search_id, i, a.id, "score", "bm25") for i, a in enumerate(animals)]


def _stored(container: Container) -> list[tuple[str, int, str]]:
    with container.database.session() as session:
        rows = session.execute(
            select(Impression.search_id, Impression.position, Impression.animal_id).order_by(
                Impression.search_id, Impression.position
            )
        ).all()
    return [(s, p, a) for s, p, a in rows]


def test_close_stores_everything_submitted_before_it(
    container: Container, user: User, shown_animals: list[Animal]
) -> None:
    writer = ImpressionWriter(container.database, flush_seconds=60)
    pages = [_page(shown_animals) for _ in range(4)]
    for page in pages:
        writer.submit(user.id, page)
    writer.close()
    expected = sorted((s.search_id, s.position, s.animal_id) for page in pages for s in page)
    assert _stored(container) == expected


@pytest.mark.committed  # counts the commits of the store's own engine
def test_many_searches_are_stored_in_one_transaction(
    container: Container, user: User, shown_animals: list[Animal], slow_writer: ImpressionWriter
) -> None:
    commits: list[object] = []
    engine = container.database.engine
    listener = commits.append
    event.listen(engine, "commit", listener)
    try:
        for _ in range(5):
            slow_writer.submit(user.id, _page(shown_animals))
        slow_writer.flush()
    finally:
        event.remove(engine, "commit", listener)
    assert len(_stored(container)) == 15
    assert len(commits) == 1


def test_nothing_is_stored_until_a_flush_or_the_interval(
    container: Container, user: User, shown_animals: list[Animal], slow_writer: ImpressionWriter
) -> None:
    slow_writer.submit(user.id, _page(shown_animals))
    assert _stored(container) == []
    slow_writer.flush()
    assert len(_stored(container)) == 3


def test_the_same_impressions_twice_are_stored_once(
    container: Container, user: User, shown_animals: list[Animal], slow_writer: ImpressionWriter
) -> None:
    page = _page(shown_animals)
    slow_writer.submit(user.id, page)
    slow_writer.submit(user.id, page)
    slow_writer.flush()
    slow_writer.submit(user.id, page)
    slow_writer.flush()
    assert len(_stored(container)) == 3


def test_a_page_that_cannot_be_stored_does_not_lose_the_others(
    container: Container, user: User, shown_animals: list[Animal], slow_writer: ImpressionWriter
) -> None:
    good = _page(shown_animals)
    unknown_animal = [Shown(new_id(), 0, new_id(), "score", None)]
    slow_writer.submit(user.id, good)
    slow_writer.submit(user.id, unknown_animal)
    slow_writer.flush()
    assert {search_id for search_id, _, _ in _stored(container)} == {good[0].search_id}


def test_submit_after_close_stores_at_once(
    container: Container, user: User, shown_animals: list[Animal]
) -> None:
    writer = ImpressionWriter(container.database)
    writer.close()
    writer.submit(user.id, _page(shown_animals))
    assert len(_stored(container)) == 3
    writer.close()


def test_a_full_queue_makes_submit_wait_rather_than_drop(
    container: Container, user: User, shown_animals: list[Animal]
) -> None:
    writer = ImpressionWriter(container.database, flush_seconds=0.01, max_pending=1)
    for _ in range(20):
        writer.submit(user.id, _page(shown_animals))
    writer.close()
    assert len(_stored(container)) == 60


def test_container_close_drains_the_writer(
    container: Container, user: User, shown_animals: list[Animal]
) -> None:
    container.impressions.flush_seconds = 60
    container.impressions.submit(user.id, _page(shown_animals))
    container.close_ports()
    with container.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Impression)) == 3


def test_a_page_is_held_until_it_is_stored_then_let_go(
    container: Container, user: User, shown_animals: list[Animal], slow_writer: ImpressionWriter
) -> None:
    page = _page(shown_animals)
    search_id, animal_id = page[0].search_id, page[0].animal_id
    slow_writer.submit(user.id, page)
    assert slow_writer.holds(search_id, user.id, animal_id)
    assert not slow_writer.holds(search_id, new_id(), animal_id)  # another user's view
    assert not slow_writer.holds(new_id(), user.id, animal_id)
    assert not slow_writer.holds(search_id, user.id, new_id())
    assert _stored(container) == []
    slow_writer.flush()
    assert not slow_writer.holds(search_id, user.id, animal_id)
    assert len(_stored(container)) == 3


def test_a_page_that_cannot_be_stored_is_let_go_too(
    user: User, slow_writer: ImpressionWriter
) -> None:
    lost = [Shown(new_id(), 0, new_id(), "score", None)]  # an unknown animal
    slow_writer.submit(user.id, lost)
    slow_writer.flush()
    assert not slow_writer.holds(lost[0].search_id, user.id, lost[0].animal_id)
