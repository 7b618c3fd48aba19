"""The platform's scheduled pipelines, defined once, and the embedded scheduler that runs them.

The same `SCHEDULES` feed the embedded scheduler (one machine: a background thread runs
each due command) and the Argo CronWorkflows rendered for Kubernetes (`aianimals.schedules.argo`).
`AIANIMALS_SCHEDULES__CRONS='{"learn-to-rank": "0 2 * * 1"}'` overrides a schedule's cron.

The embedded scheduler keeps its state in a JSON file: the last run of each schedule and a
bounded history of runs. It never runs one schedule twice at once: a slot that comes while
the previous run is still going is skipped (as Argo's `concurrencyPolicy: Forbid` does).
After downtime it runs a schedule that missed one or more slots once (not once per missed
slot). A schedule it has never seen waits for its next slot.

"Run now" (the portal's Pipelines tab, `request_run`) drops a request file beside the
state file; the scheduler starts the schedule at its next tick, unless it is running
already, and records the run in its history like any other.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aianimals.schedules.cron import Cron, validate
from aianimals.settings import ScheduleSettings

logger = logging.getLogger(__name__)

HISTORY_LIMIT = 500
"""Runs kept in the state file's history (the oldest go first)."""


def requests_dir(state_path: Path) -> Path:
    """Where "run now" requests wait for the scheduler: one empty file per schedule."""
    return state_path.with_name(f"{state_path.stem}.requests")


def request_run(state_path: Path, name: str, known: Sequence[str]) -> None:
    """Ask the embedded scheduler to run schedule `name` at its next tick."""
    if name not in known:
        raise ValueError(f"unknown schedule {name!r}; known: {', '.join(known)}")
    folder = requests_dir(state_path)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).touch()


def requested_runs(state_path: Path) -> set[str]:
    """Schedules asked to run now that the scheduler has not started yet."""
    folder = requests_dir(state_path)
    return {path.name for path in folder.iterdir()} if folder.is_dir() else set()


@dataclass(frozen=True)
class Schedule:
    """A command the platform runs on a cron schedule (UTC)."""

    name: str
    cron: str
    command: tuple[str, ...]
    description: str


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        name="learn-to-rank",
        cron="0 3 * * 1",
        command=("aianimals", "train", "ltr"),
        description="Retrain the learn-to-rank search model (weekly, Monday 03:00).",
    ),
    Schedule(
        name="similar-images",
        cron="0 * * * *",
        command=("aianimals", "train", "similar-images"),
        description="Rebuild the similar-image index with new photos (hourly).",
    ),
    Schedule(
        name="no-animal",
        cron="30 4 * * *",
        command=("aianimals", "train", "no-animal"),
        description="Retrain the no-animal photo classifier (daily, 04:30).",
    ),
    Schedule(
        name="similar-words",
        cron="0 5 * * 0",
        command=("aianimals", "train", "similar-words"),
        description="Retrain the similar-words query expansion (weekly, Sunday 05:00).",
    ),
)


def configured_schedules(
    settings: ScheduleSettings, schedules: Sequence[Schedule] = SCHEDULES
) -> tuple[Schedule, ...]:
    """The schedules with the settings' cron overrides; unknown names or bad crons raise."""
    known = {schedule.name for schedule in schedules}
    unknown = sorted(set(settings.crons) - known)
    if unknown:
        msg = f"cron overrides for unknown schedules: {', '.join(unknown)}"
        raise ValueError(msg)
    return tuple(
        replace(schedule, cron=validate(settings.crons.get(schedule.name, schedule.cron)))
        for schedule in schedules
    )


@dataclass(frozen=True)
class RunRecord:
    """One run of a schedule, as the state file keeps it (times are ISO 8601, UTC)."""

    name: str
    started: str
    finished: str
    ok: bool
    error: str


def _utc_now() -> datetime:
    return datetime.now(UTC)


