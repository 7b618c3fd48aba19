"""Pages of a tantivy search in the port's orders, the same from one page to the next.

tantivy ranks by one key (the score, or one fast field) and breaks its ties by document
address, which moves as segments merge. So each order fetches the first `offset + limit`
matches by its leading key, then every match tied with the last of them, and sorts these
candidates by the whole key, the animal id last:

    score       score desc, created desc, id
    like        like_key desc (likes, then created ms), created desc, id
    created_at  created desc, id
    random      the seed picks one of the `random_k` hashes and a rotation of it:
                hashes from the rotation up, then those below it; then id

Without clauses every score is 0, so `score` is `created_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import tantivy
from tantivy import DocAddress, FieldType, Occur, Order, Query

from aianimals.ports.search.base import SearchHit, SearchPage, SearchQuery
from aianimals.ports.search.tantivy_query import cover_shift, is_scored, zero
from aianimals.ports.search.tantivy_schema import RANDOM_KEYS, random_field

Key = tuple[float | int, ...]
_MASK64 = (1 << 64) - 1


@dataclass(frozen=True)
class Candidate:
    """A match that may be on the page; `key` ascending is the order (the id breaks ties)."""

    address: DocAddress
    key: Key
    score: float = 0.0


@dataclass(frozen=True)
class Best:
    """The best score over all matches of a query, and their number."""

    score: float
    count: int


MAX_CACHED_IDS = 200_000
"""Animal ids kept per reader generation (about 20 MB at most)."""
TIE_SCAN_LIMIT = 10_000
"""At most this many matches are read to put the ties at a page's end in order (newest, then
id); where more tie, the rest keep the index's own order, which a rebuild writes newest first."""
EXACT_TIES_UP_TO = 50_000
"""Ties at a page's end are put in order only when the query matches at most this many
animals: ordering them costs another pass of the whole query over its matches (for 「犬」 at
a million animals, 677,000 matches, about 70 ms a pass). Beyond it, equal keys keep the
index's order: stable from page to page, newest first as a rebuild writes them."""


def _location(address: DocAddress) -> tuple[int, int]:
    return address.segment_ord, address.doc


