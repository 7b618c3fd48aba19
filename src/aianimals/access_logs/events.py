"""Events the access-logs feature emits."""

from __future__ import annotations

from aianimals.core.events import ACCESS_LOG_WRITTEN, Event


def access_log_written(log_id: str, animal_id: str, action: str) -> Event:
    """A user acted on a search result (select, see_long, like)."""
    payload = {"access_log_id": log_id, "animal_id": animal_id, "action": action}
    return Event(ACCESS_LOG_WRITTEN, payload, f"{ACCESS_LOG_WRITTEN}:{log_id}")
