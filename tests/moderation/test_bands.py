"""Review bands: hidden and queued, visible and queued, or kept for metrics only."""

from __future__ import annotations

import pytest

from aianimals.core.errors import InvalidInput
from aianimals.moderation.bands import BandChange, apply_review_bands
from aianimals.moderation.listing import QueueFilter
from aianimals.moderation.models import (
    STATE_BELOW_BAND,
    STATE_CONFIRMED,
    STATE_PENDING,
)
from aianimals.moderation.service import CONFIRM
from tests.factories import Factory
from tests.moderation.conftest import JUDGE, Moderation

HIDE, REVIEW = 0.93, 0.52
PENDING = QueueFilter(states=(STATE_PENDING,))


def _queued(moderation: Moderation) -> set[str]:
    return {item.violation_id for item in moderation.call(lambda s: s.queue(PENDING)).items}


def test_each_band_decides_visibility_and_queueing(
    moderation: Moderation, factory: Factory
) -> None:
    above, band, below = factory.animal(), factory.animal(), factory.animal()
    hidden = moderation.detect(above, 0.95, threshold=HIDE, review_threshold=REVIEW)
    queued = moderation.detect(band, 0.6, threshold=HIDE, review_threshold=REVIEW)
    kept = moderation.detect(below, 0.3, threshold=HIDE, review_threshold=REVIEW)
    assert (hidden.state, hidden.is_effective) == (STATE_PENDING, True)
    assert (queued.state, queued.is_effective) == (STATE_PENDING, False)
    assert (kept.state, kept.is_effective) == (STATE_BELOW_BAND, False)
    assert moderation.animal(above.id).deactivated
    assert not moderation.animal(band.id).deactivated
    assert not moderation.animal(below.id).deactivated
    assert _queued(moderation) == {hidden.id, queued.id}
    assert len(moderation.violations()) == 3  # the one below the band is still stored


def test_the_band_floor_itself_is_queued(moderation: Moderation, factory: Factory) -> None:
    row = moderation.detect(factory.animal(), REVIEW, threshold=HIDE, review_threshold=REVIEW)
    assert row.state == STATE_PENDING


def test_a_new_score_moves_an_unreviewed_detection_between_bands(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    row = moderation.detect(animal, 0.3, threshold=HIDE, review_threshold=REVIEW)
    again = moderation.detect(animal, 0.7, threshold=HIDE, review_threshold=REVIEW)
    assert (again.id, again.state) == (row.id, STATE_PENDING)
    lower = moderation.detect(animal, 0.1, threshold=HIDE, review_threshold=REVIEW)
    assert lower.state == STATE_BELOW_BAND


def test_a_verdict_stands_whatever_band_a_redelivery_falls_in(
    moderation: Moderation, factory: Factory
) -> None:
    animal = factory.animal()
    row = moderation.detect(animal, 0.7, threshold=HIDE, review_threshold=REVIEW)
    moderation.call(lambda s: s.review([row.id], CONFIRM, "admin"))
    again = moderation.detect(animal, 0.1, threshold=HIDE, review_threshold=REVIEW)
    assert (again.state, again.is_effective) == (STATE_CONFIRMED, True)


def test_a_review_floor_above_the_hide_threshold_is_refused(
    moderation: Moderation, factory: Factory
) -> None:
    with pytest.raises(InvalidInput, match="must not exceed"):
        moderation.detect(factory.animal(), 0.5, threshold=0.6, review_threshold=0.7)


def test_stored_detections_move_into_the_configured_bands(
    moderation: Moderation, factory: Factory
) -> None:
    old_low = moderation.detect(factory.animal(), 0.1)  # before bands: pending
    old_band = moderation.detect(factory.animal(), 0.6)
    hidden = moderation.detect(factory.animal(), 0.95)
    reviewed = moderation.detect(factory.animal(), 0.2)
    moderation.call(lambda s: s.review([reviewed.id], CONFIRM, "admin"))
    report = moderation.detect(factory.animal(), 0.1, judge="report:someone")
    missed = moderation.detect(factory.animal(), 0.7, threshold=HIDE, review_threshold=0.8)
    assert missed.state == STATE_BELOW_BAND

    def apply() -> BandChange:
        with moderation.container.database.session() as session:
            return apply_review_bands(session, {"no_animal_violation": REVIEW}, JUDGE)

    assert apply() == BandChange(unqueued=1, queued=1)
    assert apply() == BandChange(unqueued=0, queued=0)  # idempotent
    assert moderation.violation(old_low.id).state == STATE_BELOW_BAND
    assert moderation.violation(missed.id).state == STATE_PENDING
    assert moderation.violation(old_band.id).state == STATE_PENDING
    assert moderation.violation(hidden.id).state == STATE_PENDING  # in effect: needs a human
    assert moderation.violation(reviewed.id).state == STATE_CONFIRMED
    assert moderation.violation(report.id).state == STATE_PENDING  # another judge
    assert _queued(moderation) == {old_band.id, hidden.id, missed.id, report.id}


def test_bands_for_a_type_nobody_recorded_change_nothing(moderation: Moderation) -> None:
    with moderation.container.database.session() as session:
        change = apply_review_bands(session, {"never_seen_violation": 0.5}, JUDGE)
    assert change == BandChange(unqueued=0, queued=0)
