"""argon2id hashing: salted, verifiable, and as slow for unknown users as for known ones."""

from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from aianimals.core.passwords import PasswordHasher, PasswordPolicy
from aianimals.settings import AuthSettings

FAST = PasswordPolicy(memory_kib=64, time_cost=1, parallelism=1)


def test_hash_is_argon2id_and_salted() -> None:
    hasher = PasswordHasher(FAST)
    first, second = hasher.hash("password"), hasher.hash("password")
    assert first.startswith("$argon2id$")
    assert first != second
    assert hasher.verify(first, "password")
    assert not hasher.verify(first, "Password")


def test_unknown_user_verification_costs_a_real_hash() -> None:
    hasher = PasswordHasher(PasswordPolicy(memory_kib=19_456, time_cost=2, parallelism=1))
    stored = hasher.hash("password")
    hasher.verify(None, "warm-up")
    started = time.perf_counter()
    assert not hasher.verify(stored, "wrong")
    known = time.perf_counter() - started
    started = time.perf_counter()
    assert not hasher.verify(None, "wrong")
    unknown = time.perf_counter() - started
    assert unknown > known / 3


def test_garbage_stored_hash_is_a_mismatch_not_an_error() -> None:
    assert not PasswordHasher(FAST).verify("plain-text", "plain-text")


def test_hash_many_in_processes_keeps_order_and_reports_progress() -> None:
    hasher = PasswordHasher(FAST)
    done: list[int] = []
    passwords = [f"secret-{i}" for i in range(12)]
    hashes = list(hasher.hash_many(passwords, workers=2, on_done=done.append))
    assert len(hashes) == 12
    assert sum(done) == 12
    assert all(hasher.verify(h, p) for h, p in zip(hashes, passwords, strict=True))


def test_settings_refuse_parameters_below_owasp_minimum() -> None:
    with pytest.raises(ValidationError, match="OWASP"):
        AuthSettings(argon2_memory_kib=1024)
    assert AuthSettings(argon2_memory_kib=1024, allow_weak_hashing=True).argon2_memory_kib == 1024