class Pager:
    """Orders the matches of one query on one searcher."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        schema: tantivy.Schema,
        ids: dict[tuple[int, int], str] | None = None,
    ) -> None:
        self.searcher = searcher
        self.schema = schema
        self._ids = {} if ids is None else ids
        """Animal ids by address: pass the same dict for every query on one searcher."""

    def page(self, match: Query, query: SearchQuery) -> SearchPage:
        offset, limit = max(query.offset, 0), max(query.limit, 0)
        # never ask tantivy to collect more than the index holds (it allocates for `wanted`)
        wanted = max(min(offset + limit, int(self.searcher.num_docs)), 1)
        scored = is_scored(query)
        best: float | None = None  # the best score overall, where the order is not by score
        if query.sort_by == "score" and scored:
            candidates, hits = self._by_score(match, wanted)
        elif query.sort_by == "random":
            # the pass that finds the best score also counts, for the part below the rotation
            counted = self._best(match) if scored else None
            best = counted.score if counted else None
            candidates, hits = self._random(match, wanted, query.seed, counted)
        else:
            # the ordered pass counts; the best score alone is one cheap top-1 search
            best = self._best_score(match) if scored else None
            if query.sort_by == "like":
                candidates, hits = self._by_likes(match, wanted)
            else:
                candidates, hits = self._by_created(match, wanted)
        page = self._ordered(candidates, offset, wanted)
        if not scored or not hits:
            max_score, scores = 0.0, [0.0] * len(page)
        else:
            if best is None:
                max_score = candidates[0].score if candidates else 0.0
                scores = [c.score for c in page]
            else:
                max_score = best
                scores = self._scores(match, page)
            shift = cover_shift(query)
            max_score += shift
            scores = [score + shift for score in scores]
        results = [
            SearchHit(self.animal_id(c.address), score)
            for c, score in zip(page, scores, strict=True)
        ]
        return SearchPage(hits=hits, max_score=max_score, results=results)

    def animal_id(self, address: DocAddress) -> str:
        location = _location(address)
        animal_id = self._ids.get(location)
        if animal_id is None:
            if len(self._ids) >= MAX_CACHED_IDS:
                self._ids.clear()
            animal_id = self._ids[location] = str(self.searcher.doc(address)["id"][0])
        return animal_id

    # -- candidates per order ----------------------------------------------------------

    def _by_score(self, match: Query, wanted: int) -> tuple[list[Candidate], int]:
        """The best `wanted` by score, and all that tie with the last of them that could
        be on the page: those at least as new as the newest tied ones tantivy returned."""
        # one more than wanted: when it scores below the last, no tie crosses the page's end
        result = self.searcher.search(match, wanted + 1, count=True)
        hits, count = list(result.hits), _total(result)
        crossing = len(hits) > wanted and hits[wanted][0] == hits[wanted - 1][0]
        hits = hits[:wanted]
        if crossing and count <= EXACT_TIES_UP_TO:
            last = hits[-1][0]
            tied = [address for score, address in hits if score == last]
            floor = min(int(v or 0) for v in self.searcher.fast_field_values("created", tied))
            newer = self._range(match, "created", FieldType.Integer, floor, None)
            limit = wanted
            while True:
                more = self.searcher.search(newer, limit, count=False).hits
                if len(more) < limit or more[-1][0] < last or limit >= TIE_SCAN_LIMIT:
                    break
                limit = min(limit * 4, TIE_SCAN_LIMIT)
            hits = [hit for hit in hits if hit[0] > last] + [hit for hit in more if hit[0] == last]
        created = self._created([address for _, address in hits])
        candidates = [
            Candidate(address, (-score, -when), score)
            for (score, address), when in zip(hits, created, strict=True)
        ]
        return candidates, count

    def _by_likes(self, match: Query, wanted: int) -> tuple[list[Candidate], int]:
        hits, count = self._top(match, "like_key", FieldType.Unsigned, Order.Desc, wanted)
        created = self._created([address for _, address in hits])
        return [
            Candidate(address, (-key, -when))
            for (key, address), when in zip(hits, created, strict=True)
        ], count

    def _by_created(self, match: Query, wanted: int) -> tuple[list[Candidate], int]:
        hits, count = self._top(match, "created", FieldType.Integer, Order.Desc, wanted)
        return [Candidate(address, (-key,)) for key, address in hits], count

    def _random(
        self, match: Query, wanted: int, seed: int, best: Best | None
    ) -> tuple[list[Candidate], int]:
        field, rotation = random_order(seed)
        upper = self._range(match, field, FieldType.Unsigned, rotation, None)
        hits, count = self._top(upper, field, FieldType.Unsigned, Order.Asc, wanted)
        candidates = [Candidate(address, (0, key)) for key, address in hits]
        if rotation == 0:
            return candidates, count
        lower = self._range(match, field, FieldType.Unsigned, None, rotation - 1)
        if wanted <= count:  # the page is above the rotation: only count the rest
            if best is not None:  # counted already, by the pass that found the best score
                return candidates, best.count
            # ordered by a fast field, tantivy counts without scoring (a third of the cost)
            below = self.searcher.search(lower, 1, count=True, order_by_field=field)
            return candidates, count + _total(below)
        rest, more = self._top(lower, field, FieldType.Unsigned, Order.Asc, wanted - count)
        candidates.extend(Candidate(address, (1, key)) for key, address in rest)
        return candidates, count + more

    # -- helpers ---------------------------------------------------------------------------

    def _top(
        self,
        match: Query,
        field: str,
        kind: FieldType,
        order: Order,
        wanted: int,
    ) -> tuple[list[tuple[int, DocAddress]], int]:
        """The first `wanted` by `field`, plus every match whose value ties with the last,
        and how many match (ordered by a field, tantivy reads every match anyway)."""
        # one more than wanted: when its value differs from the last, no tie crosses the
        # page's end and the tied group need not be read (keys rarely tie but for scores)
        result = self.searcher.search(
            match, wanted + 1, count=True, order_by_field=field, order=order
        )
        hits = [(int(key), address) for key, address in result.hits]
        count = _total(result)
        crossing = len(hits) > wanted and hits[wanted][0] == hits[wanted - 1][0]
        hits = hits[:wanted]
        if not crossing or count > EXACT_TIES_UP_TO:
            return hits, count
        last = hits[-1][0]
        tied = self._range(match, field, kind, last, last)
        group = self.searcher.search(tied, wanted, count=True)
        if len(group.hits) < _total(group) and len(group.hits) < TIE_SCAN_LIMIT:
            group = self.searcher.search(tied, min(_total(group), TIE_SCAN_LIMIT))
        return [hit for hit in hits if hit[0] != last] + [(last, a) for _, a in group.hits], count

    def _range(
        self, match: Query, field: str, kind: FieldType, low: int | None, high: int | None
    ) -> Query:
        within = Query.range_query(self.schema, field, kind, low, high)
        return Query.boolean_query([(Occur.Must, match), (Occur.Must, zero(within))])

    def _created(self, addresses: Sequence[DocAddress]) -> list[int]:
        if not addresses:
            return []
        return [int(v or 0) for v in self.searcher.fast_field_values("created", list(addresses))]

    def _ordered(self, candidates: list[Candidate], offset: int, wanted: int) -> list[Candidate]:
        """Candidates [offset, wanted) in key order, equal keys by animal id."""
        candidates.sort(key=lambda c: c.key)
        ordered: list[Candidate] = []
        start = 0
        while start < len(candidates) and start < wanted:
            end = start + 1
            while end < len(candidates) and candidates[end].key == candidates[start].key:
                end += 1
            group = candidates[start:end]
            if end > offset and len(group) > 1:
                group.sort(key=lambda c: self.animal_id(c.address))
            ordered.extend(group)
            start = end
        return ordered[offset:wanted]

    def _best(self, match: Query) -> Best:
        """The best score of all matches, and how many there are: one scored pass."""
        result = self.searcher.search(match, 1, count=True)
        score = float(result.hits[0][0]) if result.hits else 0.0
        return Best(score, _total(result))

    def _best_score(self, match: Query) -> float:
        """The best score of all matches (not counting them lets tantivy skip blocks of
        postings that cannot beat the best so far)."""
        result = self.searcher.search(match, 1, count=False)
        return float(result.hits[0][0]) if result.hits else 0.0

    def _scores(self, match: Query, page: Sequence[Candidate]) -> list[float]:
        """The scores of these matches (one query restricted to their ids)."""
        if not page:
            return []
        ids = [self.animal_id(c.address) for c in page]
        these = Query.term_set_query(self.schema, "id", ids)
        query = Query.boolean_query([(Occur.Must, match), (Occur.Must, zero(these))])
        found = {
            _location(address): float(score)
            for score, address in self.searcher.search(query, len(ids), count=False).hits
        }
        return [found.get(_location(c.address), 0.0) for c in page]


def _total(result: tantivy.SearchResult) -> int:
    """How many documents matched (`count=True`; tantivy's type stub omits the attribute)."""
    return int(getattr(result, "count", 0) or 0)


def random_order(seed: int) -> tuple[str, int]:
    """The hash field and rotation of a seed (splitmix64, so near seeds differ)."""
    x = (seed * 0x9E3779B97F4A7C15 + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    x ^= x >> 31
    return random_field(x % RANDOM_KEYS), (x >> 32) & 0xFFFF_FFFF
