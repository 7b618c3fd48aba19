"""The feature function: what each feature means, by name, for any candidate."""

from __future__ import annotations

from datetime import datetime

import pytest

from aianimals.ml.ltr.features import (
    CTR_PRIOR_ACTIONS,
    FEATURE_NAMES,
    AnimalCounters,
    IndexPlace,
    QueryContext,
    UserProfile,
    animal_text,
    feature_vector,
)

NOW = datetime(2021, 7, 1, 12)


def _analyze(text: str) -> list[str]:
    return text.lower().split()


def _text(name: str = "Shiro", description: str = "a fluffy white shiba") -> object:
    return animal_text(
        _analyze,
        animal_id="a" * 32,
        category_id=2,
        subcategory_id=14,
        name=name,
        description=description,
        breed_names=("柴犬", "shiba"),
        category_names=("イヌ", "dog"),
        created_at=datetime(2021, 6, 1, 12),
    )


def _features(**overrides: object) -> dict[str, float]:
    arguments: dict[str, object] = {
        "query": QueryContext(frozenset({"fluffy", "shiba"}), ("fluffy shiba",), False, NOW),
        "animal": _text(),
        "counters": AnimalCounters(likes=3, impressions=9, actions=2),
        "user": UserProfile(
            actions=4,
            actions_by_breed={14: 3},
            actions_by_category={2: 4},
            likes=2,
            likes_by_breed={14: 1},
        ),
        "place": IndexPlace(score=7.5, rank=2),
    }
    arguments.update(overrides)
    return dict(zip(FEATURE_NAMES, feature_vector(**arguments), strict=True))  # type: ignore[arg-type]


def test_every_feature_has_a_value_in_the_named_order() -> None:
    features = _features()
    assert list(features) == list(FEATURE_NAMES)
    assert features["index_score"] == 7.5
    assert features["index_rank"] == 2


def test_query_overlap_is_the_share_of_query_terms_in_each_field() -> None:
    features = _features()
    assert features["name_overlap"] == 0
    assert features["description_overlap"] == 1.0
    assert features["breed_overlap"] == 0.5
    assert features["category_overlap"] == 0
    assert features["query_terms"] == 2


def test_a_whole_phrase_in_the_name_is_flagged() -> None:
    query = QueryContext(frozenset({"shiro"}), ("Shiro",), False, NOW)
    assert _features(query=query)["phrase_in_name"] == 1.0
    assert _features()["phrase_in_name"] == 0.0


def test_browsing_without_phrases_has_no_query_features() -> None:
    features = _features(query=QueryContext(frozenset(), (), True, NOW))
    assert features["query_terms"] == 0
    assert features["description_overlap"] == 0
    assert features["category_filtered"] == 1.0


def test_document_priors_and_age() -> None:
    features = _features()
    assert features["likes"] == 3
    assert features["log_likes"] == pytest.approx(1.386, abs=1e-3)
    assert features["age_days"] == 30
    assert features["smoothed_ctr"] == pytest.approx((2 + 0.1) / (9 + 1))


def test_a_new_animal_gets_the_imputed_prior_not_a_shifted_vector() -> None:
    features = _features(counters=AnimalCounters())
    assert features["smoothed_ctr"] == CTR_PRIOR_ACTIONS
    assert features["log_impressions"] == 0
    assert len(features) == len(FEATURE_NAMES)


def test_user_shares_count_the_candidates_breed_and_category() -> None:
    features = _features()
    assert features["user_breed_click_share"] == 0.75
    assert features["user_category_click_share"] == 1.0
    assert features["user_breed_like_share"] == 0.5
    unknown = _features(user=UserProfile())
    assert unknown["user_breed_click_share"] == 0
    assert unknown["log_user_history"] == 0
