"""Detections and verdicts: effect, visibility, outbox events, audit, idempotence."""

from __future__ import annotations

import pytest

from aianimals.core.errors import InvalidInput, NotFound
from aianimals.core.events import ANIMAL_DEACTIVATED, ANIMAL_UPDATED
from aianimals.moderation.models import STATE_CONFIRMED, STATE_PENDING, STATE_REJECTED
from aianimals.moderation.service import CONFIRM, REJECT
from tests.factories import Factory
from tests.moderation.conftest import JUDGE, Moderation


def _event_types(moderation: Moderation, animal_id: str) -> list[str]:
    return [e.type for e in moderation.events() if e.payload.get("animal_id") == animal_id]


def test_a_detection_above_the_threshold_hides_the_animal_with_event_and_audit(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    row = moderation.detect(animal, 0.95)
    assert (row.is_effective, row.state, row.probability) == (True, STATE_PENDING, 0.95)
    assert moderation.animal(animal.id).deactivated
    assert _event_types(moderation, animal.id) == [ANIMAL_DEACTIVATED]
    [audit] = moderation.audits()
    assert (audit.violation_id, audit.actor) == (row.id, JUDGE)
    assert (audit.old_is_effective, audit.new_is_effective) == (None, True)


def test_a_detection_at_the_threshold_takes_effect_and_below_it_does_not(
    moderation: Moderation, factory: Factory
) -> None:
    at, below = factory.animal(), factory.animal()
    assert moderation.detect(at, 0.9, threshold=0.9).is_effective
    assert not moderation.detect(below, 0.89, threshold=0.9).is_effective
    assert moderation.animal(at.id).deactivated
    assert not moderation.animal(below.id).deactivated
    assert _event_types(moderation, below.id) == []
    assert len(moderation.audits()) == 1  # only the detection that took effect


def test_a_redelivered_detection_changes_nothing(moderation: Moderation, factory: Factory) -> None:
    animal = factory.animal()
    first = moderation.detect(animal, 0.97)
    again = moderation.detect(animal, 0.97)
    assert again.id == first.id
    assert again.updated_at == first.updated_at
    assert len(moderation.violations()) == 1
    assert len(moderation.audits()) == 1
    assert _event_types(moderation, animal.id) == [ANIMAL_DEACTIVATED]
    other_model = moderation.detect(animal, 0.97, model_version="no-animal-v2")
    assert other_model.id != first.id
    assert len(moderation.violations()) == 2


def test_a_pending_detection_is_updated_in_place_and_can_lift_its_effect(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    first = moderation.detect(animal, 0.95)
    lowered = moderation.detect(animal, 0.2)
    assert lowered.id == first.id
    assert (lowered.probability, lowered.is_effective) == (0.2, False)
    assert not moderation.animal(animal.id).deactivated
    assert _event_types(moderation, animal.id) == [ANIMAL_DEACTIVATED, ANIMAL_UPDATED]


def test_a_detection_after_a_verdict_keeps_the_verdict(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    row = moderation.detect(animal, 0.95)
    moderation.call(lambda s: s.review([row.id], REJECT, "admin"))
    again = moderation.detect(animal, 0.95)
    assert (again.id, again.state, again.is_effective) == (row.id, STATE_REJECTED, False)
    assert not moderation.animal(animal.id).deactivated


def test_a_new_detection_below_the_threshold_does_not_show_a_hidden_animal(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal(deactivated=True)
    moderation.detect(animal, 0.1)
    assert moderation.animal(animal.id).deactivated


def test_detections_are_checked(moderation: Moderation, factory: Factory) -> None:
    animal = factory.animal()
    kind = moderation.types["no_animal_violation"].id
    with pytest.raises(NotFound, match="no animal"):
        moderation.call(
            lambda s: s.record_detection(
                "0" * 32, kind, 0.5, model_version="v", judge="j", threshold=0.9
            )
        )
    with pytest.raises(NotFound, match="violation type"):
        moderation.call(
            lambda s: s.record_detection(
                animal.id, "x", 0.5, model_version="v", judge="j", threshold=0.9
            )
        )
    for probability, threshold in ((1.5, 0.9), (float("nan"), 0.9), (0.5, -0.1)):
        with pytest.raises(InvalidInput):
            moderation.detect(animal, probability, threshold=threshold)
    with pytest.raises(InvalidInput, match="judge"):
        moderation.detect(animal, 0.5, judge="")
    assert moderation.violations() == []
    assert moderation.call(lambda s: s.violation_type_id("no_animal_violation")) == kind


def test_confirm_puts_the_violation_in_effect_and_hides_the_animal(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    row = moderation.detect(animal, 0.5)
    outcome = moderation.call(lambda s: s.review([row.id], CONFIRM, "admin_a", "no pet visible"))
    assert (outcome.changed, outcome.unchanged) == ((row.id,), ())
    assert outcome.hidden_animals == (animal.id,)
    stored = moderation.violation(row.id)
    assert (stored.state, stored.is_effective) == (STATE_CONFIRMED, True)
    assert moderation.animal(animal.id).deactivated
    assert _event_types(moderation, animal.id) == [ANIMAL_DEACTIVATED]
    [audit] = moderation.audits()
    assert (audit.actor, audit.old_is_effective, audit.new_is_effective) == (
        "admin_a",
        False,
        True,
    )
    assert audit.note == "pending → confirmed: no pet visible"


def test_reject_reactivates_the_animal(moderation: Moderation, factory: Factory) -> None:
    animal = factory.animal()
    row = moderation.detect(animal, 0.99)
    outcome = moderation.call(lambda s: s.review([row.id], REJECT, "admin_a"))
    assert outcome.shown_animals == (animal.id,)
    stored = moderation.violation(row.id)
    assert (stored.state, stored.is_effective) == (STATE_REJECTED, False)
    assert not moderation.animal(animal.id).deactivated
    assert _event_types(moderation, animal.id) == [ANIMAL_DEACTIVATED, ANIMAL_UPDATED]
    audit = moderation.audits()[-1]
    assert (audit.old_is_effective, audit.new_is_effective, audit.note) == (
        True,
        False,
        "pending → rejected",
    )


def test_reject_keeps_the_animal_hidden_while_another_violation_is_in_effect(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    no_animal = moderation.detect(animal, 0.99)
    face = moderation.detect(animal, 0.95, kind="human_face_violation")
    outcome = moderation.call(lambda s: s.review([no_animal.id], REJECT, "admin_a"))
    assert outcome.changed == (no_animal.id,)
    assert outcome.shown_animals == ()
    assert moderation.animal(animal.id).deactivated
    moderation.call(lambda s: s.review([face.id], REJECT, "admin_a"))
    assert not moderation.animal(animal.id).deactivated


def test_reject_never_shows_an_animal_its_owner_removed(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal(deactivated=True, removed_by_owner=True)
    row = moderation.detect(animal, 0.99)
    outcome = moderation.call(lambda s: s.review([row.id], REJECT, "admin_a"))
    assert outcome.changed == (row.id,)
    assert outcome.shown_animals == ()
    assert moderation.animal(animal.id).deactivated
    assert _event_types(moderation, animal.id) == []


def test_the_same_verdict_again_changes_and_audits_nothing(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    row = moderation.detect(animal, 0.5)
    moderation.call(lambda s: s.review([row.id], CONFIRM, "admin_a"))
    before = moderation.violation(row.id)
    again = moderation.call(lambda s: s.review([row.id], CONFIRM, "admin_b"))
    assert (again.changed, again.unchanged, again.hidden_animals) == ((), (row.id,), ())
    assert moderation.violation(row.id).updated_at == before.updated_at
    assert len(moderation.audits()) == 1
    assert len(moderation.events()) == 1


def test_bulk_verdicts_cover_many_violations_and_animals_at_once(
    moderation: Moderation, factory: Factory
) -> None:
    first, second = factory.animal(), factory.animal()
    rows = [
        moderation.detect(first, 0.4),
        moderation.detect(first, 0.3, kind="human_face_violation"),
        moderation.detect(second, 0.6),
    ]
    moderation.call(lambda s: s.review([rows[2].id], CONFIRM, "admin_a"))
    ids = [row.id for row in rows]
    outcome = moderation.call(lambda s: s.review([*ids, ids[0]], CONFIRM, "admin_b", "bulk"))
    assert outcome.changed == (ids[0], ids[1])
    assert outcome.unchanged == (ids[2],)
    assert outcome.hidden_animals == (first.id,)
    assert {moderation.violation(i).state for i in ids} == {STATE_CONFIRMED}
    assert [a.actor for a in moderation.audits()] == ["admin_a", "admin_b", "admin_b"]
    assert len([e for e in moderation.events() if e.type == ANIMAL_DEACTIVATED]) == 2
    rejected = moderation.call(lambda s: s.review(ids, REJECT, "admin_c"))
    assert rejected.changed == tuple(ids)
    assert sorted(rejected.shown_animals) == sorted([first.id, second.id])
    assert not moderation.animal(first.id).deactivated
    assert not moderation.animal(second.id).deactivated


def test_unknown_ids_change_nothing_and_are_named(moderation: Moderation, factory: Factory) -> None:
    row = moderation.detect(factory.animal(), 0.5)
    unknown = "f" * 32
    with pytest.raises(NotFound, match=unknown):
        moderation.call(lambda s: s.review([row.id, unknown], CONFIRM, "admin_a"))
    assert moderation.violation(row.id).state == STATE_PENDING
    assert moderation.audits() == []


def test_verdicts_are_checked(moderation: Moderation, factory: Factory) -> None:
    row = moderation.detect(factory.animal(), 0.5)
    for ids, verdict, actor, note in (
        ([row.id], "approve", "admin_a", ""),
        ([], CONFIRM, "admin_a", ""),
        ([row.id], CONFIRM, "", ""),
        ([row.id], CONFIRM, "admin_a", "x" * 901),
    ):
        with pytest.raises(InvalidInput):
            moderation.call(lambda s, i=ids, v=verdict, a=actor, n=note: s.review(i, v, a, n))
    assert moderation.violation(row.id).state == STATE_PENDING