class EmbeddedScheduler:
    """Runs due schedules on a background thread, each run on a thread of its own.

    `runner` runs one schedule's command and raises when it failed. `clock` returns the
    current time (timezone-aware); `poll_seconds` is how often the thread looks.
    """

    def __init__(
        self,
        schedules: Sequence[Schedule],
        runner: Callable[[Schedule], None],
        state_path: Path,
        clock: Callable[[], datetime] = _utc_now,
        *,
        poll_seconds: float = 5.0,
    ) -> None:
        self.schedules = tuple(schedules)
        self._crons = {schedule.name: Cron.parse(schedule.cron) for schedule in self.schedules}
        self.runner = runner
        self.state_path = state_path
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._loop: threading.Thread | None = None
        self._running: dict[str, threading.Thread] = {}
        self._last_run: dict[str, datetime] = {}
        self._history: list[RunRecord] = []
        self._load()

    def _load(self) -> None:
        if not self.state_path.exists():
            return
        state: dict[str, Any] = json.loads(self.state_path.read_text())
        self._last_run = {
            name: datetime.fromisoformat(value) for name, value in state["last_run"].items()
        }
        self._history = [RunRecord(**record) for record in state["history"]]

    def _save(self) -> None:
        """Write the state atomically (callers hold the lock)."""
        state = {
            "last_run": {name: moment.isoformat() for name, moment in self._last_run.items()},
            "history": [asdict(record) for record in self._history[-HISTORY_LIMIT:]],
        }
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.state_path.with_name(f"{self.state_path.name}.tmp")
        scratch.write_text(json.dumps(state, indent=2))
        os.replace(scratch, self.state_path)

    def last_runs(self) -> dict[str, datetime]:
        """Each schedule's last slot taken: when it last started, or was skipped for still
        running, or (before its first run) was first seen."""
        with self._lock:
            return dict(self._last_run)

    def history(self) -> list[RunRecord]:
        """The recorded runs, oldest first."""
        with self._lock:
            return list(self._history)

    def next_runs(self) -> dict[str, datetime]:
        """When each schedule is next due."""
        now = self.clock()
        with self._lock:
            return {
                name: self._crons[name].next_after(self._last_run.get(name, now))
                for name in self._crons
            }

    def tick(self) -> list[str]:
        """Start every due schedule that is not already running; the names started."""
        now = self.clock()
        started: list[str] = []
        with self._lock:
            before = dict(self._last_run)
            asked = self._take_requests()
            for schedule in self.schedules:
                if schedule.name in asked and schedule.name not in self._running:
                    self._last_run[schedule.name] = now  # a due slot now is served too
                    self._start(schedule, now)
                    started.append(schedule.name)
                    continue
                last = self._last_run.get(schedule.name)
                if last is None:  # first sight: wait for the next slot
                    self._last_run[schedule.name] = now
                    continue
                if self._crons[schedule.name].next_after(last) > now:
                    continue
                self._last_run[schedule.name] = now  # the slot is taken, run or not
                if schedule.name in self._running:
                    logger.warning(
                        "schedule %s: still running at its next slot; skipping this one",
                        schedule.name,
                    )
                    continue
                self._start(schedule, now)
                started.append(schedule.name)
            if self._last_run != before:
                self._save()
        return started

    def _start(self, schedule: Schedule, now: datetime) -> None:
        """Run `schedule` on a thread of its own (callers hold the lock)."""
        thread = threading.Thread(
            target=self._execute,
            args=(schedule, now),
            name=f"schedule-{schedule.name}",
            daemon=True,
        )
        self._running[schedule.name] = thread
        thread.start()

    def _take_requests(self) -> set[str]:
        """The "run now" requests, removed as they are read (a request runs once)."""
        folder = requests_dir(self.state_path)
        if not folder.is_dir():
            return set()
        taken = set()
        for path in folder.iterdir():
            path.unlink(missing_ok=True)
            taken.add(path.name)
        unknown = taken - {schedule.name for schedule in self.schedules}
        if unknown:
            logger.warning("run-now requests for unknown schedules ignored: %s", sorted(unknown))
        return taken

    def _execute(self, schedule: Schedule, started: datetime) -> None:
        logger.info("schedule %s: running %s", schedule.name, " ".join(schedule.command))
        error = ""
        try:
            self.runner(schedule)
        except Exception as failure:
            error = repr(failure)
            logger.exception("schedule %s failed", schedule.name)
        else:
            logger.info("schedule %s finished", schedule.name)
        record = RunRecord(
            name=schedule.name,
            started=started.isoformat(),
            finished=self.clock().isoformat(),
            ok=not error,
            error=error,
        )
        with self._lock:
            self._history.append(record)
            del self._history[:-HISTORY_LIMIT]
            self._running.pop(schedule.name, None)
            self._save()

    def running(self) -> list[str]:
        """The schedules running now."""
        with self._lock:
            return sorted(self._running)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait for the runs in progress to end; whether they all did within `timeout`."""
        with self._lock:
            threads = list(self._running.values())
        for thread in threads:
            thread.join(timeout)
        return not any(thread.is_alive() for thread in threads)

    def start(self) -> None:
        """Start the background thread (it ticks every `poll_seconds` until `stop`)."""
        if self._loop is not None:
            msg = "the scheduler is already started"
            raise RuntimeError(msg)
        self._stop.clear()
        self._loop = threading.Thread(target=self._run_loop, name="scheduler", daemon=True)
        self._loop.start()

    def _run_loop(self) -> None:
        logger.info("scheduler started with %d schedules", len(self.schedules))
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                logger.exception("scheduler tick failed; trying again")
            self._stop.wait(self.poll_seconds)

    def stop(self, timeout: float | None = None) -> bool:
        """Stop ticking and wait for runs in progress; whether everything ended in time."""
        self._stop.set()
        if self._loop is not None:
            self._loop.join(timeout)
            self._loop = None
        idle = self.wait_idle(timeout)
        logger.info("scheduler stopped%s", "" if idle else " (runs still in progress)")
        return idle


def history_from(state_path: Path) -> Mapping[str, RunRecord]:
    """The latest recorded run of each schedule in a state file (empty when there is none)."""
    if not state_path.exists():
        return {}
    state: dict[str, Any] = json.loads(state_path.read_text())
    return {record["name"]: RunRecord(**record) for record in state["history"]}
