"""The five-field cron parser and its next-fire computation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aianimals.schedules.cron import Cron, CronError, validate


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def fires_in(cron: Cron, unit: str, values: range, base: str = "2024-01-01T01:00:00") -> set[int]:
    """The values of one field the expression fires in, the others held at `base`."""
    moment = at(base)
    return {value for value in values if cron.matches(moment.replace(**{unit: value}))}


def test_fields_accept_stars_lists_ranges_and_steps() -> None:
    cron = Cron.parse("*/15 1,3,5-7 1-10/3 * *")
    assert fires_in(cron, "minute", range(60)) == {0, 15, 30, 45}
    assert fires_in(cron, "hour", range(24), base="2024-01-01T00:00:00") == {1, 3, 5, 6, 7}
    assert fires_in(cron, "day", range(1, 32)) == {1, 4, 7, 10}
    assert fires_in(cron, "month", range(1, 13)) == set(range(1, 13))
    any_weekday = fires_in(cron, "day", range(1, 8), base="2024-07-01T01:00:00")
    assert any_weekday == {1, 4, 7}


def test_a_start_with_a_step_runs_to_the_end_of_the_field() -> None:
    assert fires_in(Cron.parse("50/5 * * * *"), "minute", range(60)) == {50, 55}


def test_names_and_sunday_as_seven_are_understood() -> None:
    cron = Cron.parse("0 0 * jan-mar sat,7")
    months = {
        month
        for month in range(1, 13)
        if any(cron.matches(at(f"2024-{month:02d}-0{day}T00:00:00")) for day in range(1, 8))
    }
    assert months == {1, 2, 3}
    # 6 to 12 January 2024 run Saturday to Friday: only Saturday and Sunday fire.
    assert fires_in(cron, "day", range(6, 13), base="2024-01-06T00:00:00") == {6, 7}


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("* * * *", "5 fields"),
        ("60 * * * *", "out of range"),
        ("* 24 * * *", "out of range"),
        ("* * 0 * *", "out of range"),
        ("* * * 13 *", "out of range"),
        ("* * * * 8", "out of range"),
        ("*/0 * * * *", "step"),
        ("x * * * *", "not a valid"),
        ("0 0 30 2 *", "never fires"),
    ],
)
def test_invalid_expressions_are_refused_with_the_reason(expression: str, problem: str) -> None:
    with pytest.raises(CronError, match=problem):
        validate(expression)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 * * * *", "2024-05-01T10:00:00", "2024-05-01T11:00:00"),  # strictly after
        ("0 * * * *", "2024-05-01T10:59:59", "2024-05-01T11:00:00"),
        ("*/20 * * * *", "2024-05-01T10:41:00", "2024-05-01T11:00:00"),
        ("30 4 * * *", "2024-12-31T05:00:00", "2025-01-01T04:30:00"),  # next year
        ("0 3 * * 1", "2024-05-01T00:00:00", "2024-05-06T03:00:00"),  # 1 May 2024 is a Wednesday
        ("0 5 * * 0", "2024-05-05T05:00:00", "2024-05-12T05:00:00"),  # Sunday to Sunday
        ("0 0 29 2 *", "2023-03-01T00:00:00", "2024-02-29T00:00:00"),  # leap day
        ("0 0 31 * *", "2024-04-01T00:00:00", "2024-05-31T00:00:00"),  # April has no 31st
        ("0 12 1 * 5", "2024-05-01T13:00:00", "2024-05-03T12:00:00"),  # either day field
    ],
)
def test_next_after_finds_the_first_matching_minute(
    expression: str, after: str, expected: str
) -> None:
    assert Cron.parse(expression).next_after(at(after)) == at(expected)


def test_next_after_keeps_the_time_zone_and_matches() -> None:
    cron = Cron.parse("15 8 * * *")
    moment = cron.next_after(at("2024-05-01T09:00:00"))
    assert moment.tzinfo is UTC
    assert cron.matches(moment)
    assert not cron.matches(at("2024-05-02T08:16:00"))


def _brute_force_next(cron: Cron, after: datetime, limit_minutes: int) -> datetime | None:
    moment = after.replace(second=0, microsecond=0)
    for _ in range(limit_minutes):
        moment += timedelta(minutes=1)
        if cron.matches(moment):
            return moment
    return None


@settings(max_examples=60, deadline=None)
@given(
    minute=st.sampled_from(["*", "0", "*/7", "5,35", "10-20/5"]),
    hour=st.sampled_from(["*", "3", "*/6", "1-4", "22,23"]),
    day=st.sampled_from(["*", "1", "15-17", "*/10"]),
    weekday=st.sampled_from(["*", "0", "1-5", "sat"]),
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
)
def test_next_after_agrees_with_checking_every_minute(
    minute: str, hour: str, day: str, weekday: str, start: datetime
) -> None:
    cron = Cron.parse(f"{minute} {hour} {day} * {weekday}")
    expected = _brute_force_next(cron, start, limit_minutes=45 * 24 * 60)
    assume(expected is not None)
    assert cron.next_after(start) == expected
