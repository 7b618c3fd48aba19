"""The metric helpers: search labels, model versions in service, inference timing, label
bounds, violation counts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aianimals.observability.metrics import (
    OTHER,
    REGISTRY,
    BoundedLabel,
    observe_violation,
    search_labels,
    timed_inference,
)
from aianimals.observability.models import ModelVersions


@pytest.mark.parametrize(
    ("sort_by", "model_name", "labels"),
    [
        ("like", None, ("none", "index")),
        ("score", "bm25", ("bm25", "index")),
        ("score", "bm25+similar_words:2024-06-01T00:00", ("bm25+similar_words", "index")),
        ("learn_to_rank", "ltr-1:lambdarank:ltr-lambdarank@v3", ("lambdarank", "model")),
        ("learn_to_rank", "ltr-1:control:bm25", ("control", "index")),
        ("learn_to_rank", "ltr-1:arm:bm25 (fallback: timeout)", ("arm", "fallback_timeout")),
        ("learn_to_rank", "ltr-1:arm:bm25 (fallback: no model)", ("arm", "fallback_no_model")),
        ("learn_to_rank", "ltr-1:arm:bm25 (fallback: surprise)", ("arm", OTHER)),
    ],
)
def test_search_labels_name_the_arm_without_versions(
    sort_by: str, model_name: str | None, labels: tuple[str, str]
) -> None:
    assert search_labels(sort_by, model_name) == labels


def test_bounded_label_lets_a_few_values_through() -> None:
    bound = BoundedLabel(limit=2)
    assert [bound(value) for value in ("a", "b", "c", "a")] == ["a", "b", OTHER, "a"]


class FakeContainer:
    """What a container holds once built: attributes in its `__dict__`, weakly referable."""

    image_model: SimpleNamespace
    learned_ranking: SimpleNamespace


def _info(versions: ModelVersions) -> dict[str, str]:
    [family] = list(versions.collect())
    assert family.name == "aianimals_model_info"
    assert all(sample.value == 1 for sample in family.samples)
    return {sample.labels["model"]: sample.labels["version"] for sample in family.samples}


def test_model_versions_follow_what_is_served_now() -> None:
    versions = ModelVersions()
    versions.serve("detector/no_animal_violation", "zero-shot:v1")
    versions.serve("detector/no_animal_violation", "head:2:v1")
    champion = SimpleNamespace(loaded=SimpleNamespace(version=3))
    absent = SimpleNamespace(loaded=None)
    container = FakeContainer()
    container.image_model = SimpleNamespace(version="efficientnet-lite0-0123")
    container.learned_ranking = SimpleNamespace(
        champions={"ltr-lambdarank": champion, "ltr-regression": absent}
    )
    versions.watch_container(container)  # type: ignore[arg-type]
    versions.watch_container(container)  # type: ignore[arg-type]
    assert _info(versions) == {
        "detector/no_animal_violation": "head:2:v1",
        "image": "efficientnet-lite0-0123",
        "ltr-lambdarank": "3",
    }
    del container
    assert _info(versions) == {"detector/no_animal_violation": "head:2:v1"}


def test_a_container_that_built_nothing_reports_nothing() -> None:
    versions = ModelVersions()
    bare = FakeContainer()
    versions.watch_container(bare)  # type: ignore[arg-type]
    assert _info(versions) == {}


def test_inference_is_timed_even_when_it_fails() -> None:
    name = "aianimals_model_inference_duration_seconds_count"
    labels = {"model": "test-model"}
    before = REGISTRY.get_sample_value(name, labels) or 0.0

    @timed_inference("test-model")
    def predict(fail: bool) -> int:
        if fail:
            raise RuntimeError("no")
        return 1

    assert predict(False) == 1
    with pytest.raises(RuntimeError):
        predict(True)
    assert REGISTRY.get_sample_value(name, labels) == before + 2


def test_violations_are_counted_by_type_and_effect() -> None:
    name = "aianimals_violation_detections_total"
    labels = {"violation_type": "test_violation", "judge": "detector", "effective": "true"}
    before = REGISTRY.get_sample_value(name, labels) or 0.0
    observe_violation("test_violation", "detector", effective=True)
    assert REGISTRY.get_sample_value(name, labels) == before + 1
