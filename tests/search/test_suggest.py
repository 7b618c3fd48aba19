"""Suggestions as you type: breeds, concepts and popular queries, by prefix, sound or typo."""

from __future__ import annotations

import threading
import time

import pytest

from aianimals.search.suggest import Suggester
from aianimals.search.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(load_vocabulary())


def labels(suggester: Suggester, typed: str) -> list[str]:
    return [s.label for s in suggester.suggest(typed)]


@pytest.mark.parametrize("typed", ["柴", "しば", "シバ", "shib", "ｼﾊﾞ"])
def test_a_breed_is_completed_from_any_script(suggester: Suggester, typed: str) -> None:
    assert labels(suggester, typed)[0] in {"シバイヌ", "shiba inu"}


def test_english_prefixes_complete_in_english(suggester: Suggester) -> None:
    found = suggester.suggest("chih")
    assert found[0].label == "chihuahua"
    assert found[0].kind == "breed"


def test_a_typo_in_the_prefix_is_forgiven(suggester: Suggester) -> None:
    assert "chihuahua" in labels(suggester, "chiuh")
    assert "pomeranian" in labels(suggester, "pomme")


def test_concepts_are_completed_too(suggester: Suggester) -> None:
    kinds = {(s.text, s.kind) for s in suggester.suggest("子ね")}
    assert ("子猫", "concept") in kinds or ("子ねこ", "concept") in kinds


def test_nothing_typed_or_nothing_known_gives_nothing(suggester: Suggester) -> None:
    assert suggester.suggest("   ") == []
    assert suggester.suggest("qxzv") == []


def test_at_most_limit_suggestions_each_label_once(suggester: Suggester) -> None:
    found = suggester.suggest("s", limit=5)
    assert len(found) == 5
    assert len({(s.label, s.kind) for s in found}) == 5


def test_popular_queries_come_first_once_read_in_the_background() -> None:
    read = threading.Event()

    def popular() -> list[tuple[str, int]]:
        read.set()
        return [("chihuahua puppy", 12)]

    suggester = Suggester(load_vocabulary(), popular, refresh_seconds=60)
    suggester.suggest("chih")  # starts the background read; never waits for it
    assert read.wait(5)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = suggester.suggest("chih")
        if found[0].kind == "query":
            break
        time.sleep(0.01)
    assert (found[0].text, found[0].kind) == ("chihuahua puppy", "query")
