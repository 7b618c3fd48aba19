"""Each role's writes, run in a process that imports only what that role imports.

The suite's own process imports every feature's tables, so a role whose modules leave one
out (a foreign key SQLAlchemy cannot resolve when it flushes) passes here and crashes in
production. These tests seed the store from the test process, run the role's mutation in a
fresh interpreter that imports only the role's entry modules, and check the store after.
The child gets this test's settings through `AIANIMALS_*` variables in its environment
only, so it runs over the same database (SQLite file or PostgreSQL schema) and files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aianimals.animals.models import Animal
from aianimals.images.detector import violation_detected
from aianimals.moderation.models import Violation
from aianimals.moderation.service import ModerationService
from aianimals.portal.serve import APP
from aianimals.ports.sql.outbox import record_event
from aianimals.ports.sql.outbox_models import OutboxMessage
from aianimals.roles.container import Container
from aianimals.roles.portal import settings_environment
from aianimals.users.models import ROLE_ADMIN
from tests.dataset.importer.seed import tiny_seed
from tests.factories import PASSWORD, Factory

# The role runs in a process of its own: it must see committed rows, and it commits its own.
pytestmark = [pytest.mark.slow, pytest.mark.committed]

THRESHOLD = 0.9
SHOWN, HIDDEN = 0.6, 0.97
"""Detection probabilities: under the threshold the photo stays shown, over it it hides."""

# `streamlit run` executes the portal's entry script; AppTest does the same in this process.
_PORTAL = r"""
import sys
from streamlit.testing.v1 import AppTest

app_path, email, password, action, *violation_ids = sys.argv[1:]
app = AppTest.from_file(app_path, default_timeout=60)
app.run()
app.text_input(key="login_email").input(email)
app.text_input(key="login_password").input(password)
next(button for button in app.button if button.label == "Log in").click()
app.run()
if action.startswith("bulk-"):
    for violation_id in violation_ids:
        app.checkbox(key=f"select-{violation_id}").check()
    app.button(key=action).click().run()
else:
    (violation_id,) = violation_ids
    app.button(key=f"{action}-{violation_id}").click().run()
for element in app.exception:
    print(element.value, *element.stack_trace, sep="\n", file=sys.stderr)
for element in app.error:
    print(element.value, file=sys.stderr)
sys.exit(1 if app.exception or app.error or not app.success else 0)
"""

# What `aianimals worker` runs, without its threads: relay the outbox, consume until idle.
_WORKER = r"""
import logging
import sys

from aianimals.roles.container import build_container
from aianimals.ports.sql.outbox import OutboxRelay
from aianimals.roles.worker import consumers
from aianimals.settings import Settings


