"""Deterministic randomness and time helpers shared by every generation step.

Every step draws from its own ``random.Random`` sub-stream, seeded with a string. Python
seeds string seeds through SHA-512, so the streams are identical across processes and
machines (unlike ``hash()``, which is salted per process).
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import datetime, timedelta

_EPOCH = datetime(1970, 1, 1)
SECOND = 1_000_000
DAY = 86_400 * SECOND


class DatasetError(Exception):
    """A problem with the generator's inputs (an unreadable photo, a bad option)."""


def substream(seed: int, *parts: object) -> random.Random:
    """Return an independent generator for one named step (or one item) of a seed."""
    key = ":".join([str(seed), *(str(part) for part in parts)])
    return random.Random(key)  # noqa: S311 - reproducible simulation, not security


def uuid_hex(rng: random.Random) -> str:
    """A 32-char lowercase uuid4 hex drawn from ``rng``."""
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def parse_timestamp(text: str) -> int:
    """Microseconds since the epoch of a reference timestamp (``T`` or space form)."""
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    return (moment - _EPOCH) // timedelta(microseconds=1)


def format_iso(micros: int) -> str:
    """``2021-07-05T13:15:49.331446`` (users, animals)."""
    return (_EPOCH + timedelta(microseconds=micros)).isoformat(timespec="microseconds")


def format_space(micros: int) -> str:
    """``2021-05-21 18:46:20.208762`` (likes, access logs, impressions)."""
    return (_EPOCH + timedelta(microseconds=micros)).isoformat(sep=" ", timespec="microseconds")


def sigmoid(value: float) -> float:
    """The logistic function."""
    return 1.0 / (1.0 + math.exp(-value))


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def bernoulli(rng: random.Random, probability: float) -> bool:
    """True with ``probability``."""
    return rng.random() < probability
