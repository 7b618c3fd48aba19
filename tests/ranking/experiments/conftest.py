"""Hand-made experiment logs in the test store, and a live `aianimals api` for the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from aianimals.access_logs.models import AccessLog, Impression
from aianimals.core.ids import new_id
from aianimals.ranking.experiments.report import ArmStats, arm_report
from aianimals.roles.container import Container
from tests.factories import Factory
from tests.live import LiveSite, live_site, run_cli

__all__ = ["DATASET_ANIMALS", "LiveApi", "run_cli"]

DATASET_ANIMALS = 300
LiveApi = LiveSite


@pytest.fixture(scope="session")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """`aianimals api` over a generated dataset of 300 animals."""
    root = tmp_path_factory.mktemp("ab-site")
    with live_site(root, ("api",), animals=DATASET_ANIMALS, name="ab") as site:
        yield site


AT = datetime(2024, 5, 1, 12, 0, 0)


class Logs:
    """Adds searches (their impressions) and the actions on them."""

    def __init__(self, container: Container, factory: Factory) -> None:
        self.container = container
        self.users = [factory.user() for _ in range(4)]
        owner = self.users[0]
        self.animals = [factory.animal(owner).id for _ in range(3)]
        self.rows: list[Impression | AccessLog] = []

    def search(
        self, model_name: str | None, *, selects: int = 0, likes: int = 0, user: int = 0
    ) -> str:
        """One search showing every animal, with `selects` selects and `likes` likes."""
        search_id, user_id = new_id(), self.users[user % len(self.users)].id
        for position, animal_id in enumerate(self.animals):
            self.rows.append(
                Impression(
                    search_id=search_id,
                    position=position,
                    user_id=user_id,
                    animal_id=animal_id,
                    sort_by="learn_to_rank",
                    model_name=model_name,
                    created_at=AT,
                )
            )
        actions = ["select"] * selects + ["see_long", "like"] * likes
        for action in actions:
            self.rows.append(
                AccessLog(
                    id=new_id(),
                    search_id=search_id,
                    phrases=["dog"],
                    sort_by="learn_to_rank",
                    model_name=model_name,
                    user_id=user_id,
                    animal_id=self.animals[0],
                    action=action,
                    created_at=AT,
                )
            )
        return search_id

    def many(self, model_name: str, searches: int, selected: int) -> None:
        """`searches` searches of which the first `selected` have one select."""
        for number in range(searches):
            self.search(model_name, selects=1 if number < selected else 0, user=number)

    def report(self, experiment: str | None = None) -> list[ArmStats]:
        """Store the rows, then report."""
        with self.container.database.session() as session:
            session.add_all(self.rows)
            session.commit()
        self.rows = []
        with self.container.database.connect() as connection:
            return arm_report(connection, experiment)


@pytest.fixture
def logs(container: Container, factory: Factory) -> Logs:
    """A builder of search logs over a few users and animals."""
    return Logs(container, factory)
