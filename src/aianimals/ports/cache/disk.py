"""The embedded cache shared by every process of one machine: SQLite files (diskcache).

`aianimals up` serves the API from several processes beside its workers; a like handled in
one process must empty the search pages every other one holds, and a login limit must
count failures from all of them. diskcache keeps entries in a SQLite file under
`cache.path` that any process opening the directory reads and writes, with per-entry
expiry and an atomic `incr`.

Values live in one cache, culled least-recently-stored first when they pass
`cache.disk_bytes`; counters (generations) live in a second one that never evicts, so an
invalidation is not lost to cache pressure. A counter reads back as its decimal bytes, as
in Redis.
"""

from __future__ import annotations

from pathlib import Path

import diskcache

from aianimals.ports.cache.memory import check_ttl

_VALUES = "values"
_COUNTERS = "counters"


class DiskCache:
    """A `Cache` in the directory `path`, shared with every process that opens it."""

    def __init__(self, path: Path, size_limit_bytes: int) -> None:
        self._values = diskcache.Cache(
            str(path / _VALUES),
            size_limit=size_limit_bytes,
            eviction_policy="least-recently-stored",
        )
        self._counters = diskcache.Cache(str(path / _COUNTERS), eviction_policy="none")

    def get(self, key: str) -> bytes | None:
        value = self._values.get(key)
        if value is not None:
            return bytes(value)
        counter = self._counters.get(key)
        return None if counter is None else str(counter).encode()

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        check_ttl(ttl_seconds)
        self._counters.delete(key)
        self._values.set(key, bytes(value), expire=ttl_seconds)

    def delete(self, *keys: str) -> None:
        for key in keys:
            self._values.delete(key)
            self._counters.delete(key)

    def incr(self, key: str) -> int:
        """Add one to the counter; a live value under `key` must be a decimal integer."""
        value = self._values.get(key)
        if value is not None:
            try:
                start = int(bytes(value))
            except ValueError:
                msg = f"cache value under {key!r} is not an integer"
                raise ValueError(msg) from None
            self._counters.set(key, start)
            self._values.delete(key)
        return int(self._counters.incr(key, delta=1, default=0))

    def close(self) -> None:
        self._values.close()
        self._counters.close()
