"""Word vectors (gensim FastText) trained on our corpus, and the similar-word dictionary.

The dictionary maps each frequent logged query phrase (in `phrase_key` form) to the
vocabulary words nearest to it, best first, as index terms the search index can match.
File format (read by `aianimals.search.expansion.SimilarWords.load`):
`{"version": str, "words": {phrase: [[word, similarity], ...]}}`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from aianimals.ml.text.corpus import Sentence, StepProgress
from aianimals.search.expansion import phrase_key

QueryTerms = Callable[[str], Sequence[str]]
Dictionary = dict[str, list[tuple[str, float]]]


@dataclass(frozen=True)
class FastTextParams:
    """Hyper-parameters for a corpus of ~10k short sentences (skip-gram, small vectors)."""

    vector_size: int = 64
    window: int = 8
    min_count: int = 2
    epochs: int = 15
    negative: int = 5
    min_n: int = 2
    max_n: int = 4
    bucket: int = 100_000
    seed: int = 20210521


class WordVectors(Protocol):
    """What the dictionary needs of trained vectors (gensim's `KeyedVectors`)."""

    def most_similar(self, positive: list[str], topn: int) -> list[tuple[str, float]]: ...


def train_word_vectors(
    sentences: Sequence[Sentence], params: FastTextParams, progress: StepProgress | None = None
) -> WordVectors:
    """FastText vectors; deterministic for a seed (one worker, no hash randomisation)."""
    from gensim.models import FastText  # type: ignore[import-untyped]
    from gensim.models.callbacks import CallbackAny2Vec  # type: ignore[import-untyped]

    class _EpochProgress(CallbackAny2Vec):  # type: ignore[misc]
        def __init__(self) -> None:
            self.epoch = 0

        def on_epoch_end(self, model: Any) -> None:
            self.epoch += 1
            if progress is not None:
                progress("training word vectors", self.epoch, params.epochs)

    model = FastText(
        vector_size=params.vector_size,
        window=params.window,
        min_count=params.min_count,
        sg=1,
        negative=params.negative,
        min_n=params.min_n,
        max_n=params.max_n,
        bucket=params.bucket,
        seed=params.seed,
        workers=1,
    )
    model.build_vocab(corpus_iterable=sentences)
    model.train(
        corpus_iterable=sentences,
        total_examples=len(sentences),
        epochs=params.epochs,
        callbacks=[_EpochProgress()],
    )
    vectors: WordVectors = model.wv
    return vectors


def top_phrases(phrase_lists: Iterable[Sequence[str]], n: int) -> list[str]:
    """The `n` most frequent phrases (in `phrase_key` form; ties by phrase), once per search."""
    counts = Counter(
        key for phrases in phrase_lists for key in {phrase_key(p) for p in phrases} if key
    )
    return [phrase for phrase, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))][
        :n
    ]


def similar_words(
    vectors: WordVectors, terms: QueryTerms, phrase: str, top_k: int, min_similarity: float
) -> list[tuple[str, float]]:
    """Up to `top_k` vocabulary words nearest to `phrase` (the mean of its terms' vectors).

    The phrase's own terms are excluded, and so is any word the analyzer would not keep
    as that single term (the index could not match it).
    """
    own = list(terms(phrase))
    if not own:
        return []
    found: list[tuple[str, float]] = []
    for word, similarity in vectors.most_similar(positive=own, topn=top_k * 3 + len(own)):
        if similarity < min_similarity or len(found) == top_k:
            break
        if word not in own and tuple(terms(word)) == (word,):
            found.append((word, round(float(similarity), 4)))
    return found


def build_dictionary(
    vectors: WordVectors,
    terms: QueryTerms,
    phrases: Sequence[str],
    *,
    top_k: int,
    min_similarity: float,
    progress: StepProgress | None = None,
) -> Dictionary:
    """Phrase → similar words, for every phrase that has any."""
    dictionary: Dictionary = {}
    for done, phrase in enumerate(phrases, start=1):
        words = similar_words(vectors, terms, phrase, top_k, min_similarity)
        if words:
            dictionary[phrase_key(phrase)] = words
        if progress is not None:
            progress("finding similar words", done, len(phrases))
    return dictionary


def dictionary_version(words: Dictionary, trained_at: datetime) -> str:
    """A timestamp and a short hash of the content: `20211231T120000Z-1a2b3c4d`."""
    content = json.dumps(words, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:8]
    return f"{trained_at:%Y%m%dT%H%M%SZ}-{digest}"


def dictionary_document(version: str, words: Dictionary) -> dict[str, Any]:
    """The JSON document `SimilarWords.load` reads."""
    return {"version": version, "words": {p: [[w, s] for w, s in ws] for p, ws in words.items()}}


def write_json_atomically(path: Path, document: object) -> None:
    """Write `document` to `path` via a temporary file and a rename, so readers never see
    a partial file (a running API may reload it at any time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        temporary = Path(handle.name)
        try:
            json.dump(document, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, path)


def params_dict(params: FastTextParams) -> dict[str, Any]:
    """The hyper-parameters, as stored beside the metrics."""
    return asdict(params)
