"""The feature function: what each feature means, by name, for any candidate."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from aianimals.ranking.features import (
    CTR_PRIOR_ACTIONS,
    FEATURE_NAMES,
    AnimalCounters,
    IndexPlace,
    QueryContext,
    UserProfile,
    animal_text,
    feature_vector,
    query_context,
)
from aianimals.search.expansion import Expansion

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


def _context(phrases: tuple[str, ...], similar: tuple[tuple[str, str, float], ...]) -> object:
    return query_context(
        _analyze,
        phrases=phrases,
        expansions=tuple(Expansion(phrase, word, weight) for phrase, word, weight in similar),
        filtered=False,
        at=NOW,
    )


def test_phrase_coverage_counts_a_direct_match_as_one_and_a_similar_word_at_its_weight() -> None:
    direct = _context(("white",), ())
    assert _features(query=direct)["phrase_coverage"] == 1.0
    bridged = _context(("しろ",), (("しろ", "white", 0.4), ("しろ", "snow", 0.3)))
    assert _features(query=bridged)["phrase_coverage"] == pytest.approx(0.4)
    half = _context(("しろ", "くろ"), (("しろ", "white", 0.4),))
    assert _features(query=half)["phrase_coverage"] == pytest.approx(0.2)


def test_phrase_coverage_is_zero_without_phrases_or_matches() -> None:
    assert _features(query=_context((), ()))["phrase_coverage"] == 0.0
    unmatched = _context(("くろ",), (("くろ", "black", 0.4),))
    assert _features(query=unmatched)["phrase_coverage"] == 0.0


def test_the_users_earlier_grade_of_this_animal_is_a_feature_and_zero_for_others() -> None:
    user = UserProfile(actions=2, graded={"a" * 32: 3, "b" * 32: 4})
    assert _features(user=user)["user_earlier_grade"] == 3.0
    assert _features(user=UserProfile())["user_earlier_grade"] == 0.0


def test_a_profile_survives_the_feature_stores_json_round_trip() -> None:
    user = UserProfile(
        actions=2, actions_by_breed={14: 2}, actions_by_category={2: 2}, graded={"a" * 32: 4}
    )
    assert UserProfile.from_dict(json.loads(json.dumps(user.to_dict()))) == user
