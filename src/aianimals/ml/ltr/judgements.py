"""Labelled searches from the logs: what was shown, what the user did, graded per search.

Grades: like = 4, see_long = 3, select = 1, shown but not chosen = 0 (the best action an
animal got in that search counts). Only verified actions count: an impression of the
search showed the animal to the user (`aianimals.access_logs.verified`), so a forged or
unverifiable log never becomes a label. Searches are the groups: nothing is ever split
inside one. The split is by time: older searches train, newer ones test.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select, text

from aianimals.access_logs.models import AccessLog
from aianimals.access_logs.verified import verified
from aianimals.core.clock import as_naive_utc

GRADES = {"select": 1, "see_long": 3, "like": 4}


@dataclass
class JudgedSearch:
    """One logged search with at least one action: its context and graded candidates."""

    search_id: str
    at: datetime
    user_id: str
    phrases: tuple[str, ...]
    category_id: int | None
    subcategory_id: int | None
    sort_by: str
    model_name: str | None
    grades: dict[str, int] = field(default_factory=dict)  # animal id → grade, shown order first
    positions: dict[str, int] = field(default_factory=dict)  # animal id → first shown position


def load_judged_searches(connection: Connection) -> list[JudgedSearch]:
    """Every search with a verified action, oldest first, its shown animals graded
    (0 = not chosen)."""
    searches: dict[str, JudgedSearch] = {}
    actions: dict[str, dict[str, int]] = defaultdict(dict)
    rows = connection.execute(
        select(
            AccessLog.search_id,
            AccessLog.created_at,
            AccessLog.user_id,
            AccessLog.phrases,
            AccessLog.animal_category_id,
            AccessLog.animal_subcategory_id,
            AccessLog.sort_by,
            AccessLog.model_name,
            AccessLog.animal_id,
            AccessLog.action,
        ).where(verified())
    )
    for row in rows:
        found = searches.get(row.search_id)
        at = as_naive_utc(row.created_at)
        if found is None or at < found.at:
            searches[row.search_id] = JudgedSearch(
                search_id=row.search_id,
                at=at,
                user_id=row.user_id,
                phrases=tuple(_phrases(row.phrases)),
                category_id=row.animal_category_id,
                subcategory_id=row.animal_subcategory_id,
                sort_by=row.sort_by,
                model_name=row.model_name,
            )
        grade = GRADES.get(row.action, 0)
        best = actions[row.search_id]
        best[row.animal_id] = max(best.get(row.animal_id, 0), grade)
    shown = connection.execute(
        text(
            "SELECT search_id, position, animal_id, created_at FROM impressions "
            "ORDER BY search_id, position"
        )
    )
    for row in shown:
        search = searches.get(row.search_id)
        if search is None:
            continue
        search.grades.setdefault(row.animal_id, 0)
        search.positions.setdefault(row.animal_id, row.position)
        search.at = min(search.at, as_naive_utc(row.created_at))
    for search_id, search in searches.items():
        for animal_id, grade in actions[search_id].items():
            search.grades[animal_id] = grade
    return sorted(searches.values(), key=lambda s: (s.at, s.search_id))


def time_split(
    searches: list[JudgedSearch], test_share: float
) -> tuple[list[JudgedSearch], list[JudgedSearch]]:
    """(older, newer): the newest `test_share` of searches are held out; groups stay whole."""
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be between 0 and 1, got {test_share}")
    ordered = sorted(searches, key=lambda s: (s.at, s.search_id))
    cut = round(len(ordered) * (1 - test_share))
    return ordered[:cut], ordered[cut:]


def _phrases(value: object) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value)
    return [str(phrase) for phrase in value] if isinstance(value, list) else []
