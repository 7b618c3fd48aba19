"""Running a typed query: the forgiving second pass, similar words, the model name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aianimals.roles.container import Container
from aianimals.search.engine import BM25_MODEL, TextQuery, TextSearch
from aianimals.search.expansion import Expansion
from tests.factories import Factory


@pytest.fixture
def search(container: Container, factory: Factory, reindex: Callable[[], int]) -> TextSearch:
    owner = factory.user("owner")
    factory.animal(owner, name="ポチ", description="ソファでお昼寝しています")
    factory.animal(owner, name="ハナ", description="公園をお散歩しました")
    factory.animal(owner, name="Marshmallow", description="fluffy and white")
    reindex()
    return container.text_search


def names(found_ids: list[str], container: Container) -> list[str]:
    from aianimals.animals.models import Animal

    with container.database.session() as session:
        return [session.get(Animal, animal_id).name for animal_id in found_ids]  # type: ignore[union-attr]


def test_a_query_that_finds_too_little_is_run_again_forgiving_typos(
    search: TextSearch, container: Container
) -> None:
    exact = search.search(TextQuery(("Marshmalow",)))
    assert [hit.animal_id for hit in exact.page.results]
    assert any(term.fuzzy for clause in exact.query.clauses for term in clause.terms)
    assert names([h.animal_id for h in exact.page.results], container) == ["Marshmallow"]


def test_similar_words_only_add_score_and_name_the_model(search: TextSearch) -> None:
    expansions = (Expansion("公園", "散歩", 0.4),)
    text = TextQuery(("公園",), expansions=expansions)
    found = search.search(text)
    assert found.page.hits == 1
    assert found.query.boosts
    assert search.model_name(text, found, "v1") == f"{BM25_MODEL}+similar_words:v1"


def test_similar_words_rescue_a_query_that_found_nothing(search: TextSearch) -> None:
    expansions = (Expansion("ベンチ", "ソファ", 0.4),)
    found = search.search(TextQuery(("ベンチ",), expansions=expansions))
    assert found.page.hits == 1
    assert found.expanded
    assert search.search(TextQuery(("ベンチ",))).page.hits == 0


def test_similar_words_take_no_part_in_other_sorts_or_breed_queries(search: TextSearch) -> None:
    expansions = (Expansion("公園", "散歩", 0.4),)
    by_likes = TextQuery(("公園",), expansions=expansions, sort_by="like")
    found = search.search(by_likes)
    assert not found.query.boosts
    assert search.model_name(by_likes, found, "v1") is None
    breed = search.search(TextQuery(("柴犬",), expansions=(Expansion("柴犬", "ソファ", 0.4),)))
    assert not breed.query.boosts
    assert search.model_name(TextQuery(("柴犬",)), breed, "v1") == BM25_MODEL


def test_text_that_can_match_nothing_finds_nothing(search: TextSearch) -> None:
    found = search.search(TextQuery(("' OR ''='",)))
    assert found.page.hits == 0
    assert search.search(TextQuery(())).page.hits == 3


def test_a_word_read_as_a_typo_is_searched_as_typed_first(
    container: Container, factory: Factory, reindex: Callable[[], int]
) -> None:
    owner = factory.user("rider")
    horses = {factory.animal(owner, description=f"likes the horse {n}").id for n in range(3)}
    reindex()
    found = container.text_search.search(TextQuery(("horse",)))
    assert found.understood.corrected  # the vocabulary would read it as a typo…
    assert {hit.animal_id for hit in found.page.results} == horses  # …but it is a word here
    assert found.suggestion is None
