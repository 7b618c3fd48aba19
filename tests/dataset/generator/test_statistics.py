"""The generated data has the reference's proportions and a learnable signal."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from tests.dataset.generator.conftest import load


def test_about_forty_percent_of_descriptions_are_empty(large_dataset: Path) -> None:
    animals = load(large_dataset, "animal.json")
    empty = sum(1 for row in animals.values() if not row["description"])
    assert 0.35 < empty / len(animals) < 0.45


def test_some_descriptions_are_english(large_dataset: Path) -> None:
    animals = load(large_dataset, "animal.json")
    english = [row for row in animals.values() if row["description"].isascii()]
    written = [row for row in english if row["description"]]
    assert 0.01 < len(written) / len(animals) < 0.1


def test_top_tenth_of_animals_holds_most_likes(large_dataset: Path) -> None:
    animals = load(large_dataset, "animal.json")
    likes = Counter(like["animal_id"] for like in load(large_dataset, "likes.json")["likes"])
    counts = sorted((likes.get(animal_id, 0) for animal_id in animals), reverse=True)
    top = sum(counts[: len(counts) // 10])
    assert top / sum(counts) > 0.4
    assert counts[0] > 20 * counts[len(counts) // 2]


def test_searches_log_many_rows_and_mostly_score_or_created_at(large_dataset: Path) -> None:
    logs = load(large_dataset, "access_logs.json")["access_logs"]
    per_search = Counter(row["search_id"] for row in logs)
    assert max(per_search.values()) >= 5
    assert len(logs) / len(per_search) > 2
    sorts = Counter(row["sort_by"] for row in logs)
    assert sorts["score"] + sorts["created_at"] > 0.6 * len(logs)
    assert set(sorts) == {"score", "like", "created_at", "random"}
    assert any(row["animal_category_id"] is None for row in logs)
    assert any(row["animal_category_id"] is not None for row in logs)


def test_clicks_concentrate_on_top_positions(large_dataset: Path) -> None:
    shown = load(large_dataset, "impressions.json")["impressions"]
    logs = load(large_dataset, "access_logs.json")["access_logs"]
    selected = {(r["search_id"], r["animal_id"]) for r in logs if r["action"] == "select"}
    views: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in shown:
        bucket = "top" if row["position"] < 3 else "deep"
        views[bucket][0] += 1
        views[bucket][1] += (row["search_id"], row["animal_id"]) in selected
    top_rate = views["top"][1] / views["top"][0]
    deep_rate = views["deep"][1] / views["deep"][0]
    assert top_rate > 1.2 * deep_rate


def test_browsing_clicks_prefer_the_category_a_user_likes(large_dataset: Path) -> None:
    animals = load(large_dataset, "animal.json")
    likes = load(large_dataset, "likes.json")["likes"]
    logs = load(large_dataset, "access_logs.json")["access_logs"]
    shown = load(large_dataset, "impressions.json")["impressions"]
    liked: defaultdict[str, Counter[int]] = defaultdict(Counter)
    for like in likes:
        liked[like["user_id"]][animals[like["animal_id"]]["category"]] += 1
    favourite = {user: c.most_common(1)[0][0] for user, c in liked.items() if c.total() >= 5}
    browse = {row["search_id"] for row in logs if not row["phrases"]}
    selected = {(r["search_id"], r["animal_id"]) for r in logs if r["action"] == "select"}
    rates: defaultdict[bool, list[int]] = defaultdict(lambda: [0, 0])
    for row in shown:
        if row["search_id"] not in browse or row["user_id"] not in favourite:
            continue
        preferred = animals[row["animal_id"]]["category"] == favourite[row["user_id"]]
        rates[preferred][0] += 1
        rates[preferred][1] += (row["search_id"], row["animal_id"]) in selected
    assert rates[True][1] / rates[True][0] > 1.5 * rates[False][1] / rates[False][0]


def test_users_like_animals_of_a_consistent_category(large_dataset: Path) -> None:
    animals = load(large_dataset, "animal.json")
    likes = load(large_dataset, "likes.json")["likes"]
    by_user: defaultdict[str, Counter[int]] = defaultdict(Counter)
    for like in likes:
        by_user[like["user_id"]][animals[like["animal_id"]]["category"]] += 1
    dogs_share = sum(1 for a in animals.values() if a["category"] == 2) / len(animals)
    chance = dogs_share**2 + (1 - dogs_share) ** 2
    heavy = [c for c in by_user.values() if sum(c.values()) >= 5]
    purity = sum(max(c.values()) / sum(c.values()) for c in heavy) / len(heavy)
    assert purity > chance + 0.1
