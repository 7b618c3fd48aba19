"""`POST /v0/animal/search`: Japanese-aware matching, filters, sorts, paging, impressions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aianimals.access_logs.models import Impression
from aianimals.animals.models import Animal
from aianimals.roles.api import create_app
from aianimals.roles.container import Container
from tests.animals.images import image_bytes
from tests.factories import PASSWORD, Factory

SEARCH = "/v0/animal/search"


@pytest.fixture
def animals(factory: Factory, reindex: Callable[[], int]) -> dict[str, Animal]:
    """Four animals: two cats and two dogs with distinct texts (no digits anywhere), indexed."""
    start = datetime(2021, 6, 1)
    owner = factory.user("owner")
    made = {
        "tama": factory.animal(
            owner,
            name="タマ",
            description="猫じゃらしで遊んでいました。",
            category_id=1,
            subcategory_id=1,
            created_at=start,
        ),
        "mike": factory.animal(
            owner,
            name="ミケ",
            description="ひなたぼっこが好きなネコです",
            category_id=1,
            subcategory_id=1,
            created_at=start + timedelta(days=1),
        ),
        "pochi": factory.animal(
            owner,
            name="ポチ",
            description="散歩が大好きな柴犬です",
            created_at=start + timedelta(days=2),
        ),
        "max": factory.animal(
            owner,
            name="Max",
            description="A pug who loves walking in the park",
            subcategory_id=16,
            created_at=start + timedelta(days=3),
        ),
    }
    reindex()
    return made


def _ids(response: dict[str, object]) -> list[str]:
    results = response["results"]
    assert isinstance(results, list)
    return [result["id"] for result in results]


def search(client: TestClient, headers: dict[str, str], **body: object) -> dict[str, object]:
    response = client.post(SEARCH, json=body, headers=headers)
    assert response.status_code == 200, response.text
    payload: dict[str, object] = response.json()
    return payload


@pytest.mark.parametrize("phrase", ["ねこ", "ネコ", "猫"])
def test_kana_and_kanji_spellings_find_the_same_cats(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal], phrase: str
) -> None:
    found = set(_ids(search(client, headers, phrases=[phrase])))
    assert found == {animals["tama"].id, animals["mike"].id}


def test_inflected_forms_match_their_base_form(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    assert _ids(search(client, headers, phrases=["遊ぶ"])) == [animals["tama"].id]
    assert _ids(search(client, headers, phrases=["日向ぼっこ"])) == [animals["mike"].id]


def test_breed_names_in_japanese_and_english_and_english_stems(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    assert animals["pochi"].id in _ids(search(client, headers, phrases=["柴犬"]))
    assert animals["pochi"].id in _ids(search(client, headers, phrases=["shiba_inu"]))
    # `walks` is the walk concept: English stems, and the Japanese 散歩 too
    walks = _ids(search(client, headers, phrases=["walks"]))
    assert set(walks) == {animals["max"].id, animals["pochi"].id}
    assert _ids(search(client, headers, phrases=["park"])) == [animals["max"].id]


def test_sql_looking_phrase_is_just_text(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    response = search(client, headers, phrases=["' OR 1=1 --"])
    assert response["hits"] == 0
    # a phrase that analyses to nothing is dropped, never emptying the query
    cats = search(client, headers, phrases=["猫"])["hits"]
    assert search(client, headers, phrases=["猫", "' OR ''='"])["hits"] == cats > 0


def test_response_carries_search_id_sort_and_model_name(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    response = search(client, headers, phrases=["猫"])
    assert len(str(response["search_id"])) == 32
    assert response["sort_by"] == "score"
    assert response["model_name"] == "bm25"
    assert response["hits"] == 2
    first = response["results"][0]  # type: ignore[index]
    assert first["score"] == response["max_score"]
    assert first["animal_category_name_ja"] == "ネコ"


def test_empty_request_lists_everything_newest_first_by_created_at(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    response = search(client, headers, phrases=[], sort_by="created_at")
    assert _ids(response) == [animals[k].id for k in ("max", "pochi", "mike", "tama")]
    assert response["model_name"] is None


def test_category_and_breed_filters_by_name(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    cats = search(client, headers, animal_category_name_en="cat", sort_by="created_at")
    assert set(_ids(cats)) == {animals["tama"].id, animals["mike"].id}
    pugs = search(client, headers, animal_subcategory_name_ja="パグ")
    assert _ids(pugs) == [animals["max"].id]


def test_a_category_or_breed_nobody_has_finds_nothing(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    for field in ("animal_category_name_en", "animal_subcategory_name_ja"):
        response = client.post(SEARCH, json={field: "dragon"}, headers=headers)
        assert response.status_code == 200
        assert (response.json()["hits"], response.json()["results"]) == (0, [])


def test_paging_is_stable_and_limited(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    body = {"sort_by": "created_at"}
    first = client.post(SEARCH, json=body, params={"limit": 2}, headers=headers).json()
    second = client.post(SEARCH, json=body, params={"limit": 2, "offset": 2}, headers=headers)
    assert len(set(_ids(first)) | set(_ids(second.json()))) == 4
    assert second.json()["offset"] == 2
    too_many = client.post(SEARCH, json=body, params={"limit": 201}, headers=headers)
    assert too_many.status_code == 422


def test_search_needs_a_token(client: TestClient, animals: dict[str, Animal]) -> None:
    assert client.post(SEARCH, json={}).status_code == 401


def test_hidden_animal_vanishes_at_once(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal], container: Container
) -> None:
    with container.database.session() as session:
        hidden = session.get(Animal, animals["tama"].id)
        assert hidden is not None
        hidden.deactivated = True
        session.commit()
    assert _ids(search(client, headers, phrases=["猫"])) == [animals["mike"].id]


def test_posted_animal_is_searchable_after_the_worker_runs(
    client: TestClient,
    headers: dict[str, str],
    animals: dict[str, Animal],
    drain: Callable[[], int],
) -> None:
    request = json.dumps(
        {
            "animal_category_id": 2,
            "animal_subcategory_id": 14,
            "name": "コタロウ",
            "description": "雪の中で走り回る柴犬",
        }
    )
    posted = client.post(
        "/v0/animal",
        data={"request": request},
        files={"file": ("dog.jpg", image_bytes(), "image/jpeg")},
        headers=headers,
    )
    assert posted.status_code == 200, posted.text
    assert drain() >= 1
    assert _ids(search(client, headers, phrases=["雪"])) == [posted.json()["id"]]


def test_likes_reorder_like_sort_after_the_worker_runs(
    client: TestClient,
    headers: dict[str, str],
    animals: dict[str, Animal],
    drain: Callable[[], int],
) -> None:
    before = search(client, headers, sort_by="like")
    client.post("/v0/like", json={"animal_id": animals["tama"].id}, headers=headers)
    drain()
    after = search(client, headers, sort_by="like")
    assert _ids(after)[0] == animals["tama"].id
    assert after["results"][0]["like"] == 1  # type: ignore[index]
    assert _ids(before) != _ids(after) or _ids(before)[0] == animals["tama"].id


def test_random_sort_is_never_cached(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    orders = {tuple(_ids(search(client, headers, sort_by="random"))) for _ in range(12)}
    assert len(orders) > 1


def test_impressions_record_what_was_shown_and_where(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal], container: Container
) -> None:
    response = client.post(
        SEARCH, json={"sort_by": "created_at"}, params={"limit": 2, "offset": 1}, headers=headers
    ).json()
    container.impressions.flush()  # stored in batches, off the request path
    with container.database.session() as session:
        rows = session.execute(
            select(Impression.position, Impression.animal_id)
            .where(Impression.search_id == response["search_id"])
            .order_by(Impression.position)
        ).all()
        total = session.scalar(select(func.count()).select_from(Impression))
    assert [(p, a) for p, a in rows] == [(1, _ids(response)[0]), (2, _ids(response)[1])]
    assert total == 2


@pytest.mark.committed  # the app builds a container (and connections) of its own
def test_impressions_are_all_stored_when_the_app_shuts_down(
    factory: Factory, animals: dict[str, Animal], container: Container
) -> None:
    factory.user("shutdown")
    login = {"handle_name": "shutdown", "password": PASSWORD}
    # The app builds (and on shutdown closes) a container of its own, as `aianimals api` does.
    with TestClient(create_app(container.settings)) as own:
        token = {"token": own.post("/v0/user/login", json=login).json()["token"]}
        own.app.state.container.impressions.flush_seconds = 60  # nothing written before
        search_ids = [
            own.post(SEARCH, json={"sort_by": "created_at"}, headers=token).json()["search_id"]
            for _ in range(3)
        ]
    with container.database.session() as session:
        stored = session.scalars(
            select(Impression.search_id).where(Impression.search_id.in_(search_ids))
        ).all()
    assert len(stored) == 3 * len(animals)


def test_a_breed_typed_in_hiragana_or_romaji_finds_it(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    for typed in (["しばいぬ"], ["shiba", "inu"], ["シバイヌ"]):
        assert _ids(search(client, headers, phrases=typed)) == [animals["pochi"].id], typed


def test_a_typo_is_answered_with_what_was_understood(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    response = search(client, headers, phrases=["pugg"])
    assert _ids(response) == [animals["max"].id]
    # too short to be read as a typo of the breed, but the text found says "pug"
    assert response["did_you_mean"] == "pug"
    response = search(client, headers, phrases=["shibaimu"])
    assert _ids(response) == [animals["pochi"].id]
    assert response["did_you_mean"] == "shiba inu"
    assert search(client, headers, phrases=["柴犬"])["did_you_mean"] is None


def test_a_typo_in_a_name_or_text_is_answered_with_how_the_results_spell_it(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    response = search(client, headers, phrases=["@owner", "lovse", "pug"])
    assert _ids(response) == [animals["max"].id]
    assert response["did_you_mean"] == "@owner loves pug"
    assert search(client, headers, phrases=["loves"])["did_you_mean"] is None


def test_the_owner_handle_is_not_free_text_but_an_at_filter(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    assert search(client, headers, phrases=["owner"])["hits"] == 0
    owned = _ids(search(client, headers, phrases=["@Owner", "猫"]))
    assert set(owned) == {animals["tama"].id, animals["mike"].id}


def test_suggestions_complete_what_was_typed(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get(f"{SEARCH}/suggest", params={"q": "しば"}, headers=headers)
    assert response.status_code == 200
    first = response.json()["suggestions"][0]
    assert first["kind"] == "breed"
    assert first["label"] == "シバイヌ"
    few = client.get(f"{SEARCH}/suggest", params={"q": "s", "limit": 3}, headers=headers)
    assert len(few.json()["suggestions"]) == 3


def test_suggestions_need_a_token_and_a_sane_prefix(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert client.get(f"{SEARCH}/suggest", params={"q": "しば"}).status_code == 401
    for params in ({}, {"q": ""}, {"q": "x" * 101}, {"q": "a\x00"}, {"q": "a", "limit": 0}):
        response = client.get(f"{SEARCH}/suggest", params=params, headers=headers)
        assert response.status_code == 422, params


def test_a_search_pages_at_most_ten_thousand_deep(
    client: TestClient, headers: dict[str, str], animals: dict[str, Animal]
) -> None:
    deep = client.post(f"{SEARCH}?limit=100&offset=9900", json={}, headers=headers)
    assert deep.status_code == 200
    assert deep.json()["results"] == []
    for sort in ("score", "like", "created_at", "random"):
        response = client.post(
            f"{SEARCH}?limit=100&offset=9901", json={"sort_by": sort}, headers=headers
        )
        assert response.status_code == 422, sort
        assert "10,000" in response.json()["detail"]
    nothing = search(client, headers, phrases=["キリン"], sort_by="like")
    assert (nothing["hits"], nothing["results"]) == (0, [])
