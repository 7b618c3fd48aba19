"""`POST /v0/animal/search/similar`: visible animals whose photos look like this one's.

The neighbours come from the ANN index in similarity order and keep it; the query animal
is excluded by the index, hidden animals by the store read that hydrates every answer.
Neighbour lists are cached under the index version, so a rebuild or any write that moves
the version never serves a stale list.
"""

from __future__ import annotations

from pydantic import TypeAdapter
from pydantic_core import to_json
from sqlalchemy.orm import Session

from aianimals.access_logs.impressions import Shown
from aianimals.animals.service import AnimalService
from aianimals.core.ids import new_id
from aianimals.images.embeddings import Vector, load_embedding
from aianimals.ports.cache.json_cache import JsonCache
from aianimals.ports.vectors.base import VectorIndex
from aianimals.search.service import SearchAnswer, encode_response
from aianimals.users.models import User

SORT_BY = "image_similarity"
SIMILAR_NAMESPACE = "similar"
OVERFETCH = 16
"""Extra neighbours asked for, so that hidden ones dropped at hydration leave a full page."""
_NEIGHBOURS: TypeAdapter[list[tuple[str, float]]] = TypeAdapter(list[tuple[str, float]])


class SimilarService:
    """Similar-image search in the search route's wire shape."""

    def __init__(
        self,
        session: Session,
        *,
        index: VectorIndex,
        cache: JsonCache,
        model_version: str,
        limit: int,
    ) -> None:
        self.session = session
        self.index = index
        self.cache = cache
        self.model_version = model_version
        self.limit = limit

    def similar(self, animal_id: str, viewer: User) -> SearchAnswer:
        """The page for `animal_id`; 404 when it does not exist or is hidden from the viewer."""
        AnimalService(self.session).get(animal_id, viewer)
        stored = load_embedding(self.session, animal_id, self.model_version)
        neighbours = (
            self.cache.get_or_compute(
                SIMILAR_NAMESPACE,
                f"{self.model_version}:{self.index.version}:{animal_id}:{self.limit}",
                lambda: self._neighbours(animal_id, stored.vector),
                _NEIGHBOURS,
            )
            if stored is not None
            else []  # not embedded yet (posted moments ago): nothing to compare with
        )
        animals = AnimalService(self.session).wire_many([found for found, _ in neighbours])
        kept = [(found, score) for found, score in neighbours if found in animals][: self.limit]
        search_id = new_id()
        body = encode_response(
            hits=len(kept),
            max_score=kept[0][1] if kept else 0.0,
            results=[to_json({**animals[found], "score": score}) for found, score in kept],
            offset=0,
            search_id=search_id,
            sort_by=SORT_BY,
            model_name=self.model_version,
        )
        shown = [
            Shown(search_id, position, found, SORT_BY, self.model_version)
            for position, (found, _) in enumerate(kept)
        ]
        return SearchAnswer(body, shown)

    def _neighbours(self, animal_id: str, vector: Vector) -> list[tuple[str, float]]:
        found = self.index.search(vector, self.limit + OVERFETCH, exclude=(animal_id,))
        return [(neighbour_id, float(score)) for neighbour_id, score in found]
