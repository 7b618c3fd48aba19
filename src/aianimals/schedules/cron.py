"""Five-field cron expressions (minute hour day-of-month month day-of-week), read by croniter.

Fields take what cron takes: `*`, numbers, ranges, steps, lists, month and weekday names,
0 or 7 for Sunday; when both day fields are restricted, a day matching either one fires
(Vixie cron). croniter reads a range that runs backwards (`50-10`) as wrapping around.
Only five fields are accepted (croniter would also take seconds and years).

Times are whatever the caller passes (the scheduler uses UTC); seconds are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from croniter import CroniterError, croniter

_FIELDS = 5
_SEARCH_YEARS = 5
"""An expression that fires less often than this (say 30 February) never fires."""


class CronError(ValueError):
    """The text is not a valid five-field cron expression."""


@dataclass(frozen=True)
class Cron:
    """A parsed cron expression; `Cron.parse("0 3 * * mon")`."""

    expression: str

    @classmethod
    def parse(cls, expression: str) -> Cron:
        """Check the five fields; raises `CronError` saying what is wrong."""
        parts = expression.split()
        if len(parts) != _FIELDS:
            msg = f"{expression!r}: a cron expression has {_FIELDS} fields, not {len(parts)}"
            raise CronError(msg)
        normalised = " ".join(parts)
        try:
            croniter.expand(normalised)
        except CroniterError as error:
            msg = f"{expression!r}: not a valid cron expression ({error})"
            raise CronError(msg) from error
        return cls(normalised)

    def matches(self, moment: datetime) -> bool:
        """Whether the expression fires in `moment`'s minute."""
        return bool(croniter.match(self.expression, moment.replace(second=0, microsecond=0)))

    def next_after(self, moment: datetime) -> datetime:
        """The first minute strictly after `moment` the expression fires in (tzinfo kept)."""
        start = moment.replace(second=0, microsecond=0)
        try:
            found = croniter(
                self.expression, start, max_years_between_matches=_SEARCH_YEARS
            ).get_next(datetime)
        except CroniterError as error:
            msg = f"{self.expression!r} never fires within {_SEARCH_YEARS} years of {moment}"
            raise CronError(msg) from error
        return found


def validate(expression: str) -> str:
    """The expression, normalised, if it parses and fires at all; raises `CronError` if not."""
    cron = Cron.parse(expression)
    cron.next_after(datetime(2000, 1, 1))
    return cron.expression
