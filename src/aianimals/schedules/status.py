"""What the scheduled pipelines are doing: next runs and the recorded run history.

Read from the settings and the embedded scheduler's state file, for `aianimals schedule
list` and the portal's "Pipelines" tab alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aianimals.schedules.cron import Cron
from aianimals.schedules.scheduler import RunRecord, configured_schedules
from aianimals.settings import Settings


@dataclass(frozen=True)
class ScheduleStatus:
    """One schedule: its cron and command, next run and last recorded run."""

    name: str
    cron: str
    command: str
    description: str
    next_run: datetime
    last: RunRecord | None


def state_path(settings: Settings) -> Path:
    """The embedded scheduler's state file: last runs and run history."""
    return settings.var_dir / "schedules" / "state.json"


def run_history(settings: Settings, limit: int = 50) -> list[RunRecord]:
    """Recorded runs, newest first (empty before the first run)."""
    path = state_path(settings)
    if not path.exists():
        return []
    records = [RunRecord(**record) for record in json.loads(path.read_text())["history"]]
    return sorted(records, key=lambda record: record.started, reverse=True)[:limit]


def schedule_status(settings: Settings, now: datetime | None = None) -> list[ScheduleStatus]:
    """Every configured schedule with its next run (UTC) and last recorded run."""
    moment = now or datetime.now(UTC)
    last: dict[str, RunRecord] = {}
    for record in reversed(run_history(settings, limit=1_000_000)):
        last[record.name] = record
    return [
        ScheduleStatus(
            name=item.name,
            cron=item.cron,
            command=" ".join(item.command),
            description=item.description,
            next_run=Cron.parse(item.cron).next_after(moment),
            last=last.get(item.name),
        )
        for item in configured_schedules(settings.schedules)
    ]