class Complaints(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


complaints = Complaints()
logging.basicConfig(level=logging.WARNING)
logging.getLogger().addHandler(complaints)
container = build_container(Settings())
workers = consumers(container)
for worker in workers:
    worker.declare()
    worker.wait_seconds = 0.0
relay = OutboxRelay(container.database, container.queue)
while relay.relay_all() + sum(worker.run_once() for worker in workers):
    pass
container.close()
sys.exit(1 if complaints.records else 0)
"""

# The `aianimals` console script.
_CLI = "from aianimals.cli import main; main()"


# What `aianimals worker` does when it starts, before its consumers run: re-band the store.
_REBAND = r"""
import sys

from aianimals.roles.container import build_container
from aianimals.roles.worker import rebanded
from aianimals.settings import Settings

container = build_container(Settings())
change = rebanded(container)
container.close()
sys.exit(0 if change.unqueued == 1 else 1)
"""


def _run_role(container: Container, script: str, *args: str) -> None:
    """Run `script` in a fresh interpreter over this test's settings; fail with its output."""
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=settings_environment(container.settings, os.environ),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if completed.returncode != 0:
        output = f"{completed.stdout}\n{completed.stderr}"
        pytest.fail(f"the role's process exited with {completed.returncode}:\n{output}")


def _detections(container: Container, factory: Factory, probabilities: list[float]) -> list[str]:
    """An administrator, and one animal per probability with that detection; violation ids."""
    factory.user("moderator", role=ROLE_ADMIN)
    owner = factory.user("owner")
    type_id = {row.name: row.id for row in factory.violation_types()}["no_animal_violation"]
    violation_ids = []
    for index, probability in enumerate(probabilities):
        animal = factory.animal(owner, name=f"animal {index}")
        with container.database.session() as session:
            violation = ModerationService(session).record_detection(
                animal.id,
                type_id,
                probability,
                model_version="no-animal-v1",
                judge="no_animal_detector",
                threshold=THRESHOLD,
            )
        violation_ids.append(violation.id)
    return violation_ids


def _outcome(container: Container, violation_ids: list[str]) -> list[tuple[str, bool, bool]]:
    """(state, in effect, animal hidden) of each violation, in order."""
    with container.database.session() as session:
        rows = session.execute(
            select(Violation.id, Violation.state, Violation.is_effective, Animal.deactivated)
            .join(Animal, Animal.id == Violation.animal_id)
            .where(Violation.id.in_(violation_ids))
        )
        found = {row.id: (row.state, row.is_effective, row.deactivated) for row in rows}
    return [found[violation_id] for violation_id in violation_ids]


def _portal(container: Container, action: str, violation_ids: list[str]) -> None:
    email = "moderator@example.com"
    _run_role(container, _PORTAL, str(APP), email, PASSWORD, action, *violation_ids)


def test_portal_reject_shows_the_photo_again_in_a_portal_only_process(
    container: Container, factory: Factory
) -> None:
    violation_ids = _detections(container, factory, [HIDDEN])
    assert _outcome(container, violation_ids) == [("pending", True, True)]

    _portal(container, "reject", violation_ids)

    assert _outcome(container, violation_ids) == [("rejected", False, False)]


def test_portal_confirm_hides_the_photo_in_a_portal_only_process(
    container: Container, factory: Factory
) -> None:
    violation_ids = _detections(container, factory, [SHOWN])
    assert _outcome(container, violation_ids) == [("pending", False, False)]

    _portal(container, "confirm", violation_ids)

    assert _outcome(container, violation_ids) == [("confirmed", True, True)]


@pytest.mark.parametrize(
    ("verdict", "before", "after"),
    [
        ("confirm", ("pending", False, False), ("confirmed", True, True)),
        ("reject", ("pending", True, True), ("rejected", False, False)),
    ],
)
def test_portal_bulk_verdict_applies_to_every_selected_photo_in_a_portal_only_process(
    container: Container,
    factory: Factory,
    verdict: str,
    before: tuple[str, bool, bool],
    after: tuple[str, bool, bool],
) -> None:
    probability = SHOWN if verdict == "confirm" else HIDDEN
    violation_ids = _detections(container, factory, [probability, probability])
    assert _outcome(container, violation_ids) == [before, before]

    _portal(container, f"bulk-{verdict}", violation_ids)

    assert _outcome(container, violation_ids) == [after, after]


def test_worker_records_a_detection_and_hides_the_photo_in_a_worker_only_process(
    container: Container, factory: Factory
) -> None:
    factory.violation_types()
    animal = factory.animal()
    with container.database.session() as session:
        event = violation_detected(animal.id, "no_animal_violation", HIDDEN, "v1", "detector")
        record_event(session, event)
        session.commit()

    _run_role(container, _WORKER)

    with container.database.session() as session:
        violations = session.scalars(select(Violation).where(Violation.animal_id == animal.id))
        assert [(row.state, row.is_effective) for row in violations] == [("pending", True)]
        assert session.scalar(select(Animal.deactivated).where(Animal.id == animal.id))
        unpublished = select(func.count()).where(OutboxMessage.published_at.is_(None))
        assert session.scalar(unpublished) == 0  # the hide reached the indexer and updater


def test_worker_queues_the_review_band_and_keeps_the_rest_in_a_worker_only_process(
    container: Container, factory: Factory
) -> None:
    factory.violation_types()
    in_band, below = factory.animal(), factory.animal()
    with container.database.session() as session:
        for animal, probability in ((in_band, 0.6), (below, 0.3)):
            event = violation_detected(
                animal.id, "no_animal_violation", probability, "v1", "detector"
            )
            record_event(session, event)
        session.commit()

    _run_role(container, _WORKER)

    with container.database.session() as session:
        rows = session.execute(
            select(
                Violation.animal_id, Violation.state, Violation.is_effective, Animal.deactivated
            ).join(Animal, Animal.id == Violation.animal_id)
        )
        found = {row.animal_id: (row.state, row.is_effective, row.deactivated) for row in rows}
    assert found == {
        in_band.id: ("pending", False, False),
        below.id: ("below_band", False, False),
    }


def test_worker_start_unqueues_old_rows_under_the_band_in_a_worker_only_process(
    container: Container, factory: Factory
) -> None:
    type_id = {row.name: row.id for row in factory.violation_types()}["no_animal_violation"]
    animal = factory.animal()
    with container.database.session() as session:
        old = ModerationService(session).record_detection(
            animal.id, type_id, 0.1, model_version="v1", judge="detector", threshold=THRESHOLD
        )
    assert old.state == "pending"  # recorded before review bands existed

    _run_role(container, _REBAND)

    with container.database.session() as session:
        assert session.scalar(select(Violation.state).where(Violation.id == old.id)) == "below_band"


def test_cli_import_writes_the_dataset_in_a_cli_only_process(
    container: Container, tmp_path: Path
) -> None:
    seed = tiny_seed()
    directory = seed.write(tmp_path / "seed")

    _run_role(container, _CLI, "import", str(directory))

    with container.database.session() as session:
        animals = session.scalar(select(func.count()).select_from(Animal))
        violations = session.scalar(select(func.count()).select_from(Violation))
    assert (animals, violations) == (len(seed.animals), len(seed.violations))
