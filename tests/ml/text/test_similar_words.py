from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aianimals.access_logs.models import AccessLog
from aianimals.core.ids import new_id
from aianimals.ml.cli import app
from aianimals.ml.evaluation.recall import RetrievalMetrics
from aianimals.ml.evaluation.retrieval import ExpansionComparison
from aianimals.ml.text.corpus import animal_texts, breed_names, build_corpus, logged_searches
from aianimals.ml.text.similar_words import (
    FastTextParams,
    build_dictionary,
    dictionary_document,
    similar_words,
    top_phrases,
    train_word_vectors,
    write_json_atomically,
)
from aianimals.roles.container import Container
from aianimals.search.expansion import SimilarWords
from tests.factories import Factory

PARAMS = FastTextParams(vector_size=16, window=4, min_count=1, epochs=30, bucket=2_000, seed=7)
WALK = ["犬", "公園", "リード", "元気"]
SLEEP = ["猫", "ソファ", "毛布", "静か"]


def _sentences() -> list[list[str]]:
    """散歩 and walk share the walking contexts; 寝る lives among the sleeping ones."""
    sentences = []
    for i in range(60):
        shift = i % 4
        walk = WALK[shift:] + WALK[:shift]
        sleep = SLEEP[shift:] + SLEEP[:shift]
        sentences += [[*walk[:2], "散歩", *walk[2:]], [*walk[:2], "walk", *walk[2:]]]
        sentences.append([*sleep[:2], "寝る", *sleep[2:]])
    return sentences


class FakeVectors:
    def most_similar(self, positive: list[str], topn: int) -> list[tuple[str, float]]:
        return [("散歩", 0.99), ("walking", 0.9), ("walk", 0.8), ("公園", 0.7), ("猫", 0.2)][:topn]


def _terms(text: str) -> tuple[str, ...]:
    return tuple(text.replace("walking", "walk").split())


def test_training_is_deterministic_for_a_seed() -> None:
    first = train_word_vectors(_sentences(), PARAMS).most_similar(positive=["散歩"], topn=5)
    second = train_word_vectors(_sentences(), PARAMS).most_similar(positive=["散歩"], topn=5)
    assert first == second


def test_words_sharing_contexts_become_similar() -> None:
    vectors = train_word_vectors(_sentences(), PARAMS)
    ranked = [word for word, _ in vectors.most_similar(positive=["散歩"], topn=10)]
    assert ranked.index("walk") < ranked.index("寝る")
    assert ranked.index("walk") < ranked.index("毛布")


def test_similar_words_exclude_own_terms_and_words_the_index_cannot_match() -> None:
    words = similar_words(FakeVectors(), _terms, "散歩", top_k=10, min_similarity=0.5)
    assert words == [("walk", 0.8), ("公園", 0.7)]
    assert similar_words(FakeVectors(), _terms, "散歩", top_k=1, min_similarity=0.5) == [
        ("walk", 0.8)
    ]
    assert similar_words(FakeVectors(), _terms, "   ", top_k=3, min_similarity=0.5) == []


def test_top_phrases_count_each_search_once_in_phrase_key_form() -> None:
    searches = [["散歩", " 散歩"], ["ＷＡＬＫ"], ["walk"], ["猫"], []]
    assert top_phrases(searches, 2) == ["walk", "散歩"]


def test_dictionary_round_trips_through_similar_words_load(tmp_path: Path) -> None:
    words = build_dictionary(FakeVectors(), _terms, ["ＳＡＮＰＯ "], top_k=3, min_similarity=0.5)
    assert list(words) == ["sanpo"]
    path = tmp_path / "models" / "similar_words.json"
    write_json_atomically(path, dictionary_document("v1", words))
    loaded = SimilarWords.load(path)
    assert loaded is not None
    assert loaded.version == "v1"
    assert loaded.words == {"sanpo": [("散歩", 0.99), ("walk", 0.8), ("公園", 0.7)]}
    assert [e.word for e in loaded.expansions(["Sanpo"], 0.5, 1)] == ["散歩"]
    assert [p.name for p in path.parent.iterdir()] == ["similar_words.json"]


