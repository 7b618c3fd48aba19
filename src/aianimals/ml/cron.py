"""Five-field cron expressions (minute hour day-of-month month day-of-week), as cron knows them.

Each field takes `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from a to the
end), and comma-separated lists of these. Months and weekdays may be named (`jan`, `mon`);
day-of-week counts 0-7 with both 0 and 7 meaning Sunday. As in Vixie cron, when both
day-of-month and day-of-week are restricted, a day matching either one fires.

Times are whatever the caller passes (the scheduler uses UTC); seconds are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_SEARCH_YEARS = 5
"""An expression that fires less often than this (say 30 February) never fires."""


class CronError(ValueError):
    """The text is not a valid five-field cron expression."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, _MONTHS, 1),
    _Field("day of week", 0, 7, _DAYS, 0),
)


def _number(text: str, field: _Field, expression: str) -> int:
    lowered = text.lower()
    if lowered in field.names:
        return field.names.index(lowered) + field.name_base
    if not text.isdigit():
        msg = f"{expression!r}: {field.name} {text!r} is not a number"
        raise CronError(msg)
    value = int(text)
    if not field.low <= value <= field.high:
        msg = f"{expression!r}: {field.name} {value} outside {field.low}-{field.high}"
        raise CronError(msg)
    return value


def _parse_field(text: str, field: _Field, expression: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        base, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                msg = f"{expression!r}: {field.name} step {step_text!r} is not a positive number"
                raise CronError(msg)
            step = int(step_text)
        if base == "*":
            low, high = field.low, field.high
        elif "-" in base:
            first, _, last = base.partition("-")
            low, high = _number(first, field, expression), _number(last, field, expression)
            if low > high:
                msg = f"{expression!r}: {field.name} range {base!r} runs backwards"
                raise CronError(msg)
        else:
            low = _number(base, field, expression)
            high = field.high if slash else low
        values.update(range(low, high + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    """A parsed cron expression; `Cron.parse("0 3 * * mon")`."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    """0 = Sunday … 6 = Saturday (a 7 in the text is stored as 0)."""
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, expression: str) -> Cron:
        """Parse the five fields; raises `CronError` saying what is wrong."""
        parts = expression.split()
        if len(parts) != len(_FIELDS):
            msg = f"{expression!r}: a cron expression has 5 fields, not {len(parts)}"
            raise CronError(msg)
        minutes, hours, days, months, weekdays = (
            _parse_field(part, field, expression)
            for part, field in zip(parts, _FIELDS, strict=True)
        )
        return cls(
            expression=" ".join(parts),
            minutes=minutes,
            hours=hours,
            days=days,
            months=months,
            weekdays=frozenset(day % 7 for day in weekdays),
            any_day=parts[2] == "*",
            any_weekday=parts[4] == "*",
        )

    def _day_matches(self, moment: datetime) -> bool:
        in_month = moment.day in self.days
        in_week = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def matches(self, moment: datetime) -> bool:
        """Whether the expression fires in `moment`'s minute."""
        return (
            moment.minute in self.minutes
            and moment.hour in self.hours
            and moment.month in self.months
            and self._day_matches(moment)
        )

    def next_after(self, moment: datetime) -> datetime:
        """The first minute strictly after `moment` the expression fires in (tzinfo kept)."""
        current = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = current.replace(year=current.year + _SEARCH_YEARS, day=1)
        while current < limit:
            if current.month not in self.months:
                year, month = divmod(current.month, 12)
                current = current.replace(year=current.year + year, month=month + 1, day=1)
                current = current.replace(hour=0, minute=0)
            elif not self._day_matches(current):
                current = current.replace(hour=0, minute=0) + timedelta(days=1)
            elif current.hour not in self.hours:
                current = current.replace(minute=0) + timedelta(hours=1)
            elif current.minute not in self.minutes:
                current += timedelta(minutes=1)
            else:
                return current
        msg = f"{self.expression!r} never fires within {_SEARCH_YEARS} years of {moment}"
        raise CronError(msg)


def validate(expression: str) -> str:
    """The expression, normalised, if it parses and fires at all; raises `CronError` if not."""
    cron = Cron.parse(expression)
    cron.next_after(datetime(2000, 1, 1))
    return cron.expression
