"""The settings refuse review bands that do not fit under their hide thresholds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from aianimals.settings import HIDE_THRESHOLD, REVIEW_THRESHOLD, ImageSettings, Settings


def test_the_measured_operating_point_is_the_default() -> None:
    images = ImageSettings()
    assert images.thresholds == {"no_animal_violation": HIDE_THRESHOLD}
    assert images.review_thresholds == {"no_animal_violation": REVIEW_THRESHOLD}
    assert REVIEW_THRESHOLD < HIDE_THRESHOLD


def test_a_review_floor_above_its_hide_threshold_is_refused() -> None:
    with pytest.raises(ValidationError, match="above its hide threshold"):
        ImageSettings(
            thresholds={"no_animal_violation": 0.6}, review_thresholds={"no_animal_violation": 0.7}
        )


def test_a_type_without_a_hide_threshold_is_checked_against_the_reference() -> None:
    with pytest.raises(ValidationError, match=r"above its hide threshold 0\.9"):
        ImageSettings(review_thresholds={"human_face_violation": 0.95})


def test_a_threshold_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"within 0\.\.1"):
        ImageSettings(thresholds={"no_animal_violation": 1.5})


def test_the_disk_cache_goes_under_var_dir_unless_placed(tmp_path: Path) -> None:
    assert Settings(var_dir=tmp_path).cache.path == tmp_path / "cache"
    placed = Settings(var_dir=tmp_path, cache={"path": tmp_path / "elsewhere"})
    assert placed.cache.path == tmp_path / "elsewhere"


def test_api_processes_default_to_one_per_core() -> None:
    assert Settings().api.process_count() == len(os.sched_getaffinity(0))
    assert Settings(api={"processes": 3}).api.process_count() == 3
