"""The seed files, in import order, and the rules each one's rows follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Table

from aianimals.dataset.importer import hooks, records
from aianimals.dataset.importer.context import ImportContext
from aianimals.dataset.importer.loader import Reference, TableRules
from aianimals.dataset.importer.records import Parser, Row
from aianimals.schema import table

Prepare = Callable[[list[Row], ImportContext], str | None]
Finish = Callable[[Connection, list[Row]], str | None]


@dataclass(frozen=True)
class FileSpec:
    """One seed file: how to parse it, which table it fills, what runs around the insert."""

    filename: str
    parse: Parser
    rules: TableRules
    prepare: Prepare | None = None
    """Runs on the new rows before they are inserted (hashing, photos)."""
    finish: Finish | None = None
    """Runs in the file's transaction after the insert (deactivations)."""


# The importer fills tables by name from the registry of tables, as migrations do.
CATEGORIES = table("animal_categories")
SUBCATEGORIES = table("animal_subcategories")
USERS = table("users")
ANIMALS = table("animals")
VIOLATION_TYPES = table("violation_types")


def _refs(*pairs: tuple[str, Table]) -> tuple[Reference, ...]:
    return tuple(Reference(column, table) for column, table in pairs)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "animal_category.json",
        records.parse_categories,
        TableRules(CATEGORIES, ("id",), unique=("name_en", "name_ja")),
    ),
    FileSpec(
        "animal_subcategory.json",
        records.parse_subcategories,
        TableRules(
            SUBCATEGORIES,
            ("id",),
            unique=("name_en", "name_ja"),
            references=_refs(("category_id", CATEGORIES)),
        ),
    ),
    FileSpec(
        "user.json",
        records.parse_users,
        TableRules(
            USERS,
            ("id",),
            unique_by=(
                ("handle_name", "handle_name_folded"),
                ("email_address", "email_address_folded"),
            ),
        ),
        prepare=hooks.hash_passwords,
    ),
    FileSpec(
        "animal.json",
        records.parse_animals,
        TableRules(
            ANIMALS,
            ("id",),
            references=_refs(
                ("category_id", CATEGORIES), ("subcategory_id", SUBCATEGORIES), ("user_id", USERS)
            ),
        ),
        prepare=hooks.import_photos,
    ),
    FileSpec(
        "violation_type.json",
        records.parse_violation_types,
        TableRules(VIOLATION_TYPES, ("id",), unique=("name",)),
    ),
    FileSpec(
        "violation.json",
        records.parse_violations,
        TableRules(
            table("violations"),
            ("id",),
            also_key=("animal_id", "violation_type_id", "judge", "model_version"),
            # The reference's violation.json covers animals beyond any published animal file:
            # those records are skipped and counted, not an error.
            references=(
                Reference("violation_type_id", VIOLATION_TYPES),
                Reference("animal_id", ANIMALS, on_unknown="skip"),
            ),
        ),
        finish=hooks.deactivate_violating_animals,
    ),
    FileSpec(
        "likes.json",
        records.parse_likes,
        TableRules(
            table("likes"),
            ("id",),
            also_key=("animal_id", "user_id"),
            references=_refs(("animal_id", ANIMALS), ("user_id", USERS)),
        ),
    ),
    FileSpec(
        "access_logs.json",
        records.parse_access_logs,
        TableRules(
            table("access_logs"),
            ("id",),
            references=_refs(("animal_id", ANIMALS), ("user_id", USERS)),
        ),
    ),
    FileSpec(
        "impressions.json",
        records.parse_impressions,
        TableRules(
            table("impressions"),
            ("search_id", "position"),
            references=_refs(("animal_id", ANIMALS), ("user_id", USERS)),
        ),
    ),
)
