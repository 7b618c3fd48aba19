"""The schedule definitions, their overrides, and the embedded scheduler under a fake clock."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aianimals.schedules.cron import CronError, validate
from aianimals.schedules.scheduler import (
    SCHEDULES,
    EmbeddedScheduler,
    Schedule,
    configured_schedules,
    history_from,
    request_run,
    requested_runs,
)
from aianimals.settings import ScheduleSettings, Settings

HOURLY = Schedule("hourly", "0 * * * *", ("aianimals", "train", "x"), "every hour")
DAILY = Schedule("daily", "30 4 * * *", ("aianimals", "train", "y"), "every day")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: str) -> None:
        self.now = datetime.fromisoformat(start).replace(tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Recorder:
    """A runner that records what ran; it can fail or hold a run until released."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.fail: set[str] = set()
        self.hold = threading.Event()
        self.hold.set()
        self.entered = threading.Event()

    def __call__(self, schedule: Schedule) -> None:
        self.ran.append(schedule.name)
        self.entered.set()
        assert self.hold.wait(10)
        if schedule.name in self.fail:
            raise RuntimeError(f"{schedule.name} broke")


def scheduler(
    tmp_path: Path, clock: FakeClock, runner: Recorder, schedules: tuple[Schedule, ...] = (HOURLY,)
) -> EmbeddedScheduler:
    return EmbeddedScheduler(schedules, runner, tmp_path / "state.json", clock)


def test_the_platform_schedules_are_distinct_valid_and_use_the_cli() -> None:
    names = [schedule.name for schedule in SCHEDULES]
    assert names == ["learn-to-rank", "similar-images", "no-animal", "similar-words"]
    for schedule in SCHEDULES:
        assert validate(schedule.cron) == schedule.cron
        assert schedule.command[0] == "aianimals"
        assert schedule.description
    by_name = {schedule.name: schedule.cron for schedule in SCHEDULES}
    assert by_name["similar-images"] == "0 * * * *"  # hourly
    assert by_name["no-animal"].endswith("* * *")  # daily
    assert by_name["learn-to-rank"].endswith("* * 1")  # weekly
    assert by_name["similar-words"].endswith("* * 0")  # weekly


def test_cron_overrides_replace_the_defaults_and_are_validated() -> None:
    overridden = configured_schedules(ScheduleSettings(crons={"no-animal": "15 2 * * *"}))
    assert {s.name: s.cron for s in overridden}["no-animal"] == "15 2 * * *"
    assert {s.name: s.cron for s in overridden}["learn-to-rank"] == "0 3 * * 1"
    with pytest.raises(ValueError, match="unknown schedules: nope"):
        configured_schedules(ScheduleSettings(crons={"nope": "* * * * *"}))
    with pytest.raises(CronError):
        configured_schedules(ScheduleSettings(crons={"no-animal": "every day"}))


def test_schedule_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIANIMALS_SCHEDULES__CRONS", '{"learn-to-rank": "0 2 * * 1"}')
    monkeypatch.setenv("AIANIMALS_SCHEDULES__ENABLED", "false")
    settings = Settings()
    assert settings.schedules.crons == {"learn-to-rank": "0 2 * * 1"}
    assert settings.schedules.enabled is False


def test_nothing_runs_before_the_first_slot_after_first_start(tmp_path: Path) -> None:
    clock, runner = FakeClock("2024-05-01T10:20:00"), Recorder()
    subject = scheduler(tmp_path, clock, runner)
    assert subject.tick() == []
    clock.advance(minutes=30)
    assert subject.tick() == []
    assert subject.next_runs() == {"hourly": datetime(2024, 5, 1, 11, 0, tzinfo=UTC)}
    clock.advance(minutes=10)  # 11:00
    assert subject.tick() == ["hourly"]
    assert subject.wait_idle(5)
    assert runner.ran == ["hourly"]


def test_each_due_schedule_runs_once_per_slot(tmp_path: Path) -> None:
    clock, runner = FakeClock("2024-05-01T03:59:00"), Recorder()
    subject = scheduler(tmp_path, clock, runner, (HOURLY, DAILY))
    subject.tick()
    clock.advance(minutes=1)  # 04:00: hourly only
    assert subject.tick() == ["hourly"]
    subject.wait_idle(5)
    assert subject.tick() == []  # same slot again: nothing
    clock.advance(minutes=30)  # 04:30: daily
    assert subject.tick() == ["daily"]
    subject.wait_idle(5)
    assert runner.ran == ["hourly", "daily"]


