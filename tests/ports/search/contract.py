"""The `SearchIndex` contract: behaviour every backend must show, one function per rule.

Each `check_*` function takes a fresh, empty index; `test_embedded.py` runs them all
against the `search_index` fixture (embedded always, OpenSearch when configured). The
index is given `split_fields`, a plain analyzer (no dictionary): tokens are the lower-cased,
whitespace-separated words of each field, so every test spells its tokens out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from aianimals.ports.search.base import (
    COVER_WEIGHT,
    FUZZY_SCORE,
    SORT_KEYS,
    AnimalDocument,
    Clause,
    DocumentTokens,
    SearchIndex,
    SearchQuery,
    SortKey,
    Term,
)

BREEDS = {
    1: (1, "abyssinian", "アビシニアン"),
    2: (1, "persian", "ペルシャ"),
    3: (2, "shiba_inu", "シバイヌ"),
    4: (2, "pug", "パグ"),
}
CATEGORIES = {1: ("cat", "猫"), 2: ("dog", "犬")}
EPOCH = datetime(2021, 6, 1, 12, 0, 0)
SORTS: tuple[SortKey, ...] = ("score", "like", "created_at", "random")


def split_fields(document: AnimalDocument) -> DocumentTokens:
    """The test analyzer: each field lower-cased and split on whitespace; the breed field
    is the breed and category names and a `#b<breed id>` token."""
    breed_names = (
        document.subcategory_name_ja,
        document.subcategory_name_en,
        document.category_name_ja,
        document.category_name_en,
        f"#b{document.subcategory_id}",
    )
    name, breed, description = (
        tuple(text.lower().split())
        for text in (document.name, " ".join(breed_names), document.description)
    )
    return name, breed, description


def make_doc(
    animal_id: str,
    name: str,
    description: str,
    breed: int = 1,
    *,
    likes: int = 0,
    day: int = 0,
    owner: str = "",
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
        user_handle_name=owner or f"owner_{animal_id}",
        likes=likes,
        created_at=EPOCH + timedelta(days=day),
    )


CORPUS = [
    make_doc("a01", "ミケ", "ねこ 日向ぼっこ", 1, likes=5, day=1, owner="Alice"),
    make_doc("a02", "タマ", "ねこ おもちゃ 遊ぶ", 2, likes=9, day=2, owner="alice"),
    make_doc("a03", "ポチ", "猫 大好き 柴犬", 3, likes=1, day=3, owner="Bob"),
    make_doc("a04", "Max", "dogs walking in the park", 4, likes=7, day=4),
    make_doc("a05", "ハナ", "公園 散歩", 4, likes=7, day=5, owner="Bob"),
    make_doc("a06", "ソラ", "ネズミ おもちゃ 遊ぶ", 2, likes=0, day=6),
    make_doc("a07", "モモ", "ハムスター おもちゃ 遊ぶ", 2, likes=3, day=7),
    make_doc("a08", "コタロウ", "日向ぼっこ 好き 子犬", 3, likes=3, day=7),
    make_doc("a09", "Bella", "a sleepy abyssinian", 1, likes=2, day=9),
    make_doc("a10", "レオ", "", 3, likes=0, day=10),
    make_doc("a11", "ココ", "", 4, likes=0, day=10),
    make_doc("a12", "ルナ", "", 1, likes=0, day=10),
]
CATS = {d.id for d in CORPUS if d.category_id == 1}


def loaded(index: SearchIndex) -> SearchIndex:
    index.rebuild(CORPUS, len(CORPUS))
    return index


def ask(*clauses: str | Term | tuple[Term, ...], **fields: object) -> SearchQuery:
    """A query of one clause per argument (a token, a term, or alternative terms), each
    required unless `min_cover` says otherwise."""
    built = []
    for clause in clauses:
        terms = (Term(clause),) if isinstance(clause, str) else clause
        built.append(Clause(terms if isinstance(terms, tuple) else (terms,)))
    options: dict[str, object] = {"min_cover": len(built), "limit": 1000, **fields}
    return SearchQuery(clauses=tuple(built), **options)  # type: ignore[arg-type]


def ids(index: SearchIndex, query: SearchQuery) -> list[str]:
    return [hit.animal_id for hit in index.search(replace(query, limit=1000)).results]


def found(index: SearchIndex, *clauses: str | Term | tuple[Term, ...]) -> set[str]:
    return set(ids(index, ask(*clauses)))


def scores(index: SearchIndex, query: SearchQuery) -> dict[str, float]:
    return {hit.animal_id: hit.score for hit in index.search(query).results}


# -- matching --------------------------------------------------------------------------


def check_a_term_matches_its_token_in_any_field(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "猫") == CATS | {"a03"}  # breed field, and a03's description
    assert found(index, "ミケ") == {"a01"}  # name
    assert found(index, "#b4") == {"a04", "a05", "a11"}  # the breed marker
    assert found(index, "キリン") == set()


def check_tokens_are_matched_as_they_are(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "walking") == {"a04"}
    assert found(index, "walk") == found(index, "b4") == found(index, "#b") == set()
    assert found(index, "犬") == {"a04", "a05", "a03", "a08", "a10", "a11"}  # not 子犬, 柴犬
    assert found(index, "柴犬") == {"a03"}
    long_token = "x" * 80
    index.upsert([make_doc("z01", long_token, "~inu i-n.u")])
    assert found(index, long_token) == found(index, "~inu") == found(index, "i-n.u") == {"z01"}
    assert found(index, "inu") == set()


def check_every_clause_must_match_by_default(index: SearchIndex) -> None:
    loaded(index)
    assert found(index, "おもちゃ", "ネズミ") == {"a06"}
    assert found(index, "公園", "猫") == set()


def check_a_clause_is_covered_by_any_of_its_terms(index: SearchIndex) -> None:
    loaded(index)
    alternatives = (Term("ハムスター"), Term("ネズミ", weight=0.5))
    assert found(index, alternatives) == {"a06", "a07"}
    assert found(index, alternatives, "遊ぶ") == {"a06", "a07"}


def check_injection_attempts_are_plain_tokens(index: SearchIndex) -> None:
    loaded(index)
    for token in ("'", "OR", "1=1", "--", "*", "\\", '"', "a01", "*:*", "id:a01"):
        assert found(index, token) == set(), token
    assert found(index, "a") == {"a09"}  # the word in a09's description, nothing else
    assert index.count() == len(CORPUS)


def check_filters_are_exact(index: SearchIndex) -> None:
    loaded(index)
    everything = SearchQuery(limit=1000)
    assert set(ids(index, replace(everything, category_id=2))) == {
        d.id for d in CORPUS if d.category_id == 2
    }
    assert set(ids(index, replace(everything, subcategory_id=4))) == {"a04", "a05", "a11"}
    assert set(ids(index, ask("おもちゃ", category_id=1))) == {"a06", "a02", "a07"}
    assert ids(index, ask("おもちゃ", category_id=2)) == []
    assert ids(index, replace(everything, category_id=3)) == []


def check_owner_filter_is_the_lower_cased_handle(index: SearchIndex) -> None:
    loaded(index)
    everything = SearchQuery(limit=1000)
    assert set(ids(index, replace(everything, owner="alice"))) == {"a01", "a02"}
    assert set(ids(index, replace(everything, owner="bob", category_id=2))) == {"a03", "a05"}
    assert set(ids(index, ask("猫", owner="bob"))) == {"a03"}
    assert ids(index, replace(everything, owner="Alice")) == []
    assert ids(index, replace(everything, owner="ali")) == []


# -- scoring ---------------------------------------------------------------------------


def check_covering_more_clauses_ranks_first(index: SearchIndex) -> None:
    index.upsert(
        [
            make_doc("x1", "ちび", "ボール 走る 食べる 寝る", day=1),
            make_doc("x2", "ジャンプ", "", day=2),
            make_doc("x3", "ほか", "寝る", day=3),
        ]
    )
    heavy = Term("ジャンプ", weight=5.0)
    query = ask("ボール", "走る", heavy, min_cover=1)
    page = index.search(query)
    assert [hit.animal_id for hit in page.results] == ["x1", "x2"]
    first, second = page.results
    assert first.score > 2 * COVER_WEIGHT > second.score > COVER_WEIGHT
    # x2's one clause scores more BM25 than x1's two together: coverage decides
    assert second.score - COVER_WEIGHT > first.score - 2 * COVER_WEIGHT


def check_min_cover_sets_how_many_clauses_must_match(index: SearchIndex) -> None:
    loaded(index)
    clauses = ("おもちゃ", "遊ぶ", "ネズミ")
    assert set(ids(index, ask(*clauses, min_cover=3))) == {"a06"}
    assert set(ids(index, ask(*clauses, min_cover=2))) == {"a02", "a06", "a07"}
    assert set(ids(index, ask(*clauses, min_cover=4))) == set()
    everything = index.search(ask(*clauses, min_cover=0))
    assert everything.hits == len(CORPUS)
    order = [hit.animal_id for hit in everything.results]
    assert order[0] == "a06"
    assert set(order[1:3]) == {"a02", "a07"}
    assert all(hit.score == 0.0 for hit in everything.results[3:])


def check_a_clause_scores_its_best_term_not_their_sum(index: SearchIndex) -> None:
    loaded(index)
    both = scores(index, ask((Term("ネズミ"), Term("おもちゃ", weight=0.1))))["a06"]
    best = scores(index, ask("ネズミ"))["a06"]
    assert both == pytest.approx(best, rel=1e-5)
    assert scores(index, ask((Term("ネズミ", weight=0.1), Term("おもちゃ"))))["a06"] < best


def check_field_weights_count_name_three_times_description(index: SearchIndex) -> None:
    index.upsert(
        [
            make_doc("w2", "くろ", "しろ", day=1),
            make_doc("w1", "しろ", "くろ", day=2),  # newer, lower id: first on a tie
        ]
    )
    page = index.search(ask("くろ"))
    assert [hit.animal_id for hit in page.results] == ["w2", "w1"]
    in_name, in_description = (hit.score - COVER_WEIGHT for hit in page.results)
    assert in_name == pytest.approx(3 * in_description, rel=1e-4)


def check_a_term_is_looked_for_only_in_its_fields(index: SearchIndex) -> None:
    index.upsert(
        [
            make_doc("w2", "くろ", "しろ", day=1),
            make_doc("w1", "しろ", "くろ", day=2),
        ]
    )
    in_description = index.search(ask(Term("くろ", fields=("breed", "description"))))
    assert [hit.animal_id for hit in in_description.results] == ["w1"]
    in_name = index.search(ask(Term("くろ", fields=("name",))))
    assert [hit.animal_id for hit in in_name.results] == ["w2"]
    fuzzy = index.search(ask(Term("くろい", fuzzy=1, fields=("description",))))
    assert [hit.animal_id for hit in fuzzy.results] == ["w1"]


def check_term_weights_multiply_bm25(index: SearchIndex) -> None:
    loaded(index)
    plain = scores(index, ask("ネズミ"))["a06"] - COVER_WEIGHT
    doubled = scores(index, ask(Term("ネズミ", weight=2.0)))["a06"] - COVER_WEIGHT
    assert doubled == pytest.approx(2 * plain, rel=1e-4)
    assert 0 < plain < COVER_WEIGHT


FUZZY_CORPUS = [
    make_doc("f1", "たま", "kitten", day=1),
    make_doc("f2", "たま", "sitten", day=2),  # 1 substitution
    make_doc("f3", "たま", "sittin", day=3),  # 2 substitutions
    make_doc("f4", "たま", "iktten", day=4),  # 1 transposition
    make_doc("f5", "たま", "sitting", day=5),  # 3 edits
    make_doc("f6", "kittens", "", day=6),  # 1 insertion, in the name
    make_doc("f7", "たま", "ねご", day=7),  # 1 substitution of a (multi-byte) character
]


def check_fuzzy_terms_match_within_their_edit_distance(index: SearchIndex) -> None:
    index.rebuild(FUZZY_CORPUS, len(FUZZY_CORPUS))
    assert found(index, Term("kitten")) == {"f1"}
    assert found(index, Term("kitten", fuzzy=1)) == {"f1", "f2", "f4", "f6"}
    assert found(index, Term("kitten", fuzzy=2)) == {"f1", "f2", "f3", "f4", "f6"}
    assert found(index, Term("ねこ", fuzzy=1)) == {"f7"}


def check_an_exact_match_scores_above_a_fuzzy_one(index: SearchIndex) -> None:
    index.rebuild(FUZZY_CORPUS, len(FUZZY_CORPUS))
    page = index.search(ask(Term("kitten", weight=2.0, fuzzy=2)))
    assert page.results[0].animal_id == "f1"  # exact, in the description
    rest = {hit.animal_id: hit.score for hit in page.results[1:]}
    assert set(rest) == {"f2", "f3", "f4", "f6"}  # f6: near, though in the name
    for score in rest.values():
        assert score == pytest.approx(COVER_WEIGHT + 2.0 * FUZZY_SCORE)
    assert page.results[0].score > max(rest.values())


def check_boosts_add_score_but_never_match(index: SearchIndex) -> None:
    loaded(index)
    index.upsert([make_doc("b01", "チュウ", "ネズミ", day=20)])
    plain = scores(index, ask("おもちゃ"))
    boosted = scores(index, ask("おもちゃ", boosts=(Term("ネズミ", weight=2.0),)))
    assert set(boosted) == set(plain) == {"a02", "a06", "a07"}
    assert boosted["a06"] > plain["a06"]
    assert boosted["a02"] == pytest.approx(plain["a02"])
    assert max(boosted, key=boosted.__getitem__) == "a06"


# -- order and pages -------------------------------------------------------------------


def check_score_order_is_by_score_then_newest_then_id(index: SearchIndex) -> None:
    loaded(index)
    page = index.search(ask("猫"))
    order = [hit.animal_id for hit in page.results]
    values = [hit.score for hit in page.results]
    assert values == sorted(values, reverse=True)
    assert page.max_score == values[0] > COVER_WEIGHT
    tied = [animal_id for animal_id in order if animal_id in CATS]  # 猫 in breed alone
    assert tied == ["a12", "a09", "a07", "a06", "a02", "a01"]
    assert len({scores(index, ask("猫"))[animal_id] for animal_id in tied}) == 1
    index.upsert([replace(CORPUS[11], id="a00"), replace(CORPUS[11], id="a13")])
    assert [i for i in ids(index, ask("猫")) if i != "a03"][:3] == ["a00", "a12", "a13"]


def check_like_order_is_by_likes_then_newest_then_id(index: SearchIndex) -> None:
    loaded(index)
    expected = ["a02", "a05", "a04", "a01", "a07", "a08", "a09", "a03", "a10", "a11", "a12", "a06"]
    assert ids(index, SearchQuery(sort_by="like")) == expected
    assert ids(index, ask("おもちゃ", sort_by="like")) == ["a02", "a07", "a06"]


def check_created_at_order_is_newest_first_then_id(index: SearchIndex) -> None:
    loaded(index)
    expected = ["a10", "a11", "a12", "a09", "a07", "a08", "a06", "a05", "a04", "a03", "a02", "a01"]
    assert ids(index, SearchQuery(sort_by="created_at")) == expected
    assert ids(index, SearchQuery(sort_by="score")) == expected  # no clauses: all score 0


def check_sorts_other_than_score_still_report_text_scores(index: SearchIndex) -> None:
    loaded(index)
    by_score = scores(index, ask("おもちゃ"))
    for sort_by in ("like", "created_at", "random"):
        page = index.search(ask("おもちゃ", sort_by=sort_by))
        assert {hit.animal_id: hit.score for hit in page.results} == pytest.approx(by_score)
        assert page.max_score == pytest.approx(max(by_score.values()))


def check_random_order_is_deterministic_per_seed(index: SearchIndex) -> None:
    loaded(index)
    first = ids(index, SearchQuery(sort_by="random", seed=7))
    assert first == ids(index, SearchQuery(sort_by="random", seed=7))
    assert sorted(first) == sorted(d.id for d in CORPUS)
    others = {tuple(ids(index, SearchQuery(sort_by="random", seed=s))) for s in range(1, 13)}
    assert len(others) >= 9
    assert set(ids(index, ask("おもちゃ", sort_by="random", seed=3))) == {"a02", "a06", "a07"}


def check_pages_neither_overlap_nor_skip(index: SearchIndex) -> None:
    loaded(index)
    for sort_by in SORTS:
        for asked in (SearchQuery(), ask("猫", "犬", min_cover=1)):
            query = replace(asked, sort_by=sort_by, seed=3)
            whole = ids(index, query)
            paged: list[str] = []
            for offset in range(0, len(whole) + 3, 5):
                page = index.search(replace(query, limit=5, offset=offset))
                assert page.hits == len(whole)
                paged.extend(hit.animal_id for hit in page.results)
            assert paged == whole, sort_by


def check_many_ties_page_stably(index: SearchIndex) -> None:
    docs = [replace(CORPUS[i % 4], id=f"t{i:03d}", likes=i % 3) for i in range(120)]
    index.rebuild(docs, len(docs))
    for sort_by in SORTS:
        query = ask("猫", sort_by=sort_by, seed=11)
        whole = ids(index, query)
        assert len(set(whole)) == len(whole) == 90
        paged = [
            hit.animal_id
            for offset in range(0, len(whole), 7)
            for hit in index.search(replace(query, limit=7, offset=offset)).results
        ]
        assert paged == whole, sort_by


def check_ties_split_by_a_page_are_ordered_whatever_was_written_when(index: SearchIndex) -> None:
    loaded(index)
    for animal_id, day in (("x30", 30), ("x40", 40), ("x35", 35), ("a00", 10), ("a99", 10)):
        moment = EPOCH + timedelta(days=day)
        index.upsert([replace(CORPUS[11], id=animal_id, created_at=moment)])  # one write each
    newest_cats = ["x40", "x35", "x30", "a00", "a12", "a99", "a09", "a07"]
    newest = ["x40", "x35", "x30", "a00", "a10", "a11", "a12", "a99", "a09"]
    by_score = ask("cat", sort_by="score")  # the cats tie: "cat" in the breed field alone
    for query, expected in ((by_score, newest_cats), (SearchQuery(sort_by="created_at"), newest)):
        assert ids(index, query)[: len(expected)] == expected
        for offset in range(len(expected)):
            page = index.search(replace(query, offset=offset, limit=1))
            assert [hit.animal_id for hit in page.results] == [expected[offset]], (query, offset)
    by_likes = SearchQuery(sort_by="like")
    whole = ids(index, by_likes)
    for offset in range(len(whole)):
        page = index.search(replace(by_likes, offset=offset, limit=1))
        assert [hit.animal_id for hit in page.results] == [whole[offset]], offset


def check_an_empty_page_under_every_sort_is_no_error(index: SearchIndex) -> None:
    loaded(index)
    for sort in SORT_KEYS:
        nothing = index.search(ask("キリン", sort_by=sort))
        assert (nothing.hits, nothing.results) == (0, []), sort
        beyond = index.search(ask("猫", sort_by=sort, offset=1_000, limit=100))
        assert (beyond.hits, beyond.results) == (len(found(index, "猫")), []), sort
        deep = index.search(SearchQuery(sort_by=sort, offset=2**31 - 1, limit=100))
        assert deep.results == [], sort


def check_hits_and_max_score(index: SearchIndex) -> None:
    assert index.search(ask("猫")).hits == 0
    loaded(index)
    page = index.search(ask("猫", sort_by="like", limit=2))
    assert page.hits == len(found(index, "猫"))
    assert len(page.results) == 2
    assert page.max_score == pytest.approx(index.search(ask("猫", limit=1)).results[0].score)
    assert index.search(ask("猫", limit=2, offset=3)).max_score == page.max_score
    everything = index.search(SearchQuery(limit=3))
    assert (everything.hits, everything.max_score) == (len(CORPUS), 0.0)
    assert all(hit.score == 0.0 for hit in everything.results)
    nothing = index.search(ask("キリン"))
    assert (nothing.hits, nothing.max_score, nothing.results) == (0, 0.0, [])


# -- writes ----------------------------------------------------------------------------


def check_delete_hides_at_once(index: SearchIndex) -> None:
    loaded(index)
    index.delete(["a01", "unknown"])
    assert "a01" not in found(index, "猫")
    assert "a01" not in ids(index, SearchQuery())
    assert index.count() == len(CORPUS) - 1


def check_upsert_replaces_the_text(index: SearchIndex) -> None:
    loaded(index)
    index.upsert([replace(CORPUS[4], description="雪 走る")])
    assert "a05" not in found(index, "散歩")
    assert found(index, "雪") == {"a05"}
    assert index.count() == len(CORPUS)
    index.upsert([make_doc("a99", "ユキ", "雪 好き", 1), make_doc("a99", "ユキ", "雪", 1)])
    assert found(index, "雪") == {"a05", "a99"}
    assert found(index, "好き") == {"a08"}  # the later of a repeated id wins
    assert index.count() == len(CORPUS) + 1


def check_set_likes_changes_like_order_and_keeps_the_rest(index: SearchIndex) -> None:
    loaded(index)
    before = scores(index, ask("猫"))
    index.set_likes({"a12": 100, "a02": 0, "unknown": 5})
    order = ids(index, SearchQuery(sort_by="like"))
    assert order[0] == "a12"
    assert order.index("a02") > order.index("a03")
    # the same text (BM25 statistics count replaced copies until segments merge)
    assert scores(index, ask("猫")) == pytest.approx(before, rel=0.05)
    assert set(ids(index, SearchQuery(category_id=1, owner="alice"))) == {"a01", "a02"}
    assert index.count() == len(CORPUS)


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
        replacement = [*CORPUS[1:], make_doc("b01", "新顔", "新しい 猫", 1)]
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


# -- explain ---------------------------------------------------------------------------


def check_explain_gives_score_coverage_and_matches(index: SearchIndex) -> None:
    loaded(index)
    query = ask(
        (Term("ネズミ"), Term("ハムスター", weight=0.5)),
        Term("おもちや", fuzzy=1),
        "日向ぼっこ",
        min_cover=1,
        boosts=(Term("ソラ"),),
    )
    by_search = scores(index, query)
    explained = index.explain(query, ["a06", "a05", "unknown", "a01"])
    assert [e.animal_id for e in explained] == ["a06", "a01"]
    a06, a01 = explained
    assert a06.score == pytest.approx(by_search["a06"])
    assert a01.score == pytest.approx(by_search["a01"])
    assert (a06.covered, a01.covered) == (2, 1)
    fields = {(m.field, m.token) for m in a06.matches}
    assert ("description", "ネズミ") in fields
    assert ("name", "ソラ") in fields  # the boost
    assert any(m.token.startswith("おもちや") and m.field == "description" for m in a06.matches)
    assert {(m.field, m.token) for m in a01.matches} == {("description", "日向ぼっこ")}
    assert all(m.score > 0 for e in explained for m in e.matches)
    (match,) = a01.matches
    assert a01.score == pytest.approx(COVER_WEIGHT + match.score)


CHECKS: dict[str, Callable[[SearchIndex], None]] = {
    name.removeprefix("check_"): check
    for name, check in dict(globals()).items()
    if name.startswith("check_") and callable(check)
}
