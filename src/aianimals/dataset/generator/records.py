"""Rows of the output files, in the reference format (SYSTEM.md §3.1)."""

from __future__ import annotations

from typing import Any

from aianimals.dataset.generator.behaviour import UserProfile
from aianimals.dataset.generator.likes import LikeBook
from aianimals.dataset.generator.reference import SkeletonAnimal
from aianimals.dataset.generator.rng import format_space, substream, uuid_hex
from aianimals.dataset.generator.simulation import AccessEvent, Impression
from aianimals.dataset.generator.texts import AnimalText

Row = dict[str, Any]


def photo_url(animal_id: str) -> str:
    """The relative photo path the importer resolves against the dataset folder."""
    return f"images/{animal_id}.jpg"


def animal_rows(animals: list[SkeletonAnimal], texts: list[AnimalText]) -> dict[str, Row]:
    """animal.json."""
    return {
        animal.animal_id: {
            "category": animal.category,
            "subcategory": animal.subcategory,
            "user_id": animal.user_id,
            "name": text.name,
            "description": text.description,
            "photo_url": photo_url(animal.animal_id),
            "created_at": animal.created_at,
        }
        for animal, text in zip(animals, texts, strict=True)
    }


def like_rows(
    book: LikeBook, animals: list[SkeletonAnimal], profiles: list[UserProfile], seed: int
) -> list[Row]:
    """likes.json rows, oldest first, with ids from their own stream."""
    rng = substream(seed, "like-ids")
    ordered = sorted(
        book.events,
        key=lambda e: (e.created_us, animals[e.animal].animal_id, profiles[e.user].user_id),
    )
    return [
        {
            "id": uuid_hex(rng),
            "animal_id": animals[event.animal].animal_id,
            "user_id": profiles[event.user].user_id,
            "created_at": format_space(event.created_us),
        }
        for event in ordered
    ]


def access_log_rows(
    events: list[AccessEvent],
    animals: list[SkeletonAnimal],
    profiles: list[UserProfile],
    book: LikeBook,
    seed: int,
) -> list[Row]:
    """access_logs.json rows, oldest first; ``likes`` counts likes up to the event."""
    rng = substream(seed, "access-log-ids")
    ordered = sorted(events, key=lambda event: event.created_us)
    return [
        {
            "id": uuid_hex(rng),
            "search_id": event.search_id,
            "phrases": list(event.query.phrases),
            "animal_category_id": event.query.category,
            "animal_subcategory_id": event.query.subcategory,
            "sort_by": event.query.sort_by,
            "model_name": None,
            "user_id": profiles[event.user].user_id,
            "likes": book.count_at(event.animal, event.created_us),
            "animal_id": animals[event.animal].animal_id,
            "action": event.action,
            "created_at": format_space(event.created_us),
        }
        for event in ordered
    ]


def impression_rows(
    impressions: list[Impression], animals: list[SkeletonAnimal], profiles: list[UserProfile]
) -> list[Row]:
    """impressions.json rows, oldest search first, in position order."""
    ordered = sorted(impressions, key=lambda shown: shown.created_us)
    return [
        {
            "search_id": shown.search_id,
            "user_id": profiles[shown.user].user_id,
            "animal_id": animals[shown.animal].animal_id,
            "position": shown.position,
            "sort_by": shown.query.sort_by,
            "model_name": None,
            "created_at": format_space(shown.created_us),
        }
        for shown in ordered
    ]
