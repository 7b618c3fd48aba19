"""The steps some files need around their insert: hashing, photos, deactivations."""

from __future__ import annotations

from time import perf_counter, process_time

from sqlalchemy import Connection, update

from aianimals.dataset.importer.context import ImportContext
from aianimals.dataset.importer.photos import store_photos
from aianimals.dataset.importer.records import Row
from aianimals.schema import table

_ANIMALS = table("animals")
_DEACTIVATE_CHUNK = 500


def hash_passwords(rows: list[Row], context: ImportContext) -> str | None:
    """Replace each new user's plaintext `password` with its argon2id `password_hash`."""
    if not rows:
        return None
    started, cpu_started = perf_counter(), process_time()
    passwords = [str(row.pop("password")) for row in rows]
    advance = context.bar("hashing passwords", len(passwords))
    hashed = context.hasher.hash_many(passwords, context.workers, advance)
    for row, password_hash in zip(rows, hashed, strict=True):
        row["password_hash"] = password_hash
    context.hashing.passwords += len(rows)
    context.hashing.seconds += perf_counter() - started
    context.hashing.cpu_seconds += process_time() - cpu_started
    return f"{len(rows):,} passwords hashed"


def import_photos(rows: list[Row], context: ImportContext) -> str | None:
    """Copy new animals' photo files into the blob store and point them at the stored URL."""
    started, cpu_started = perf_counter(), process_time()
    advance = context.bar("photos and thumbnails", len(rows))
    stored = store_photos(context.directory, rows, context.blobs, context.workers, advance)
    context.photos.photos += stored
    context.photos.seconds += perf_counter() - started
    context.photos.cpu_seconds += process_time() - cpu_started
    return f"{stored:,} photos stored" if stored else None


def deactivate_violating_animals(connection: Connection, rows: list[Row]) -> str | None:
    """As the reference's registry did: an effective violation deactivates its animal."""
    animal_ids = sorted({str(row["animal_id"]) for row in rows if row["is_effective"]})
    changed = 0
    for start in range(0, len(animal_ids), _DEACTIVATE_CHUNK):
        chunk = animal_ids[start : start + _DEACTIVATE_CHUNK]
        statement = (
            update(_ANIMALS)
            .where(_ANIMALS.c.id.in_(chunk), _ANIMALS.c.deactivated.is_(False))
            .values(deactivated=True)
        )
        changed += connection.execute(statement).rowcount
    return f"{changed:,} animals deactivated (effective violations)" if changed else None
