"""Where learn-to-rank reads from: the SQL store (logs, animals) and the text index."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from sqlalchemy.orm import Session

from aianimals.animals.service import animal_rows
from aianimals.ml.ltr.history import AnimalKinds
from aianimals.ml.ltr.judgements import JudgedSearch
from aianimals.ports.search.base import AnimalDocument
from aianimals.ranking.features import AnimalText, IndexPlace, animal_text
from aianimals.search.documents import document_of_row
from aianimals.search.engine import TextQuery, TextSearch
from aianimals.search.expansion import Expand

Analyze = Callable[[str], Iterable[str]]


def text_of(document: AnimalDocument, analyze: Analyze) -> AnimalText:
    """An index document's texts, analysed for the ranker."""
    return animal_text(
        analyze,
        animal_id=document.id,
        category_id=document.category_id,
        subcategory_id=document.subcategory_id,
        name=document.name,
        description=document.description,
        breed_names=(document.subcategory_name_ja, document.subcategory_name_en),
        category_names=(document.category_name_ja, document.category_name_en),
        created_at=document.created_at,
    )


def every_animal(session: Session) -> list[AnimalDocument]:
    """Every animal of the store, hidden ones included (they were shown once)."""
    return [document_of_row(row) for row in session.execute(animal_rows(None))]


def animal_kinds(documents: Iterable[AnimalDocument]) -> AnimalKinds:
    """Each animal's category and breed."""
    category: dict[str, int] = {}
    breed: dict[str, int] = {}
    for document in documents:
        category[document.id] = document.category_id
        breed[document.id] = document.subcategory_id
    return AnimalKinds(category=category, breed=breed)


def index_order(
    index: TextSearch, candidates: int, expand: Expand
) -> Callable[[JudgedSearch], Mapping[str, IndexPlace]]:
    """The index's top `candidates` for a search's phrases (expanded as the search route
    expands them) and filters, cached per query."""

    @lru_cache(maxsize=65_536)
    def places(
        phrases: tuple[str, ...], category_id: int | None, subcategory_id: int | None
    ) -> Mapping[str, IndexPlace]:
        query = TextQuery(
            phrases=phrases,
            expansions=expand(phrases),
            category_id=category_id,
            subcategory_id=subcategory_id,
            sort_by="score",
            limit=candidates,
        )
        page = index.search(query).page
        return {hit.animal_id: IndexPlace(hit.score, rank) for rank, hit in enumerate(page.results)}

    def order(search: JudgedSearch) -> Mapping[str, IndexPlace]:
        return places(search.phrases, search.category_id, search.subcategory_id)

    return order
