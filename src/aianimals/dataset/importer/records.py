"""Per-file parsing: the seed files' JSON shapes into validated rows, one parser per file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from aianimals.core.ids import is_id
from aianimals.dataset.importer.errors import ImportFailed
from aianimals.dataset.importer.fields import Fields
from aianimals.dataset.importer.photos import check_photo_url
from aianimals.users.identities import EMAIL_FOLDED_LENGTH, HANDLE_FOLDED_LENGTH, fold_identifier

Row = dict[str, Any]
ACTIONS = frozenset({"select", "see_long", "like"})


class Record(NamedTuple):
    """One validated row and the id the file gives its record (for error messages)."""

    record_id: str
    row: Row


@dataclass(frozen=True)
class ParseContext:
    """What parsers need besides the JSON: the dataset directory and the import's clock."""

    filename: str
    directory: Path
    now: datetime


Parser = Callable[[Any, ParseContext], list[Record]]


def read_json(path: Path) -> Any:
    """The file's JSON; ImportFailed naming the file and position when it is malformed."""
    try:
        with path.open("rb") as stream:
            return json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFailed.at(path.name, None, None, f"not valid JSON: {error}") from None


def _mapping(data: Any, ctx: ParseContext) -> Iterator[Fields]:
    """`{record_id: {...}}` files."""
    if not isinstance(data, dict):
        raise ImportFailed.at(ctx.filename, None, None, "expected a JSON object of records")
    for record_id, record in data.items():
        yield Fields(ctx.filename, record_id, record)


def _listed(data: Any, ctx: ParseContext, key: str) -> Iterator[Fields]:
    """`{"<key>": [{...}, ...]}` files; a record is named by its `id`, else by its position."""
    records = data.get(key) if isinstance(data, dict) else None
    if not isinstance(records, list):
        problem = f'expected {{"{key}": [...]}}'
        raise ImportFailed.at(ctx.filename, None, None, problem)
    for index, record in enumerate(records):
        name = record.get("id") if isinstance(record, dict) else None
        if key == "impressions" and isinstance(record, dict):
            name = f"{record.get('search_id')}/{record.get('position')}"
        yield Fields(ctx.filename, name if isinstance(name, str) else f"#{index}", record)