def test_a_schedule_still_running_is_not_started_again(tmp_path: Path) -> None:
    clock, runner = FakeClock("2024-05-01T10:59:00"), Recorder()
    subject = scheduler(tmp_path, clock, runner)
    subject.tick()
    runner.hold.clear()
    clock.advance(minutes=1)
    assert subject.tick() == ["hourly"]
    assert runner.entered.wait(5)
    clock.advance(hours=1)  # its next slot comes while it still runs
    assert subject.tick() == []
    assert subject.running() == ["hourly"]
    runner.hold.set()
    assert subject.wait_idle(5)
    assert subject.tick() == []  # the overlapping slot was skipped, not queued
    assert runner.ran == ["hourly"]
    clock.advance(hours=1)
    assert subject.tick() == ["hourly"]
    subject.wait_idle(5)


def test_after_downtime_one_missed_run_is_caught_up(tmp_path: Path) -> None:
    clock, runner = FakeClock("2024-05-01T10:59:00"), Recorder()
    first = scheduler(tmp_path, clock, runner)
    first.tick()
    clock.advance(minutes=1)
    assert first.tick() == ["hourly"]
    first.stop(5)

    clock.advance(hours=5, minutes=30)  # down through five slots
    restarted = scheduler(tmp_path, clock, runner)
    assert restarted.tick() == ["hourly"]
    restarted.wait_idle(5)
    assert restarted.tick() == []
    assert runner.ran == ["hourly", "hourly"]
    assert restarted.next_runs()["hourly"] == datetime(2024, 5, 1, 17, 0, tzinfo=UTC)


def test_history_records_successes_and_failures_in_the_state_file(tmp_path: Path) -> None:
    clock, runner = FakeClock("2024-05-01T10:59:00"), Recorder()
    subject = scheduler(tmp_path, clock, runner)
    subject.tick()
    clock.advance(minutes=1)
    subject.tick()
    subject.wait_idle(5)
    runner.fail.add("hourly")
    clock.advance(hours=1)
    subject.tick()
    subject.wait_idle(5)

    records = subject.history()
    assert [(r.name, r.ok) for r in records] == [("hourly", True), ("hourly", False)]
    assert records[0].started == "2024-05-01T11:00:00+00:00"
    assert records[1].error == "RuntimeError('hourly broke')"
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["last_run"] == {"hourly": "2024-05-01T12:00:00+00:00"}
    assert [record["ok"] for record in state["history"]] == [True, False]
    assert history_from(tmp_path / "state.json")["hourly"].ok is False
    reloaded = scheduler(tmp_path, clock, runner)
    assert reloaded.history() == records


def test_the_background_thread_runs_due_schedules_and_stops_cleanly(tmp_path: Path) -> None:
    clock, runner = FakeClock("2024-05-01T10:59:00"), Recorder()
    subject = EmbeddedScheduler(
        (HOURLY,), runner, tmp_path / "state.json", clock, poll_seconds=0.01
    )
    subject.start()
    try:
        deadline = time.monotonic() + 5
        while "hourly" not in subject.last_runs() and time.monotonic() < deadline:
            time.sleep(0.01)
        clock.advance(minutes=1)
        assert runner.entered.wait(5)
    finally:
        assert subject.stop(5)
    assert runner.ran == ["hourly"]
    assert [record.ok for record in subject.history()] == [True]
    threads = [thread.name for thread in threading.enumerate()]
    assert "scheduler" not in threads
    assert "schedule-hourly" not in threads
    subject.start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            subject.start()
    finally:
        subject.stop(5)


def test_a_run_now_request_starts_the_schedule_at_the_next_tick_once(tmp_path: Path) -> None:
    clock, runner = FakeClock("2024-05-01T10:20:00"), Recorder()
    subject = scheduler(tmp_path, clock, runner, (HOURLY, DAILY))
    subject.tick()
    request_run(tmp_path / "state.json", "daily", ["hourly", "daily"])
    assert requested_runs(tmp_path / "state.json") == {"daily"}
    assert subject.tick() == ["daily"]
    assert subject.wait_idle(5)
    assert requested_runs(tmp_path / "state.json") == set()
    assert subject.tick() == []  # one request, one run
    assert runner.ran == ["daily"]
    [record] = subject.history()
    assert (record.name, record.ok) == ("daily", True)


def test_a_run_now_request_for_a_running_schedule_does_not_start_it_twice(
    tmp_path: Path,
) -> None:
    clock, runner = FakeClock("2024-05-01T10:59:00"), Recorder()
    subject = scheduler(tmp_path, clock, runner)
    subject.tick()
    runner.hold.clear()
    clock.advance(minutes=1)
    assert subject.tick() == ["hourly"]
    assert runner.entered.wait(5)
    request_run(tmp_path / "state.json", "hourly", ["hourly"])
    assert subject.tick() == []
    runner.hold.set()
    assert subject.wait_idle(5)
    assert runner.ran == ["hourly"]


def test_a_run_now_request_names_a_known_schedule(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown schedule"):
        request_run(tmp_path / "state.json", "nope", ["hourly"])
    assert requested_runs(tmp_path / "state.json") == set()
