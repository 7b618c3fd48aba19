"""The review queue's filters and paging, and the numbers behind the portal's charts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from aianimals.core.errors import InvalidInput
from aianimals.moderation.listing import DetectorVersion, QueueFilter
from aianimals.moderation.service import CONFIRM, REJECT
from aianimals.moderation.stats import DailyCount
from tests.factories import Factory
from tests.moderation.conftest import JUDGE, MODEL, Moderation

DAY = datetime(2026, 3, 1, 12, 0)


def test_the_queue_lists_violations_with_their_animal_newest_first_when_asked(
    moderation: Moderation, factory: Factory
) -> None:
    owner = factory.user("owner_of_tama")
    tama = factory.animal(owner, name="たま", thumbnail_url="/media/thumbnails/t.jpg")
    older = moderation.detect(tama, 0.95)
    newer = moderation.detect(factory.animal(), 0.2, kind="human_face_violation")
    moderation.backdate(older, DAY)
    moderation.backdate(newer, DAY + timedelta(hours=1))
    page = moderation.call(lambda s: s.queue(QueueFilter(order="newest")))
    assert page.total == 2
    assert [item.violation_id for item in page.items] == [newer.id, older.id]
    item = page.items[1]
    assert (item.animal_id, item.animal_name, item.owner_handle_name) == (
        tama.id,
        "たま",
        "owner_of_tama",
    )
    assert (item.photo_url, item.thumbnail_url) == (tama.photo_url, "/media/thumbnails/t.jpg")
    assert (item.deactivated, item.removed_by_owner) == (True, False)
    assert (item.violation_type, item.probability, item.state) == (
        "no_animal_violation",
        0.95,
        "pending",
    )
    assert (item.judge, item.model_version, item.is_effective) == (JUDGE, MODEL, True)
    assert item.created_at == DAY


def test_the_queue_filters_by_type_state_probability_and_detector(
    moderation: Moderation, factory: Factory
) -> None:
    low = moderation.detect(factory.animal(), 0.1)
    high = moderation.detect(factory.animal(), 0.95)
    face = moderation.detect(factory.animal(), 0.5, kind="human_face_violation")
    v2 = moderation.detect(factory.animal(), 0.7, model_version="no-animal-v2")
    moderation.call(lambda s: s.review([high.id], CONFIRM, "admin"))

    def ids(**where: object) -> set[str]:
        page = moderation.call(lambda s: s.queue(QueueFilter(**where)))  # type: ignore[arg-type]
        return {item.violation_id for item in page.items}

    assert ids(violation_type_id=moderation.types["human_face_violation"].id) == {face.id}
    assert ids(states=("pending",)) == {low.id, face.id, v2.id}
    assert ids(states=("confirmed", "rejected")) == {high.id}
    assert ids(min_probability=0.5, max_probability=0.7) == {face.id, v2.id}
    assert ids(model_version="no-animal-v2") == {v2.id}
    assert ids(judge="someone else") == set()
    assert ids(animal_id=low.animal_id) == {low.id}
    assert moderation.call(lambda s: s.detector_versions()) == [
        DetectorVersion(JUDGE, MODEL),
        DetectorVersion(JUDGE, "no-animal-v2"),
    ]


def test_the_queue_pages(moderation: Moderation, factory: Factory) -> None:
    rows = [moderation.detect(factory.animal(), 0.5) for _ in range(5)]
    for hours, row in enumerate(rows):
        moderation.backdate(row, DAY + timedelta(hours=hours))
    newest_first = [row.id for row in reversed(rows)]
    first = moderation.call(lambda s: s.queue(QueueFilter(limit=2)))
    last = moderation.call(lambda s: s.queue(QueueFilter(limit=2, offset=4)))
    assert (first.total, last.total) == (5, 5)
    assert [item.violation_id for item in first.items] == newest_first[:2]
    assert [item.violation_id for item in last.items] == newest_first[4:]


@pytest.mark.parametrize(
    "where",
    [
        {"states": ("approved",)},
        {"min_probability": 0.8, "max_probability": 0.2},
        {"max_probability": 1.5},
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
    ],
)
def test_bad_queue_filters_are_refused(where: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        QueueFilter(**where)  # type: ignore[arg-type]


def test_violations_per_day_by_type(moderation: Moderation, factory: Factory) -> None:
    for day, kind in (
        (0, "no_animal_violation"),
        (0, "no_animal_violation"),
        (0, "human_face_violation"),
        (2, "no_animal_violation"),
    ):
        row = moderation.detect(factory.animal(), 0.5, kind=kind)
        moderation.backdate(row, DAY + timedelta(days=day))
    old = moderation.detect(factory.animal(), 0.5)
    moderation.backdate(old, DAY - timedelta(days=30))
    counts = moderation.call(lambda s: s.violations_per_day(since=DAY - timedelta(days=1)))
    assert counts == [
        DailyCount(date(2026, 3, 1), "human_face_violation", 1),
        DailyCount(date(2026, 3, 1), "no_animal_violation", 2),
        DailyCount(date(2026, 3, 3), "no_animal_violation", 1),
    ]
    assert len(moderation.call(lambda s: s.violations_per_day())) == 4


def test_detector_precision_against_the_verdicts(moderation: Moderation, factory: Factory) -> None:
    v1 = [moderation.detect(factory.animal(), 0.95) for _ in range(4)]
    moderation.detect(factory.animal(), 0.5, model_version="no-animal-v2")
    moderation.call(lambda s: s.review([row.id for row in v1[:3]], CONFIRM, "admin"))
    moderation.call(lambda s: s.review([v1[3].id], REJECT, "admin"))
    first, second = moderation.call(lambda s: s.detector_precision())
    assert (first.model_version, first.total, first.confirmed, first.rejected) == (MODEL, 4, 3, 1)
    assert (first.pending, first.effective, first.reviewed, first.precision) == (0, 3, 4, 0.75)
    assert (second.model_version, second.pending, second.precision) == ("no-animal-v2", 1, None)
    faces = moderation.types["human_face_violation"].id
    assert moderation.call(lambda s: s.detector_precision(faces)) == []


def test_the_audit_log_lists_the_latest_changes_first(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal(name="ミケ")
    row = moderation.detect(animal, 0.95)
    moderation.call(lambda s: s.review([row.id], REJECT, "admin_a", "a cat is visible"))
    moderation.call(lambda s: s.review([row.id], CONFIRM, "admin_b"))
    log = moderation.call(lambda s: s.audit_log())
    assert [entry.actor for entry in log] == ["admin_b", "admin_a", JUDGE]
    assert log[1].note == "pending → rejected: a cat is visible"
    assert log[0].note == "rejected → confirmed"
    assert (log[0].animal_name, log[0].violation_type) == ("ミケ", "no_animal_violation")
    assert (log[0].old_is_effective, log[0].new_is_effective) == (False, True)
    assert [e.actor for e in moderation.call(lambda s: s.audit_log(limit=1))] == ["admin_b"]
    other = moderation.detect(factory.animal(), 0.99)
    assert [
        e.violation_id for e in moderation.call(lambda s: s.audit_log(violation_id=other.id))
    ] == [other.id]


def test_the_queue_puts_what_most_needs_a_human_first(
    moderation: Moderation, factory: Factory
) -> None:
    reviewed = moderation.detect(factory.animal(), 0.99)
    moderation.call(lambda s: s.review([reviewed.id], REJECT, "admin"))
    likely = moderation.detect(factory.animal(), 0.8)
    unlikely = moderation.detect(factory.animal(), 0.6)
    hidden = moderation.detect(factory.animal(), 0.91)
    newer_same = moderation.detect(factory.animal(), 0.6)
    moderation.backdate(unlikely, DAY)
    moderation.backdate(newer_same, DAY + timedelta(hours=1))
    page = moderation.call(lambda s: s.queue())
    assert [item.violation_id for item in page.items] == [
        hidden.id,  # pending and hidden: the owner's post is down until someone looks
        likely.id,
        newer_same.id,
        unlikely.id,
        reviewed.id,  # has its verdict
    ]


def test_an_unknown_queue_order_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown order"):
        QueueFilter(order="random")


def test_an_animals_history_has_every_score_every_change_and_the_owners_request(
    moderation: Moderation, factory: Factory
) -> None:
    from aianimals.moderation.owner_state import OwnerModeration

    owner = factory.user("owner")
    animal = factory.animal(owner)
    detected = moderation.detect(animal, 0.97)
    face = moderation.detect(animal, 0.3, kind="human_face_violation")
    moderation.detect(factory.animal(), 0.99)  # another animal: not in this history
    moderation.call(lambda s: s.review([detected.id], CONFIRM, "admin", "no animal at all"))
    with moderation.container.database.session() as session:
        OwnerModeration(session).request_review(owner, animal.id, "it is my cat")
    record = moderation.call(lambda s: s.animal_history(animal.id))
    assert {row.violation_id for row in record.detections} == {detected.id, face.id}
    assert {row.probability for row in record.detections} == {0.97, 0.3}
    notes = [entry.note for entry in record.audits]
    assert notes[0] == "confirmed → pending: the owner asked for a review"
    assert notes[1] == "pending → confirmed: no animal at all"
    assert notes[2].startswith(f"detected by {JUDGE}")
    assert record.review_requested_at is not None
    assert record.review_note == "it is my cat"


def test_all_users_reports_count_as_one_judge_in_the_precision_table(
    moderation: Moderation, factory: Factory
) -> None:
    first = moderation.detect(factory.animal(), 1.0, judge="report:user-a", model_version="")
    second = moderation.detect(factory.animal(), 1.0, judge="report:user-b", model_version="")
    moderation.call(lambda s: s.review([first.id], CONFIRM, "admin"))
    moderation.call(lambda s: s.review([second.id], REJECT, "admin"))
    [reports] = moderation.call(lambda s: s.detector_precision())
    assert (reports.judge, reports.total, reports.confirmed, reports.rejected) == (
        "reports",
        2,
        1,
        1,
    )
    assert reports.precision == 0.5
