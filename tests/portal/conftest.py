"""A store prepared for the portal: an admin, a visitor, animals with photos, violations.

The portal reads its settings from `AIANIMALS_*` variables, as `run_portal` passes them;
the fixtures here set them from the test's settings, over the test's database (SQLite, or
PostgreSQL when the suite runs against it) and blob store.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import streamlit as st

from aianimals.animals.photos import photo_key
from aianimals.core.ids import new_id
from aianimals.moderation.service import ModerationService
from aianimals.roles.container import Container
from aianimals.roles.portal import ENV_PREFIX, settings_environment
from aianimals.users.models import ROLE_ADMIN
from tests.animals.images import image_bytes
from tests.factories import Factory

ADMIN_EMAIL = "moderator@example.com"
VISITOR_EMAIL = "visitor@example.com"
MODEL = "no-animal-v1"


@dataclass(frozen=True)
class Prepared:
    """What the store holds: violation ids by animal name, and animal ids by name."""

    violations: dict[str, str]
    animals: dict[str, str]


@pytest.fixture
def prepared(container: Container, factory: Factory) -> Prepared:
    """Three hidden animals with photos, each with an effective no-animal violation."""
    types = {row.name: row.id for row in factory.violation_types()}
    factory.user("moderator", role=ROLE_ADMIN)
    factory.user("visitor")
    owner = factory.user("owner")
    violations, animals = {}, {}
    for index, (name, probability) in enumerate((("Tama", 0.97), ("Pochi", 0.93), ("Rex", 0.91))):
        animal_id = new_id()
        colour = image_bytes(size=(320 + index, 240))
        url = container.blobs.put(photo_key(animal_id), colour)
        factory.animal(owner, id=animal_id, name=name, photo_url=url)
        with container.database.session() as session:
            row = ModerationService(session).record_detection(
                animal_id,
                types["no_animal_violation"],
                probability,
                model_version=MODEL,
                judge="no_animal_detector",
                threshold=0.9,
            )
        violations[name], animals[name] = row.id, animal_id
    return Prepared(violations=violations, animals=animals)


@pytest.fixture
def portal_environment(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test's settings as `AIANIMALS_*` variables; the portal's cached backends are
    released afterwards."""
    for key in list(os.environ):
        if key.startswith(ENV_PREFIX):
            monkeypatch.delenv(key)
    for key, value in settings_environment(container.settings, {}).items():
        monkeypatch.setenv(key, value)
    yield
    st.cache_resource.clear()
