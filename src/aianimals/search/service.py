"""Search use case: analyse → index → hydrate from the store → record what was shown."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from pydantic_core import to_json
from sqlalchemy.orm import Session

from aianimals.access_logs.impressions import Shown
from aianimals.animals.service import AnimalService
from aianimals.categories.schemas import CategoryFilter, SubcategoryFilter
from aianimals.categories.service import CategoryService
from aianimals.core.ids import new_id
from aianimals.observability.metrics import SearchTimer
from aianimals.ports.cache.json_cache import JsonCache
from aianimals.ports.search.base import SearchPage, SearchQuery, SortKey
from aianimals.search.correction import correction
from aianimals.search.engine import TextQuery, TextSearch
from aianimals.search.expansion import SimilarWords
from aianimals.search.schemas import AnimalSearchRequest, SearchSort
from aianimals.settings import SearchSettings

if TYPE_CHECKING:
    from aianimals.ranking.learned import LearnedRanking

SEARCH_NAMESPACE = "search"
"""Cache namespace of index pages; the indexer invalidates it on every change."""
CORRECTION_RESULTS = 10
"""A typo in a query is corrected by the words of at most this many first results."""


@dataclass(frozen=True)
class SearchAnswer:
    """A response body, JSON-encoded once in `AnimalSearchResponse`'s shape, and the
    impressions to record for it."""

    body: bytes
    shown: list[Shown]


class SearchService:
    """Searches the index and answers in the reference's wire shape."""

    def __init__(
        self,
        session: Session,
        *,
        text_search: TextSearch,
        cache: JsonCache,
        settings: SearchSettings,
        similar_words: SimilarWords | None,
        cache_ttl: float,
        learned: Callable[[], LearnedRanking] | None = None,
    ) -> None:
        self.session = session
        self.text_search = text_search
        self.index = text_search.index
        self.cache = cache
        self.settings = settings
        self.similar_words = similar_words
        self.cache_ttl = cache_ttl
        self.learned = learned

    def search(
        self, request: AnimalSearchRequest, *, limit: int, offset: int, user_id: str = ""
    ) -> SearchAnswer:
        """A page of visible animals, encoded as JSON, and the impressions to record for it."""
        timer = SearchTimer()
        text = self._text_query(request, limit=limit, offset=offset)
        sort_by: str = text.sort_by
        model_name: str | None
        if request.sort_by == SearchSort.learn_to_rank and self.learned is not None:
            learned = self.learned()
            found = self.text_search.search(learned.candidate_query(text), self._page)
            ranked = learned.rank(self.session, user_id, text, found.page)
            page, model_name, sort_by = ranked.page, ranked.model_name, request.sort_by.value
        else:
            found = self.text_search.search(text, self._page)
            page = found.page
            version = self.similar_words.version if self.similar_words else None
            model_name = self.text_search.model_name(text, found, version)
        # Read from the store on every request (never cached): a hidden animal vanishes at
        # once and like counts are live, whatever the cached index page says.
        animals = AnimalService(self.session).wire_many([hit.animal_id for hit in page.results])
        visible = [hit for hit in page.results if hit.animal_id in animals]
        results = [to_json({**animals[hit.animal_id], "score": hit.score}) for hit in visible]
        suggestion = found.suggestion
        if suggestion is None and found.forgiven:
            suggestion = correction(found.understood, _texts(animals[h.animal_id] for h in visible))
        search_id = new_id()
        body = encode_response(
            hits=page.hits,
            max_score=page.max_score,
            results=results,
            offset=offset,
            search_id=search_id,
            sort_by=sort_by,
            model_name=model_name,
            did_you_mean=suggestion,
        )
        shown = [
            Shown(search_id, offset + position, hit.animal_id, sort_by, model_name)
            for position, hit in enumerate(visible)
        ]
        timer.done(sort_by, model_name)
        return SearchAnswer(body, shown)

    def _text_query(self, request: AnimalSearchRequest, *, limit: int, offset: int) -> TextQuery:
        phrases = tuple(phrase for phrase in request.phrases if phrase)
        expansions = (
            self.similar_words.expansions(
                phrases, self.settings.expansion_weight, self.settings.expansion_words
            )
            if self.similar_words and phrases
            else ()
        )
        return TextQuery(
            phrases=phrases,
            expansions=expansions,
            category_id=self._category_id(request),
            subcategory_id=self._subcategory_id(request),
            # learn_to_rank re-orders the index's own (score) order
            sort_by=_index_sort(request.sort_by),
            limit=limit,
            offset=offset,
            seed=secrets.randbits(31) if request.sort_by == "random" else 0,
        )

    def _page(self, query: SearchQuery) -> SearchPage:
        if query.sort_by == "random":  # a fresh order each time: never cached
            return self.index.search(query)
        return self.cache.get_or_compute(
            SEARCH_NAMESPACE,
            page_key(query),
            lambda: self._fresh_page(query),
            _page_adapter(),
            self.cache_ttl,
        )

    def _fresh_page(self, query: SearchQuery) -> SearchPage:
        """The page after every write behind the cache generation the reader took: a page
        kept for the cache's TTL must not come from an index a moment behind the indexer."""
        self.index.refresh()
        return self.index.search(query)

    def _category_id(self, request: AnimalSearchRequest) -> int | None:
        en, ja = request.animal_category_name_en, request.animal_category_name_ja
        if en is None and ja is None:
            return None
        found = CategoryService(self.session).list_categories(
            CategoryFilter(name_en=en, name_ja=ja)
        )
        return found[0].id if found else NO_SUCH_ID

    def _subcategory_id(self, request: AnimalSearchRequest) -> int | None:
        en, ja = request.animal_subcategory_name_en, request.animal_subcategory_name_ja
        if en is None and ja is None:
            return None
        breeds = CategoryService(self.session).list_subcategories(
            SubcategoryFilter(name_en=en, name_ja=ja)
        )
        return breeds[0].id if breeds else NO_SUCH_ID


