"""Typed JSON values in a `Cache`, grouped in namespaces that are invalidated at once.

Every namespace has a generation: a counter in the cache under `<namespace>:gen`. Entries
are stored under `<namespace>:g<generation>:<key>`, so `invalidate(namespace)`, which
increments the counter, makes every older entry unreachable in one step; they expire by
their TTL. A reader takes the generation before it computes, so a value computed from
data that a concurrent writer has since changed lands under the old generation and is
never read.

Values are encoded and decoded with a pydantic `TypeAdapter` (dataclasses, models,
lists, dicts…), created once per value type by the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from pydantic import TypeAdapter

from aianimals.ports.cache.base import Cache

T = TypeVar("T")

logger = logging.getLogger(__name__)


class JsonCache:
    """`get_or_compute` for services; `invalidate` for the code that changes the data."""

    def __init__(self, cache: Cache, default_ttl_seconds: float) -> None:
        self._cache = cache
        self._default_ttl_seconds = default_ttl_seconds

    def get_or_compute(
        self,
        namespace: str,
        key: str,
        compute: Callable[[], T],
        adapter: TypeAdapter[T],
        ttl_seconds: float | None = None,
    ) -> T:
        """The cached value for `key` in the namespace's current generation, or `compute()`
        (then stored for `ttl_seconds`, by default the cache's default TTL).

        When the cache cannot be reached, `compute()` answers every call. An entry that no
        longer decodes (its type changed) is recomputed and overwritten.
        """
        entry_key = self._entry_key(namespace, key)
        if entry_key is None:
            return compute()
        raw = self._cache.get(entry_key)
        if raw is not None:
            try:
                return adapter.validate_json(raw)
            except ValueError as exc:
                logger.warning("cache entry %r does not decode, recomputed: %s", entry_key, exc)
        value = compute()
        self._cache.set(entry_key, adapter.dump_json(value), self._ttl(ttl_seconds))
        return value

    def get_or_compute_json(
        self,
        namespace: str,
        key: str,
        compute: Callable[[], T],
        adapter: TypeAdapter[T],
        ttl_seconds: float | None = None,
    ) -> bytes:
        """`get_or_compute`'s value as the JSON that is stored, for a route that answers
        with it as it is: a hit is not decoded. Change `key` when the value's type
        changes, so that entries of the old shape are never served."""
        entry_key = self._entry_key(namespace, key)
        if entry_key is None:
            return adapter.dump_json(compute())
        raw = self._cache.get(entry_key)
        if raw is not None:
            return raw
        encoded = adapter.dump_json(compute())
        self._cache.set(entry_key, encoded, self._ttl(ttl_seconds))
        return encoded

    def invalidate(self, namespace: str) -> int:
        """Make every entry of the namespace unreachable; returns the new generation.

        Raises the built-in `ConnectionError` when the cache cannot be reached: the entries
        would stay readable until their TTL ends, so the caller must know.
        """
        return self._cache.incr(_generation_key(namespace))

    def _entry_key(self, namespace: str, key: str) -> str | None:
        """Where `key` lives in the namespace's current generation; None when the cache
        is unreachable."""
        generation = self._generation(namespace)
        return None if generation is None else f"{namespace}:g{generation}:{key}"

    def _ttl(self, ttl_seconds: float | None) -> float:
        return self._default_ttl_seconds if ttl_seconds is None else ttl_seconds

    def _generation(self, namespace: str) -> int | None:
        """The namespace's generation; None when the cache is unreachable.

        An absent (or momentarily unreadable) counter is incremented rather than read as
        0, so a read that failed is never mistaken for a namespace that was never
        invalidated; at worst the namespace is invalidated once more. A counter that was
        lost outright (see the Redis eviction note) restarts at 1, and entries of its
        earlier life may be served until their TTL ends.
        """
        key = _generation_key(namespace)
        raw = self._cache.get(key)
        if raw is not None:
            try:
                return int(raw)
            except ValueError:
                logger.warning("cache generation %r is not an integer: %r", key, raw)
                return None
        try:
            return self._cache.incr(key)
        except ConnectionError:
            return None


def _generation_key(namespace: str) -> str:
    if not namespace or ":" in namespace:
        msg = f"a cache namespace is non-empty and has no ':', not {namespace!r}"
        raise ValueError(msg)
    return f"{namespace}:gen"
