"""The whole journey of the issue, at a phone and a desktop size, asserting what a user sees:
log in → search 「ねこ」 → filter cat / ragdoll → open a photo → like → unlike → back →
post a new photo → find it in search. Screenshots of every step go to SCREENSHOTS.
"""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import Page, Request, expect

from tests.web.conftest import DEMO_USER, LiveSite, screenshot
from tests.web.steps import (
    PHOTOS,
    api_animal,
    api_token,
    log_in,
    sql,
    submit_search,
    tile_ids,
    wait_for_images,
    wait_for_new_results,
    wait_until,
)


def test_a_user_searches_likes_posts_and_finds_the_post(
    page: Page, live_site: LiveSite, viewport_name: str
) -> None:
    shot = f"{viewport_name}-"
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    token = api_token(live_site, *DEMO_USER)
    cat_search = _search_cats(page, live_site, token, shot)
    ragdoll_search, opened = _filter_ragdolls_and_open_one(page, live_site, token, shot)
    _like_and_unlike(page, live_site, token, opened, shot)

    page.get_by_role("button", name="戻る").click()
    expect(page.locator("#breed")).to_have_value("ragdoll")
    expect(page.locator(f'.grid > li[data-animal-id="{opened}"]')).to_be_visible()

    name = f"テスト猫 {uuid.uuid4().hex[:6]}"
    _post_a_photo(page, name, shot)
    _find_the_post(page, name, shot)

    _check_training_signal(live_site, ragdoll_search, opened, others=[cat_search])
    session_token = page.evaluate("JSON.parse(localStorage['aianimals.session']).token")
    assert not [url for url in urls if session_token in url], "the token went into a URL"


def _search_cats(page: Page, site: LiveSite, token: str, shot: str) -> str:
    page.goto(f"{site.url}/")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    screenshot(page, shot + "1-login")
    log_in(page, site, *DEMO_USER)
    found = submit_search(page, "ねこ")
    wait_for_images(page)
    expect(page.locator(".hits")).to_contain_text("件")
    ids = tile_ids(page)
    assert ids
    assert {api_animal(site, token, i)["animal_category_name_en"] for i in ids[:6]} == {"cat"}
    screenshot(page, shot + "2-search-neko")
    return found


def _filter_ragdolls_and_open_one(
    page: Page, site: LiveSite, token: str, shot: str
) -> tuple[str, str]:
    before = page.locator(".grid").get_attribute("data-search-id") or ""
    page.get_by_label("種類").select_option("cat")
    after_category = wait_for_new_results(page, before)
    page.get_by_label("品種").select_option("ragdoll")
    ragdoll_search = wait_for_new_results(page, after_category)
    wait_for_images(page, first=1)
    ids = tile_ids(page)
    assert ids, "no ragdoll matches ねこ in the test dataset"
    assert {api_animal(site, token, i)["animal_subcategory_name_en"] for i in ids} == {"ragdoll"}
    screenshot(page, shot + "3-filter-cat-ragdoll")

    opened = ids[0]
    tile_name = page.locator(".grid .tile-name").first.inner_text()
    page.locator(".grid .tile").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tile_name)
    expect(page.locator(".chips")).to_contain_text("ラグドール")
    wait_for_images(page, ".photo img", 1)
    return ragdoll_search, opened


def _like_and_unlike(page: Page, site: LiveSite, token: str, animal_id: str, shot: str) -> None:
    like = page.locator(".like-button")
    expect(like).to_have_attribute("aria-pressed", "false")
    count = int(like.locator(".like-count").inner_text())
    screenshot(page, shot + "4-detail")

    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".like-count")).to_have_text(str(count + 1))
    expect(page.locator(".liked-by")).to_contain_text("@dog_leigh")
    assert api_animal(site, token, animal_id)["like"] == count + 1
    screenshot(page, shot + "5-liked")

    like.click()
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like.locator(".like-count")).to_have_text(str(count))
    expect(page.locator(".liked-by")).not_to_contain_text("@dog_leigh")
    assert api_animal(site, token, animal_id)["like"] == count
    page.wait_for_timeout(5_200)  # a long look: the app logs see_long after 5 s


def _post_a_photo(page: Page, name: str, shot: str) -> None:
    page.get_by_role("link", name="投稿").click()
    expect(page.get_by_role("heading", name="写真を投稿")).to_be_visible()
    photo = PHOTOS / "cat" / "ginger_kitten.jpg"
    page.get_by_label("写真（JPEG・PNG・WebP）").set_input_files(photo)
    expect(page.locator("img.preview")).to_be_visible()
    page.get_by_label("種類").select_option(label="ネコ")
    page.get_by_label("品種").select_option(label="ラグドール")
    page.get_by_label("名前").fill(name)
    page.get_by_label("説明").fill("毛糸で遊ぶのが大好きな子猫です。")
    screenshot(page, shot + "6-post-form")
    with page.expect_request(_is_post):
        page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".notice").first).to_contain_text("投稿しました")
    wait_for_images(page, ".photo img", 1)
    screenshot(page, shot + "7-posted")


def _is_post(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/v0/animal")


def _find_the_post(page: Page, name: str, shot: str) -> None:
    page.get_by_role("link", name="さがす").click()
    expect(page.locator("#q")).to_be_visible()
    page.get_by_label("種類").select_option("")

    def found() -> bool:
        submit_search(page, name)
        return page.locator(".grid .tile-name", has_text=name).count() == 1

    # The worker checks the photo before the post is indexed; on a busy CI machine its first
    # message also loads the image models, so allow more than the usual few hundred ms.
    wait_until(found, timeout=30, interval=0.5)
    wait_for_images(page, first=1)
    screenshot(page, shot + "8-found-the-post")


def _check_training_signal(
    site: LiveSite, search_id: str, animal_id: str, others: list[str]
) -> None:
    """select, see_long and like of the opened animal, logged with its result page's search."""

    def logged() -> list[Any]:
        rows = sql(
            site,
            "SELECT action, sort_by FROM access_logs "
            "WHERE search_id = :search_id AND animal_id = :animal_id",
            search_id=search_id,
            animal_id=animal_id,
        )
        return rows if len(rows) >= 3 else []

    rows = wait_until(logged)
    assert sorted(row.action for row in rows) == ["like", "see_long", "select"]
    assert {row.sort_by for row in rows} == {"score"}
    shown = sql(
        site,
        "SELECT position, animal_id FROM impressions WHERE search_id = :s ORDER BY position",
        s=search_id,
    )
    assert shown[0].animal_id == animal_id
    for other in others:
        assert sql(site, "SELECT count(*) AS n FROM impressions WHERE search_id = :s", s=other)[0].n
