"""The `SearchIndex` contract: behaviour every backend must show, one function per rule.

Each `check_*` function takes a fresh, empty index; `test_embedded.py` runs them all
against the `search_index` fixture (embedded always, OpenSearch when configured).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from aianimals.ports.search.base import AnimalDocument, Expansion, SearchIndex, SearchQuery

BREEDS = {
    1: (1, "abyssinian", "アビシニアン"),
    2: (1, "persian", "ペルシャ"),
    3: (2, "shiba_inu", "シバイヌ"),
    4: (2, "pug", "パグ"),
}
CATEGORIES = {1: ("cat", "猫"), 2: ("dog", "犬")}
EPOCH = datetime(2021, 6, 1, 12, 0, 0)


def make_doc(
    animal_id: str, name: str, description: str, breed: int, *, likes: int = 0, day: int = 0
) -> AnimalDocument:
    category, breed_en, breed_ja = BREEDS[breed]
    return AnimalDocument(
        id=animal_id,
        category_id=category,
        subcategory_id=breed,
        category_name_en=CATEGORIES[category][0],
        category_name_ja=CATEGORIES[category][1],
        subcategory_name_en=breed_en,
        subcategory_name_ja=breed_ja,
        name=name,
        description=description,
        user_handle_name=f"owner_{animal_id}",
        likes=likes,
        created_at=EPOCH + timedelta(days=day),
    )


CORPUS = [
    make_doc("a01", "ミケ", "ねこが日向ぼっこしています", 1, likes=5, day=1),
    make_doc("a02", "タマ", "ネコとおもちゃで遊んでいました", 2, likes=9, day=2),
    make_doc("a03", "ポチ", "猫が大好きな柴犬です", 3, likes=1, day=3),
    make_doc("a04", "Max", "Dogs walking in the park", 4, likes=7, day=4),
    make_doc("a05", "ハナ", "公園を散歩しました", 4, likes=7, day=5),
    make_doc("a06", "ソラ", "ネズミのおもちゃで遊ぶ", 2, likes=0, day=6),
    make_doc("a07", "モモ", "ハムスターのおもちゃで遊ぶ", 2, likes=3, day=7),
    make_doc("a08", "コタロウ", "ひなたぼっこが好きな子犬", 3, likes=3, day=7),
    make_doc("a09", "Bella", "A sleepy abyssinian", 1, likes=2, day=9),
    make_doc("a10", "レオ", "", 3, likes=0, day=10),
    make_doc("a11", "ココ", "", 4, likes=0, day=10),
    make_doc("a12", "ルナ", "", 1, likes=0, day=10),
]


def loaded(index: SearchIndex) -> SearchIndex:
    index.rebuild(CORPUS, len(CORPUS))
    return index


def ids(index: SearchIndex, query: SearchQuery) -> list[str]:
    return [hit.animal_id for hit in index.search(replace(query, limit=1000)).results]


def found(index: SearchIndex, *phrases: str) -> set[str]:
    return set(ids(index, SearchQuery(phrases=phrases)))


def check_kana_and_kanji_spellings_find_the_same_animals(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "ねこ") == found(index, "ネコ") == found(index, "猫")
    assert {"a01", "a02", "a03", "a09", "a12"} <= found(index, "ねこ")


def check_inflected_forms_match(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "遊ぶ") == found(index, "遊んでる") == {"a02", "a06", "a07"}
    assert found(index, "ひなたぼっこ") == found(index, "日向ぼっこ") == {"a01", "a08"}


def check_breed_names_match_in_japanese_and_english(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "アビシニアン") == found(index, "abyssinian") == {"a01", "a09", "a12"}
    assert found(index, "シバイヌ") == found(index, "柴犬") == found(index, "shiba inu")
    assert found(index, "柴犬") == {"a03", "a08", "a10"}


def check_english_words_are_stemmed(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "walks") == found(index, "WALKING") == {"a04"}
    assert found(index, "dogs") == found(index, "dog") == found(index, "犬")


def check_every_phrase_must_match(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "おもちゃ", "ネズミ") == {"a06"}
    assert found(index, "公園", "猫") == set()


def check_injection_attempts_are_plain_text(index: SearchIndex) -> None:
    loaded(index)
    for text in ("' OR 1=1 --", "'; DROP TABLE animals; --", '" OR ""="', "*", "\\"):
        page = index.search(SearchQuery(phrases=(text,)))
        assert page.hits < len(CORPUS), text
    assert index.count() == len(CORPUS)


def check_filters_are_exact(index: SearchIndex) -> None:
    loaded(index)
    dogs = set(ids(index, SearchQuery(category_id=2)))
    assert dogs == {d.id for d in CORPUS if d.category_id == 2}
    pugs = set(ids(index, SearchQuery(subcategory_id=4)))
    assert pugs == {"a04", "a05", "a11"}
    assert set(ids(index, SearchQuery(phrases=("おもちゃ",), category_id=1))) == {
        "a06",
        "a02",
        "a07",
    }
    assert ids(index, SearchQuery(phrases=("おもちゃ",), category_id=2)) == []


def check_score_order_is_by_score_then_newest(index: SearchIndex) -> None:
    loaded(index)
    page = index.search(SearchQuery(phrases=("猫",), limit=100))
    scores = [hit.score for hit in page.results]
    assert scores == sorted(scores, reverse=True)
    assert page.max_score == scores[0] > 0
    assert page.hits == len(page.results)


def check_like_order_is_by_likes_then_newest(index: SearchIndex) -> None:
    loaded(index)
    order = ids(index, SearchQuery(sort_by="like"))
    assert order[:4] == ["a02", "a05", "a04", "a01"]
    assert order[-4:] == ["a10", "a11", "a12", "a06"]


def check_created_at_order_is_newest_first_then_id(index: SearchIndex) -> None:
    loaded(index)
    order = ids(index, SearchQuery(sort_by="created_at"))
    assert order[:3] == ["a10", "a11", "a12"]
    assert order[-1] == "a01"
    assert order.index("a07") < order.index("a08") < order.index("a06")


def check_random_order_is_deterministic_per_seed(index: SearchIndex) -> None:
    loaded(index)
    first = ids(index, SearchQuery(sort_by="random", seed=7))
    assert first == ids(index, SearchQuery(sort_by="random", seed=7))
    assert sorted(first) == sorted(d.id for d in CORPUS)
    others = {tuple(ids(index, SearchQuery(sort_by="random", seed=s))) for s in range(1, 6)}
    assert len(others) > 1


def check_pages_neither_overlap_nor_skip(index: SearchIndex) -> None:
    loaded(index)
    for sort_by in ("score", "like", "created_at", "random"):
        query = SearchQuery(sort_by=sort_by, seed=3)  # type: ignore[arg-type]
        whole = ids(index, query)
        paged: list[str] = []
        for offset in range(0, len(CORPUS) + 3, 5):
            page = index.search(replace(query, limit=5, offset=offset))
            assert page.hits == len(CORPUS)
            paged.extend(hit.animal_id for hit in page.results)
        assert paged == whole, sort_by


def check_hits_and_max_score(index: SearchIndex) -> None:
    assert index.search(SearchQuery(phrases=("猫",))).hits == 0
    loaded(index)
    page = index.search(SearchQuery(phrases=("猫",), sort_by="like", limit=2))
    assert page.hits == len(found(index, "猫"))
    assert len(page.results) == 2
    assert page.max_score == index.search(SearchQuery(phrases=("猫",), limit=1)).results[0].score
    everything = index.search(SearchQuery(limit=3))
    assert (everything.hits, everything.max_score) == (len(CORPUS), 0.0)
    assert all(hit.score == 0.0 for hit in everything.results)
    nothing = index.search(SearchQuery(phrases=("キリン",)))
    assert (nothing.hits, nothing.max_score, nothing.results) == (0, 0.0, [])


def check_delete_hides_at_once(index: SearchIndex) -> None:
    loaded(index)
    index.delete(["a01", "unknown"])
    assert "a01" not in found(index, "猫")
    assert "a01" not in ids(index, SearchQuery())
    assert index.count() == len(CORPUS) - 1


def check_upsert_replaces_the_text(index: SearchIndex) -> None:
    loaded(index)
    index.upsert([replace(CORPUS[4], description="雪の中を走りました")])
    assert "a05" not in found(index, "散歩")
    assert found(index, "雪") == {"a05"}
    assert index.count() == len(CORPUS)
    index.upsert([make_doc("a99", "ユキ", "雪が好き", 1)])
    assert found(index, "雪") == {"a05", "a99"}
    assert index.count() == len(CORPUS) + 1


def check_set_likes_changes_like_order(index: SearchIndex) -> None:
    loaded(index)
    index.set_likes({"a12": 100, "unknown": 5})
    assert ids(index, SearchQuery(sort_by="like"))[0] == "a12"


def check_expansions_recall_lower_scored(index: SearchIndex) -> None:
    loaded(index)
    expansion = Expansion(phrase="ハムスター", word="ネズミ", weight=0.5)
    page = index.search(SearchQuery(phrases=("ハムスター",), expansions=(expansion,)))
    assert [hit.animal_id for hit in page.results] == ["a07", "a06"]
    assert page.results[0].score > page.results[1].score > 0
    assert page.max_score == page.results[0].score
    unrelated = Expansion(phrase="ほかの言葉", word="ネズミ", weight=0.5)
    assert ids(index, SearchQuery(phrases=("ハムスター",), expansions=(unrelated,))) == ["a07"]


def check_rebuild_swaps_atomically(index: SearchIndex) -> None:
    loaded(index)
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(index.search(SearchQuery(limit=1)).hits)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        replacement = [*CORPUS[1:], make_doc("b01", "新顔", "新しい猫", 1)]
        for _ in range(3):
            assert index.rebuild(replacement, len(replacement)) == len(replacement)
    finally:
        stop.set()
        reader.join()
    assert seen
    assert min(seen) == len(CORPUS)
    assert "a01" not in ids(index, SearchQuery())
    assert "b01" in found(index, "新しい")


def check_rebuild_reports_progress(index: SearchIndex) -> None:
    calls: list[tuple[int, int]] = []
    assert index.rebuild(iter(CORPUS), len(CORPUS), lambda done, total: calls.append((done, total)))
    assert calls[-1] == (len(CORPUS), len(CORPUS))
    assert index.count() == len(CORPUS)


CHECKS: dict[str, Callable[[SearchIndex], None]] = {
    name.removeprefix("check_"): check
    for name, check in dict(globals()).items()
    if name.startswith("check_") and callable(check)
}
