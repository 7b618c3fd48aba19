"""`sort_by=learn_to_rank`: the user's experiment arm re-orders the index's top candidates.

The index answers in its own (BM25) order; the arm's champion model re-scores the top
`candidates` with the trainer's feature functions, under a time budget that covers reading
the features and scoring. The control arm, a missing model, a timeout or an error all
serve the index order, and `model_name` always says which: `<experiment>:<arm>:<served>`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from aianimals.animals.queries import newest_visible_ids
from aianimals.core.clock import utcnow
from aianimals.core.model_holder import ModelHolder
from aianimals.ml.ltr.ranker import Ranker
from aianimals.ml.ltr.training import CHAMPION
from aianimals.ports.features.base import FeatureStore
from aianimals.ports.registry.factory import create_registry
from aianimals.ports.search.base import SearchHit, SearchPage
from aianimals.ports.sql.database import Database
from aianimals.ranking.experiments.arms import CONTROL_MODEL, Arm, Experiment, arm_label
from aianimals.ranking.features import IndexPlace, query_context
from aianimals.ranking.inputs import LiveInputs
from aianimals.ranking.serving import Candidate, LoadedRanker, Reranker, champion_holder
from aianimals.search.engine import TextQuery
from aianimals.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ranked:
    """The page re-ordered (or not) and what served it."""

    page: SearchPage
    model_name: str


class LearnedRanking:
    """The API process's learned ranking: experiment, champions, budget, text cache."""

    def __init__(
        self,
        *,
        experiment: Experiment,
        champions: Mapping[str, ModelHolder[LoadedRanker]],
        reranker: Reranker,
        analyze: Callable[[str], Iterable[str]],
        candidates: int,
        store: FeatureStore | None = None,
    ) -> None:
        self.experiment = experiment
        self.champions = champions
        self.reranker = reranker
        self.analyze = analyze
        self.candidates = candidates
        self.inputs = LiveInputs(analyze, store=store)

    def candidate_query(self, query: TextQuery) -> TextQuery:
        """The search whose results are re-ranked: top candidates in score order."""
        depth = max(self.candidates, query.offset + query.limit)
        return replace(query, sort_by="score", limit=depth, offset=0, seed=0)

    def rank(
        self, session: Session, user_id: str, query: TextQuery, index_page: SearchPage
    ) -> Ranked:
        """The requested slice of `index_page` (the candidate query's answer), re-ranked."""
        self.inputs.warm()
        arm = self.experiment.arm_for(user_id)
        holder = self.champions.get(arm.model) if arm.model is not None else None
        loaded = holder.current() if holder else None  # a due check is not the budget's
        started = time.perf_counter()
        hits = index_page.results
        served = CONTROL_MODEL
        if arm.model is not None:
            if loaded is None:
                served = f"{CONTROL_MODEL} (fallback: no model)"
            else:
                top = hits[: self.candidates]
                order = self._order(session, user_id, query, top, loaded.ranker, started)
                if isinstance(order, str):
                    served = f"{CONTROL_MODEL} (fallback: {order})"
                else:
                    hits = [top[i] for i in order] + hits[len(top) :]
                    served = loaded.label
        window = hits[query.offset : query.offset + query.limit]
        page = SearchPage(hits=index_page.hits, max_score=index_page.max_score, results=window)
        return Ranked(page, arm_label(self.experiment, arm, served))

    def _order(  # noqa: PLR0917
        self,
        session: Session,
        user_id: str,
        query: TextQuery,
        top: list[SearchHit],
        ranker: Ranker,
        started: float,
    ) -> list[int] | str:
        texts = self.inputs.texts(session, [hit.animal_id for hit in top])
        kept = [i for i, hit in enumerate(top) if hit.animal_id in texts]
        counters = self.inputs.counters(session, [top[i].animal_id for i in kept])
        candidates = [
            Candidate(
                text=texts[top[i].animal_id],
                counters=counters[top[i].animal_id],
                place=IndexPlace(top[i].score, i),
            )
            for i in kept
        ]
        context = query_context(
            self.analyze,
            phrases=query.phrases,
            expansions=query.expansions,
            filtered=query.category_id is not None or query.subcategory_id is not None,
            at=utcnow(),
        )
        profile = self.inputs.profile(session, user_id)
        left = self.reranker.budget_seconds - (time.perf_counter() - started)
        order = self.reranker.order(ranker, context, profile, candidates, left)
        if isinstance(order, str):
            return order
        hidden = set(range(len(top))) - set(kept)
        return [kept[i] for i in order] + sorted(hidden)

    def preload(self, database: Database, count: int, batch: int = 500) -> threading.Thread:
        """Analyse the `count` newest visible animals' texts in a background thread, so
        first searches do not spend their time budget on it; returns the thread.

        Never more than the text cache keeps: beyond that, loading more would evict what
        was just loaded (at a million animals, minutes of CPU taken from the searches).
        """

        def load() -> None:
            try:
                with database.session() as session:
                    limit = min(count, self.inputs.text_capacity)
                    ids = list(session.scalars(newest_visible_ids(limit)))
                    for start in range(0, len(ids), batch):
                        self.inputs.texts(session, ids[start : start + batch])
            except Exception:  # a cold cache is slower, never wrong
                logger.exception("could not preload the ranker's texts")

        thread = threading.Thread(target=load, name="ltr-preload", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop the scoring threads and the feature write-backs."""
        self.reranker.close()
        self.inputs.close()


def build_learned_ranking(
    settings: Settings,
    analyze: Callable[[str], Iterable[str]],
    store: FeatureStore | None = None,
) -> LearnedRanking:
    """The ranking `settings.ranking` describes; each arm's champion polled from the registry.

    Counters and profiles are read from `store` (the online feature store) when given.
    """
    ranking = settings.ranking
    experiment = Experiment(
        ranking.experiment,
        tuple(Arm(arm.name, arm.model, arm.weight) for arm in ranking.arms),
        salt=ranking.salt,
    )
    cache = settings.var_dir / "models" / "ltr"
    champions = {
        arm.model: champion_holder(
            lambda: create_registry(settings.registry, settings.var_dir),
            arm.model,
            CHAMPION,
            cache,
            ranking.reload_seconds,
        )
        for arm in experiment.arms
        if arm.model is not None
    }
    for holder in champions.values():
        holder.current()  # the first check, before the first search needs it
    return LearnedRanking(
        experiment=experiment,
        champions=champions,
        reranker=Reranker(ranking.budget_ms / 1000),
        analyze=analyze,
        candidates=ranking.candidates,
        store=store,
    )