def page_key(query: SearchQuery) -> str:
    """The cache key of an index page, the same in every process that shares the cache.

    The query is frozen dataclasses of tuples, strings and numbers, so its repr is fixed by
    its values (no sets, no salted hashes) and costs a tenth of encoding it as JSON."""
    return hashlib.sha256(repr(query).encode()).hexdigest()


NO_SUCH_ID = -1
"""The filter of a category or breed name nobody has: like any filter, it matches nothing."""


def _texts(animals: Iterable[dict[str, Any]]) -> Iterator[str]:
    """What a typo in a query may have meant, on the first results: names, breeds, texts."""
    for animal in itertools.islice(animals, CORRECTION_RESULTS):
        yield animal["name"]
        yield animal["animal_subcategory_name_en"].replace("_", " ")
        yield animal["animal_subcategory_name_ja"]
        yield animal["description"]


def _index_sort(sort: SearchSort) -> SortKey:
    """The index order behind a requested sort (learn_to_rank re-orders the score order)."""
    index_sorts: dict[SearchSort, SortKey] = {
        SearchSort.score: "score",
        SearchSort.like: "like",
        SearchSort.created_at: "created_at",
        SearchSort.random: "random",
        SearchSort.learn_to_rank: "score",
    }
    return index_sorts[sort]


def encode_response(
    *,
    hits: int,
    max_score: float,
    results: list[bytes],
    offset: int,
    search_id: str,
    sort_by: str,
    model_name: str | None,
    did_you_mean: str | None = None,
) -> bytes:
    """`AnimalSearchResponse`'s JSON from already-encoded results, fields in its order.

    The bytes are those `AnimalSearchResponse.model_dump_json()` gives (a test holds this
    to the model), without building and validating 100 models per request.
    """
    fields = (
        (b"hits", to_json(hits)),
        (b"max_score", to_json(max_score)),
        (b"results", b"[" + b",".join(results) + b"]"),
        (b"offset", to_json(offset)),
        (b"search_id", to_json(search_id)),
        (b"sort_by", to_json(sort_by)),
        (b"model_name", to_json(model_name)),
        (b"did_you_mean", to_json(did_you_mean)),
    )
    return b"{" + b",".join(b'"' + name + b'":' + value for name, value in fields) + b"}"


@cache
def _page_adapter() -> TypeAdapter[SearchPage]:
    return TypeAdapter(SearchPage)
