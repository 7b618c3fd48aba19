"""What was known at each logged search: counters and user profiles, replayed in time order.

Training must see an animal's likes and showings, and a user's earlier actions, as they were
when the search happened — never what came after (that would leak the label into the
features). `Replay` walks likes, impressions and actions in time order and answers, for each
search in turn, with the state just before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Executable, select, text

from aianimals.access_logs.models import AccessLog
from aianimals.access_logs.verified import verified
from aianimals.core.clock import as_naive_utc
from aianimals.ml.ltr.judgements import GRADES
from aianimals.ranking.features import AnimalCounters, UserProfile


@dataclass(frozen=True)
class _Event:
    at: datetime
    kind: str  # "like", "shown", "action"
    user_id: str
    animal_id: str
    grade: int = 0


@dataclass(frozen=True)
class AnimalKinds:
    """Each animal's category and breed, for counting a user's actions by them."""

    category: Mapping[str, int]
    breed: Mapping[str, int]


class Replay:
    """Counters as of a moment; `advance_to(t)` applies every event strictly before t."""

    def __init__(self, events: list[_Event], kinds: AnimalKinds) -> None:
        self._events = sorted(events, key=lambda e: e.at)
        self._next = 0
        self._kinds = kinds
        self._likes: dict[str, int] = defaultdict(int)
        self._shown: dict[str, int] = defaultdict(int)
        self._acted: dict[str, int] = defaultdict(int)
        self._user_actions: dict[str, int] = defaultdict(int)
        self._user_breeds: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self._user_categories: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self._user_likes: dict[str, int] = defaultdict(int)
        self._user_like_breeds: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self._user_graded: dict[str, dict[str, int]] = defaultdict(dict)

    @classmethod
    def from_store(cls, connection: Connection, kinds: AnimalKinds) -> Replay:
        """Every like, impression and verified action of the store."""
        actions = select(
            AccessLog.created_at, AccessLog.user_id, AccessLog.animal_id, AccessLog.action
        ).where(verified())
        queries: tuple[tuple[str, Executable], ...] = (
            ("like", text("SELECT created_at, user_id, animal_id FROM likes")),
            ("shown", text("SELECT created_at, user_id, animal_id FROM impressions")),
            ("action", actions),
        )
        events: list[_Event] = []
        for kind, query in queries:
            for row in connection.execute(query):
                if kind == "action" and row.action not in GRADES:
                    continue
                grade = GRADES[row.action] if kind == "action" else 0
                events.append(
                    _Event(as_naive_utc(row.created_at), kind, row.user_id, row.animal_id, grade)
                )
        return cls(events, kinds)

    def advance_to(self, moment: datetime) -> None:
        """Apply every event that happened strictly before `moment`."""
        while self._next < len(self._events) and self._events[self._next].at < moment:
            self._apply(self._events[self._next])
            self._next += 1

    def counters(self, animal_id: str) -> AnimalCounters:
        """The animal's counters now."""
        return AnimalCounters(
            likes=self._likes.get(animal_id, 0),
            impressions=self._shown.get(animal_id, 0),
            actions=self._acted.get(animal_id, 0),
        )

    def profile(self, user_id: str) -> UserProfile:
        """The user's profile now."""
        return UserProfile(
            actions=self._user_actions.get(user_id, 0),
            actions_by_breed=dict(self._user_breeds.get(user_id, {})),
            actions_by_category=dict(self._user_categories.get(user_id, {})),
            likes=self._user_likes.get(user_id, 0),
            likes_by_breed=dict(self._user_like_breeds.get(user_id, {})),
            graded=dict(self._user_graded.get(user_id, {})),
        )

    def _apply(self, event: _Event) -> None:
        animal, user = event.animal_id, event.user_id
        breed = self._kinds.breed.get(animal)
        if event.kind == "like":
            self._likes[animal] += 1
            self._user_likes[user] += 1
            if breed is not None:
                self._user_like_breeds[user][breed] += 1
        elif event.kind == "shown":
            self._shown[animal] += 1
        else:
            self._acted[animal] += 1
            self._user_actions[user] += 1
            graded = self._user_graded[user]
            graded[animal] = max(graded.get(animal, 0), event.grade)
            if breed is not None:
                self._user_breeds[user][breed] += 1
            category = self._kinds.category.get(animal)
            if category is not None:
                self._user_categories[user][category] += 1