def _log_searches(container: Container, factory: Factory) -> None:
    """Shiba walks (散歩 / さんぽ / walk) and cat naps, searched over 30 minutes."""
    owner = factory.user()
    walkers = [
        factory.animal(owner, name=f"ポチ{i}", description=f"{word}が大好き。公園でリードを引く")
        for i, word in enumerate(["散歩", "お散歩", "walk in the park"] * 4)
    ]
    sleepers = [
        factory.animal(
            owner,
            category_id=1,
            subcategory_id=1,
            name=f"タマ{i}",
            description="ソファで寝ている。毛布が好き",
        )
        for i in range(6)
    ]
    start = datetime(2021, 7, 1, 12)
    with container.database.session() as session:
        for i in range(30):
            animal = (walkers if i % 2 else sleepers)[i % 6]
            phrases = ["散歩"] if i % 2 else ["寝る", "ソファ"]
            session.add(
                AccessLog(
                    id=new_id(),
                    search_id=f"search{i:02d}",
                    phrases=phrases,
                    sort_by="score",
                    user_id=owner.id,
                    likes=0,
                    animal_id=animal.id,
                    action="select",
                    created_at=start + timedelta(minutes=i),
                )
            )
        session.commit()


def test_corpus_holds_animal_breed_and_query_sentences(
    container: Container, factory: Factory
) -> None:
    _log_searches(container, factory)
    with container.database.session() as session:
        searches = logged_searches(session)
        corpus = build_corpus(
            container.analyzer.analyze,
            animal_texts(session),
            breed_names(session),
            [s.phrases for s in searches],
        )
    assert [s.search_id for s in searches] == [f"search{i:02d}" for i in range(30)]
    assert all(len(s.clicked) == 1 for s in searches)
    assert any({"散歩", "柴犬", "犬"} <= set(sentence) for sentence in corpus)
    assert ["寝る", "ソファー"] in corpus


@pytest.mark.committed  # the command builds a container (and connections) of its own
def test_cli_trains_evaluates_and_writes_dictionary_and_metrics(
    container: Container, factory: Factory
) -> None:
    _log_searches(container, factory)
    output = container.settings.var_dir / "models" / "similar_words.json"
    args = ["similar-words", "--top-phrases", "5", "--min-similarity", "0", "--output"]
    result = CliRunner().invoke(app, [*args, str(output)], obj=container.settings)
    assert result.exit_code == 0, result.output
    assert "recall@100" in result.output
    metrics = json.loads(output.with_name("similar_words.metrics.json").read_text("utf-8"))
    assert metrics["evaluation"]["with_expansion"]["searches"] == 6
    assert metrics["train_searches"] == 24
    plain = metrics["evaluation"]["without_expansion"]
    expanded = metrics["evaluation"]["with_expansion"]
    helps = (expanded["recall"], -expanded["zero_hit_share"]) > (
        plain["recall"],
        -plain["zero_hit_share"],
    )
    assert metrics["installed"] is helps
    loaded = SimilarWords.load(output)
    if not helps:  # measured, and not put to use
        assert loaded is None
        assert "not installed" in result.output
        return
    assert loaded is not None
    assert set(loaded.words) <= {"散歩", "寝る", "ソファ"}
    assert loaded.words
    assert metrics["version"] == loaded.version


def test_a_dictionary_is_installed_only_when_it_beats_no_expansion() -> None:
    def compared(recall: tuple[float, float], zero: tuple[float, float]) -> ExpansionComparison:
        return ExpansionComparison(
            k=100,
            without_expansion=RetrievalMetrics(10, recall[0], zero[0], 5.0),
            with_expansion=RetrievalMetrics(10, recall[1], zero[1], 6.0),
            expanded_searches=4,
        )

    assert compared((0.5, 0.6), (0.1, 0.1)).helps
    assert not compared((0.6, 0.5), (0.1, 0.0)).helps
    assert compared((0.5, 0.5), (0.1, 0.05)).helps
    assert not compared((0.5, 0.5), (0.1, 0.1)).helps


@pytest.mark.committed  # the command builds a container (and connections) of its own
def test_cli_without_evaluation_trains_on_every_search(
    container: Container, factory: Factory
) -> None:
    _log_searches(container, factory)
    args = ["similar-words", "--no-evaluate", "--top-phrases", "2", "--min-similarity", "0"]
    result = CliRunner().invoke(app, args, obj=container.settings)
    assert result.exit_code == 0, result.output
    path = container.settings.search.similar_words_path
    assert SimilarWords.load(path) is not None
    assert not path.with_name("similar_words.metrics.json").exists()
