"""Password hashing with argon2id; never a plain password in the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True)
class PasswordPolicy:
    """argon2id cost parameters (memory in KiB)."""

    memory_kib: int
    time_cost: int
    parallelism: int

    def describe(self) -> str:
        """The parameters as people quote them."""
        return f"argon2id m={self.memory_kib} KiB, t={self.time_cost}, p={self.parallelism}"


class PasswordHasher:
    """Hashes and verifies passwords; verifying an unknown user costs the same as a known one."""

    def __init__(self, policy: PasswordPolicy) -> None:
        self.policy = policy

    @cached_property
    def _argon2(self) -> _Argon2:
        return _Argon2(
            time_cost=self.policy.time_cost,
            memory_cost=self.policy.memory_kib,
            parallelism=self.policy.parallelism,
            type=Type.ID,
        )

    @cached_property
    def _dummy_hash(self) -> str:
        return self._argon2.hash("not a real password")

    def hash(self, password: str) -> str:
        """A salted argon2id hash of `password`."""
        return self._argon2.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether `password` matches; with no stored hash, burn the same time and say no."""
        try:
            if stored_hash is None:
                self._argon2.verify(self._dummy_hash, password)
                return False
            return self._argon2.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def hash_many(
        self,
        passwords: Iterable[str],
        workers: int,
        on_done: Callable[[int], None] | None = None,
    ) -> Iterator[str]:
        """Hash many passwords in `workers` processes, in order; `on_done(n)` reports progress."""
        items = list(passwords)
        if workers <= 1 or len(items) < 8:
            for password in items:
                yield self.hash(password)
                if on_done:
                    on_done(1)
            return
        chunk = max(1, len(items) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for hashed in pool.map(_hash_one, [(self.policy, p) for p in items], chunksize=chunk):
                yield hashed
                if on_done:
                    on_done(1)


def _hash_one(job: tuple[PasswordPolicy, str]) -> str:
    policy, password = job
    return PasswordHasher(policy).hash(password)
