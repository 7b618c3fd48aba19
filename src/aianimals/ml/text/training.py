"""`aianimals train similar-words` as a chain of typed steps:
load → corpus → train → dictionary → evaluate → write.

With evaluation, the last `holdout` share of searches (by first event time) is held out:
the dictionary is trained on the earlier logs only, then judged on the held-out searches
over a scratch search index built from the store. Without it, all logs are used.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aianimals.core.clock import utcnow
from aianimals.ml.evaluation.recall import time_split
from aianimals.ml.evaluation.retrieval import ExpansionComparison, compare_expansion, evaluable
from aianimals.ml.text.corpus import (
    AnimalText,
    BreedNames,
    LoggedSearch,
    StepProgress,
    animal_texts,
    breed_names,
    build_corpus,
    logged_searches,
)
from aianimals.ml.text.similar_words import (
    Dictionary,
    FastTextParams,
    build_dictionary,
    dictionary_document,
    dictionary_version,
    params_dict,
    top_phrases,
    train_word_vectors,
    write_json_atomically,
)
from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.factory import create_search_index
from aianimals.ports.sql.database import Database
from aianimals.search.documents import all_documents, visible_count
from aianimals.search.engine import TextSearch
from aianimals.search.expansion import SimilarWords
from aianimals.search.understanding import QueryBuilder
from aianimals.settings import SearchSettings

METRICS_SUFFIX = ".metrics.json"


@dataclass(frozen=True)
class TrainOptions:
    """What to train and whether to evaluate it."""

    top_phrases: int = 200
    top_k: int = 10
    min_similarity: float = 0.6
    holdout: float = 0.2
    evaluate: bool = True
    params: FastTextParams = field(default_factory=FastTextParams)


@dataclass(frozen=True)
class StoreData:
    """Everything the trainer reads from the SQL store."""

    animals: list[AnimalText]
    breeds: list[BreedNames]
    searches: list[LoggedSearch]


@dataclass(frozen=True)
class TrainReport:
    """What one run produced, and how long each step took."""

    dictionary_path: Path
    version: str
    phrases: int
    sentences: int
    train_searches: int
    comparison: ExpansionComparison | None
    seconds: dict[str, float]

    @property
    def metrics_path(self) -> Path:
        """Where the metrics lie, next to the dictionary."""
        return metrics_path(self.dictionary_path)

    @property
    def installed(self) -> bool:
        """Whether the dictionary is put to use: unevaluated, or better than no expansion."""
        return self.comparison is None or self.comparison.helps


def metrics_path(dictionary_path: Path) -> Path:
    """`similar_words.json` → `similar_words.metrics.json`."""
    return dictionary_path.with_name(dictionary_path.stem + METRICS_SUFFIX)


@dataclass(frozen=True)
class TextSources:
    """What training reads: the store, the analyzer and query builder search runs with, and
    the search settings (expansion weight and size)."""

    database: Database
    analyzer: Analyzer
    builder: QueryBuilder
    search: SearchSettings


def load_store(database: Database) -> StoreData:
    """Animal texts, breed names and every logged search."""
    with database.session() as session:
        return StoreData(animal_texts(session), breed_names(session), logged_searches(session))


def evaluate_dictionary(
    sources: TextSources,
    searches: Sequence[LoggedSearch],
    words: SimilarWords,
    progress: StepProgress | None = None,
) -> ExpansionComparison:
    """Held-out searches over a scratch embedded index of the store's visible animals."""
    settings = sources.search
    with tempfile.TemporaryDirectory(prefix="similar-words-eval-") as scratch:
        index = create_search_index(SearchSettings(path=Path(scratch)), sources.analyzer)
        try:
            with sources.database.session() as session:
                total = visible_count(session)
                index.rebuild(
                    all_documents(session),
                    total,
                    None if progress is None else lambda d, t: progress("indexing animals", d, t),
                )
            return compare_expansion(
                TextSearch(index, sources.builder),
                evaluable(searches),
                words,
                weight=settings.expansion_weight,
                limit=settings.expansion_words,
                progress=progress,
            )
        finally:
            close = getattr(index, "close", None)
            if callable(close):
                close()


def train_similar_words(
    sources: TextSources,
    output: Path,
    options: TrainOptions,
    progress: StepProgress | None = None,
) -> TrainReport:
    """Train, (evaluate,) and write the dictionary and its metrics atomically to `output`."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    data = load_store(sources.database)
    holdout = options.holdout if options.evaluate else 0.0
    train, held_out = time_split(data.searches, holdout)
    phrase_lists = [s.phrases for s in train]
    corpus = build_corpus(
        sources.analyzer.analyze, data.animals, data.breeds, phrase_lists, progress
    )
    seconds["load_and_analyse"] = time.perf_counter() - started
    mark = time.perf_counter()
    vectors = train_word_vectors(corpus, options.params, progress)
    words = build_dictionary(
        vectors,
        sources.analyzer.query_terms,
        top_phrases(phrase_lists, options.top_phrases),
        top_k=options.top_k,
        min_similarity=options.min_similarity,
        progress=progress,
    )
    seconds["train"] = time.perf_counter() - mark
    version = dictionary_version(words, utcnow())
    comparison = None
    if options.evaluate:
        mark = time.perf_counter()
        comparison = evaluate_dictionary(sources, held_out, SimilarWords(version, words), progress)
        seconds["evaluate"] = time.perf_counter() - mark
    report = TrainReport(output, version, len(words), len(corpus), len(train), comparison, seconds)
    _write(report, words, options)
    return report


def _write(report: TrainReport, words: Dictionary, options: TrainOptions) -> None:
    """The metrics first, then the dictionary (what a reloading API picks up) — or, when the
    held-out searches show that expansion does not help, no dictionary at all: search then
    runs without expansion (an older dictionary is removed, it was measured the same way)."""
    if report.comparison is None:
        report.metrics_path.unlink(missing_ok=True)
    else:
        write_json_atomically(report.metrics_path, metrics_document(report, options))
    if report.installed:
        write_json_atomically(report.dictionary_path, dictionary_document(report.version, words))
    else:
        report.dictionary_path.unlink(missing_ok=True)


def metrics_document(report: TrainReport, options: TrainOptions) -> dict[str, Any]:
    """The evaluation, with what produced it."""
    comparison = report.comparison
    return {
        "version": report.version,
        "installed": report.installed,
        "evaluation": None if comparison is None else asdict(comparison),
        "holdout": options.holdout,
        "train_searches": report.train_searches,
        "sentences": report.sentences,
        "phrases": report.phrases,
        "top_phrases": options.top_phrases,
        "top_k": options.top_k,
        "min_similarity": options.min_similarity,
        "fasttext": params_dict(options.params),
        "seconds": {step: round(s, 2) for step, s in report.seconds.items()},
    }