def parse_categories(data: Any, ctx: ParseContext) -> list[Record]:
    """animal_category.json: `{slug: {category, name_en, name_ja}}`."""
    return [
        Record(
            f.record_id,
            {
                "id": f.integer("category"),
                "name_en": f.text("name_en", 64, empty=False),
                "name_ja": f.text("name_ja", 64, empty=False),
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        for f in _mapping(data, ctx)
    ]


def parse_subcategories(data: Any, ctx: ParseContext) -> list[Record]:
    """animal_subcategory.json: `{slug: {category, subcategory, name_en, name_ja}}`."""
    return [
        Record(
            f.record_id,
            {
                "id": f.integer("subcategory"),
                "category_id": f.integer("category"),
                "name_en": f.text("name_en", 64, empty=False),
                "name_ja": f.text("name_ja", 64, empty=False),
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        for f in _mapping(data, ctx)
    ]


def _record_id(f: Fields) -> str:
    """The record's key, which these files use as the row's id."""
    if not is_id(f.record_id):
        raise f.fail(None, "the key is not a 32-character lowercase hex id")
    return f.record_id


def parse_users(data: Any, ctx: ParseContext) -> list[Record]:
    """user.json; the plaintext `password` is kept only until it is hashed, never stored."""
    records = []
    for f in _mapping(data, ctx):
        created_at = f.timestamp("created_at")
        handle_name = f.text("handle_name", 64, empty=False)
        email_address = f.text("email_address", 254, empty=False)
        row = {
            "id": _record_id(f),
            "handle_name": handle_name,
            "handle_name_folded": _folded(f, "handle_name", handle_name, HANDLE_FOLDED_LENGTH),
            "email_address": email_address,
            "email_address_folded": _folded(f, "email_address", email_address, EMAIL_FOLDED_LENGTH),
            "password": f.text("password", empty=False),
            "age": f.optional_integer("age"),
            "gender": f.optional_integer("gender"),
            "deactivated": f.boolean("deactivated"),
            "created_at": created_at,
            "updated_at": created_at,
        }
        records.append(Record(f.record_id, row))
    return records


def _folded(f: Fields, name: str, value: str, width: int) -> str:
    """The value as accounts are compared (`users.identities`); an error when too long."""
    folded = fold_identifier(value)
    if len(folded) > width:
        raise f.fail(name, f"too long once normalised ({len(folded)} > {width} characters)")
    return folded


def parse_animals(data: Any, ctx: ParseContext) -> list[Record]:
    """animal.json; a relative `photo_url` must name a file under the dataset directory."""
    records = []
    for f in _mapping(data, ctx):
        created_at = f.timestamp("created_at")
        photo_url = f.text("photo_url", 1024, empty=False)
        problem = check_photo_url(ctx.directory, photo_url)
        if problem:
            raise f.fail("photo_url", problem)
        row = {
            "id": _record_id(f),
            "category_id": f.integer("category"),
            "subcategory_id": f.integer("subcategory"),
            "user_id": f.identifier("user_id"),
            "name": f.text("name", 200),
            "description": f.text("description"),
            "photo_url": photo_url,
            "thumbnail_url": None,  # set when the photo is stored
            "deactivated": False,
            "created_at": created_at,
            "updated_at": created_at,
        }
        records.append(Record(f.record_id, row))
    return records


def parse_violation_types(data: Any, ctx: ParseContext) -> list[Record]:
    """violation_type.json: `{id: {name}}`."""
    return [
        Record(
            f.record_id,
            {
                "id": _record_id(f),
                "name": f.text("name", 64, empty=False),
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        for f in _mapping(data, ctx)
    ]


def parse_violations(data: Any, ctx: ParseContext) -> list[Record]:
    """violation.json; `model_version` is "" for the reference's rows (they have none)."""
    records = []
    for f in _mapping(data, ctx):
        probability = f.number("probability")
        if not 0.0 <= probability <= 1.0:
            raise f.fail("probability", f"not between 0 and 1: {probability!r}")
        row = {
            "id": _record_id(f),
            "animal_id": f.identifier("animal_id"),
            "violation_type_id": f.identifier("violation_type_id"),
            "judge": f.text("judge", 64, empty=False),
            "model_version": f.optional_text("model_version", 64) or "",
            "probability": probability,
            "is_effective": f.boolean("is_effective"),
            "created_at": ctx.now,
            "updated_at": ctx.now,
        }
        records.append(Record(f.record_id, row))
    return records


def parse_likes(data: Any, ctx: ParseContext) -> list[Record]:
    """likes.json: `{"likes": [{id, animal_id, user_id, created_at}]}`."""
    records = []
    for f in _listed(data, ctx, "likes"):
        created_at = f.timestamp("created_at")
        row = {
            "id": f.identifier("id"),
            "animal_id": f.identifier("animal_id"),
            "user_id": f.identifier("user_id"),
            "created_at": created_at,
            "updated_at": created_at,
        }
        records.append(Record(f.record_id, row))
    return records


def parse_access_logs(data: Any, ctx: ParseContext) -> list[Record]:
    """access_logs.json; null category ids and model names are fine."""
    return [
        Record(
            f.record_id,
            {
                "id": f.identifier("id"),
                "search_id": f.identifier("search_id"),
                "phrases": f.strings("phrases"),
                "animal_category_id": f.optional_integer("animal_category_id"),
                "animal_subcategory_id": f.optional_integer("animal_subcategory_id"),
                "sort_by": f.text("sort_by", 32, empty=False),
                "model_name": f.optional_text("model_name", 128),
                "user_id": f.identifier("user_id"),
                "likes": f.integer("likes"),
                "animal_id": f.identifier("animal_id"),
                "action": f.choice("action", ACTIONS),
                "created_at": f.timestamp("created_at"),
            },
        )
        for f in _listed(data, ctx, "access_logs")
    ]


def parse_impressions(data: Any, ctx: ParseContext) -> list[Record]:
    """impressions.json (our extension): what was shown, where, by which model."""
    records = []
    for f in _listed(data, ctx, "impressions"):
        position = f.integer("position")
        if position < 0:
            raise f.fail("position", f"negative: {position}")
        row = {
            "search_id": f.identifier("search_id"),
            "position": position,
            "user_id": f.identifier("user_id"),
            "animal_id": f.identifier("animal_id"),
            "sort_by": f.text("sort_by", 32, empty=False),
            "model_name": f.optional_text("model_name", 128),
            "created_at": f.timestamp("created_at"),
        }
        records.append(Record(f.record_id, row))
    return records
