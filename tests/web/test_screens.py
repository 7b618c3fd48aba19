"""Each screen's other paths: failures, languages, empty and error states, paging, my page."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page, Route, expect

from tests.web.conftest import DEMO_USER, LiveSite, screenshot
from tests.web.steps import (
    PHOTOS,
    execute,
    log_in,
    new_user,
    sql,
    submit_search,
    tile_ids,
    wait_for_new_results,
    wait_until,
)


def test_a_wrong_password_is_said_plainly_and_keeps_the_login_screen(
    page: Page, live_site: LiveSite
) -> None:
    page.goto(f"{live_site.url}/")
    page.get_by_label("ユーザー名またはメールアドレス").fill("dog_leigh")
    page.get_by_label("パスワード").fill("not-the-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_have_text("ユーザー名かパスワードが違います。")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()


def test_sign_up_logs_the_new_user_in(page: Page, live_site: LiveSite) -> None:
    handle = f"web_{uuid.uuid4().hex[:8]}"
    page.goto(f"{live_site.url}/#/signup")
    page.get_by_label("ユーザー名（英数字と _ . -、3文字以上）").fill(handle)
    page.get_by_label("メールアドレス").fill(f"{handle}@example.com")
    page.get_by_label("パスワード（12文字以上）").fill("short")
    page.get_by_role("button", name="登録してログイン").click()
    expect(page.get_by_role("alert")).to_have_text(
        "パスワードが短すぎます。12文字以上にしてください。"
    )

    page.get_by_label("パスワード（12文字以上）").fill("a long enough password")
    page.get_by_role("button", name="登録してログイン").click()
    expect(page.locator(".grid .tile").first).to_be_visible()
    page.get_by_role("link", name="マイページ").click()
    expect(page.locator(".handle")).to_have_text(f"@{handle}")


def test_sign_up_with_a_registered_email_says_no_account_was_made(
    page: Page, live_site: LiveSite
) -> None:
    handle = f"web_{uuid.uuid4().hex[:8]}"
    page.goto(f"{live_site.url}/#/signup")
    page.get_by_label("ユーザー名（英数字と _ . -、3文字以上）").fill(handle)
    page.get_by_label("メールアドレス").fill(f"{DEMO_USER[0].upper()}@example.com")
    page.get_by_label("パスワード（12文字以上）").fill("a long enough password")
    page.get_by_role("button", name="登録してログイン").click()
    expect(page.get_by_role("alert")).to_contain_text("アカウントを作成できませんでした")
    expect(page.get_by_role("heading", name="アカウント作成")).to_be_visible()


def test_the_ui_switches_to_english_and_remembers_it(page: Page, live_site: LiveSite) -> None:
    log_in(page, live_site, *DEMO_USER)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Search")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Kind").locator("option", has_text="cat")).to_have_count(1)
    page.reload()
    expect(page.get_by_role("button", name="Search")).to_be_visible()
    screenshot(page, f"english-search-{page.viewport_size['width']}")  # type: ignore[index]
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("link", name="さがす")).to_be_visible()


def test_an_expired_or_revoked_token_returns_to_login_then_back(
    page: Page, live_site: LiveSite
) -> None:
    log_in(page, live_site, *DEMO_USER)
    token = page.evaluate("JSON.parse(localStorage['aianimals.session']).token")
    revoked = httpx.post(f"{live_site.url}/v0/user/logout", headers={"token": token})
    assert revoked.status_code == 204
    wait_until(lambda: _refused_everywhere(live_site.url, token))
    page.get_by_role("link", name="マイページ").click()
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    assert "next=" in page.url
    log_in_again(page)
    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()


def _refused_everywhere(url: str, token: str, tries: int = 10) -> bool:
    """Whether `tries` fresh connections in a row refuse `token`: the site runs several API
    processes, and one that has not yet seen the logout may hold the token for a few
    seconds (`auth.token_cache_seconds`)."""
    return all(
        httpx.get(f"{url}/v0/animal_category", headers={"token": token}).status_code == 401
        for _ in range(tries)
    )


def log_in_again(page: Page) -> None:
    page.get_by_label("ユーザー名またはメールアドレス").fill(DEMO_USER[0])
    page.get_by_label("パスワード").fill(DEMO_USER[1])
    page.get_by_role("button", name="ログイン").click()


def test_no_match_shows_the_empty_state(page: Page, live_site: LiveSite) -> None:
    log_in(page, live_site, *DEMO_USER)
    submit_search(page, "zzzqqxx")
    expect(page.locator(".state")).to_contain_text("見つかりませんでした")
    expect(page.locator(".hits")).to_have_text("0件")


def test_a_failing_search_shows_an_error_and_a_retry_that_works(
    page: Page, live_site: LiveSite
) -> None:
    log_in(page, live_site, *DEMO_USER)

    def unavailable(route: Route) -> None:
        route.fulfill(status=503, json={"code": "unavailable", "detail": "try later"})

    page.route("**/v0/animal/search*", unavailable)
    page.locator("#q").fill("いぬ")
    page.locator("#q").press("Enter")
    expect(page.locator(".state.error")).to_contain_text("サーバーで問題が起きました")
    page.unroute("**/v0/animal/search*")
    page.wait_for_timeout(500)  # nothing asks again on its own after an error
    expect(page.locator(".state.error")).to_be_visible()
    page.get_by_role("button", name="再試行").click()
    expect(page.locator(".grid .tile").first).to_be_visible()


def test_scrolling_to_the_end_loads_the_next_pages(page: Page, live_site: LiveSite) -> None:
    log_in(page, live_site, *DEMO_USER)
    page.goto(f"{live_site.url}/#/search?sort=created_at")
    first_page = wait_for_new_results(page, "")
    assert len(tile_ids(page)) >= 24
    for _ in range(3):
        page.mouse.wheel(0, 20_000)
        page.wait_for_timeout(300)
    page.wait_for_function("(n) => document.querySelectorAll('.grid > li').length >= n", arg=72)
    ids = tile_ids(page)
    assert len(ids) == len(set(ids)), "a tile appears twice"
    assert page.locator(".grid").get_attribute("data-search-id") != first_page


def test_my_page_lists_my_posts_with_review_state_and_my_likes_then_logs_out(
    page: Page, live_site: LiveSite
) -> None:
    handle, password, token = new_user(live_site, "mine")
    posted = [_post(live_site, token, f"うちの子 {n}") for n in range(2)]
    execute(live_site, "UPDATE animals SET deactivated = true WHERE id = :id", id=posted[1])
    liked = _liked_animal(live_site, token)

    log_in(page, live_site, handle, password)
    page.get_by_role("link", name="マイページ").click()
    posts = page.locator(".my-posts .grid > li")
    expect(posts).to_have_count(2)
    hidden = page.locator(f'.my-posts li[data-animal-id="{posted[1]}"]')
    expect(hidden.locator(".badge")).to_have_text("審査待ち")
    expect(page.locator(f'.my-likes li[data-animal-id="{liked}"]')).to_be_visible()
    screenshot(page, f"my-page-{page.viewport_size['width']}")  # type: ignore[index]

    hidden.locator("a").click()
    expect(page.locator(".moderation .notice")).to_contain_text("審査待ち")
    page.get_by_role("link", name="マイページ").click()
    page_token = page.evaluate("JSON.parse(localStorage['aianimals.session']).token")
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    assert page.evaluate("localStorage['aianimals.session'] ?? null") is None
    me = f"{live_site.url}/v0/user/me"

    def revoked() -> bool:
        return httpx.get(me, headers={"token": page_token}).status_code == 401

    # Revoked at once in the API process that logged out, in every other within
    # auth.token_cache_seconds (5 s): any of them may answer.
    wait_until(revoked, timeout=10, interval=0.25)
    assert httpx.get(me, headers={"token": token}).status_code == 200  # another session


def _post(site: LiveSite, token: str, name: str) -> str:
    request = {"animal_category_id": 1, "animal_subcategory_id": 1, "name": name}
    response = httpx.post(
        f"{site.url}/v0/animal",
        headers={"token": token},
        data={"request": json.dumps(request)},
        files={"file": ("cat.jpg", (PHOTOS / "cat" / "kitten_yarn.jpg").read_bytes())},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def _liked_animal(site: LiveSite, token: str) -> str:
    some = httpx.get(f"{site.url}/v0/animal", params={"limit": 1}, headers={"token": token})
    animal_id = str(some.json()[0]["id"])
    liked = httpx.post(
        f"{site.url}/v0/like", json={"animal_id": animal_id}, headers={"token": token}
    )
    assert liked.status_code == 200
    return animal_id


def test_an_owner_hides_a_post_from_its_page_after_confirming(
    page: Page, live_site: LiveSite
) -> None:
    handle, password, token = new_user(live_site, "hider")
    animal_id = _post(live_site, token, "かくれんぼ")

    log_in(page, live_site, handle, password)
    page.goto(f"{live_site.url}/#/animal/{animal_id}")
    hide = page.get_by_role("button", name="この投稿を非表示にする")
    # One handler answers the dialogs in order: a click can return before its dialog is
    # dispatched, so a second `once` handler could be the one that meets the first dialog.
    answers = ["dismiss", "accept"]
    page.on("dialog", lambda dialog: getattr(dialog, answers.pop(0))())
    hide.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("かくれんぼ")
    for _ in range(100):  # events are dispatched while Playwright waits, not while we sleep
        if answers == ["accept"]:
            break
        page.wait_for_timeout(50)
    assert answers == ["accept"], "the first dialog was never shown"
    hide.click()
    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()
    expect(page.locator(f'.my-posts li[data-animal-id="{animal_id}"] .badge')).to_have_text(
        "非表示中"
    )
    others = httpx.get(
        f"{live_site.url}/v0/animal", params={"id": animal_id}, headers={"token": token}
    )
    mine = httpx.get(
        f"{live_site.url}/v0/animal",
        params={"id": animal_id, "deactivated": "true"},
        headers={"token": token},
    )
    assert others.json() == []
    assert [row["deactivated"] for row in mine.json()] == [True]


def test_the_detail_page_shows_similar_animals_and_a_tap_is_logged_as_image_search(
    page: Page, live_site: LiveSite
) -> None:
    log_in(page, live_site, *DEMO_USER)
    page.locator(".grid .tile").first.click()
    strip = page.locator("section.similar .strip .tile")
    expect(strip.first).to_be_visible()
    opened = page.url
    strip.first.click()
    expect(page).not_to_have_url(opened)
    animal_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    rows = wait_until(
        lambda: sql(
            live_site,
            "SELECT phrases FROM access_logs WHERE animal_id = :a AND action = 'select' "
            "AND sort_by = 'image_similarity'",
            a=animal_id,
        )
    )
    assert "image_search" in str(rows[0][0])
    screenshot(page, f"similar-{page.viewport_size['width']}")  # type: ignore[index]


def test_a_photo_over_the_size_limit_is_refused_before_it_is_sent(
    page: Page, live_site: LiveSite, tmp_path: Path
) -> None:
    log_in(page, live_site, *DEMO_USER)
    page.get_by_role("link", name="投稿").click()
    posts: list[str] = []
    page.on("request", lambda request: posts.append(f"{request.method} {request.url}"))
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8" + b"0" * (11 << 20))
    page.get_by_label("写真（JPEG・PNG・WebP）").set_input_files(big)
    page.get_by_label("種類").select_option(label="ネコ")
    page.get_by_label("品種").select_option(label="ラグドール")
    page.get_by_label("名前").fill("おおきい")
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_role("alert")).to_have_text(
        "写真が大きすぎます。10 MB までの写真を選んでください。"
    )
    assert "POST" not in {sent.split()[0] for sent in posts if sent.endswith("/v0/animal")}


def test_a_typo_finds_the_breed_and_offers_what_it_understood(
    page: Page, live_site: LiveSite
) -> None:
    log_in(page, live_site, *DEMO_USER)
    submit_search(page, "chihuaua")
    hint = page.locator(".did-you-mean")
    expect(hint).to_contain_text("もしかして")
    expect(hint.get_by_role("link", name="chihuahua")).to_be_visible()
    expect(page.locator(".grid .tile").first).to_be_visible()
    hint.get_by_role("link", name="chihuahua").click()
    expect(page.locator("#q")).to_have_value("chihuahua")
    expect(page.locator(".did-you-mean")).to_be_hidden()


def test_the_search_box_suggests_while_typing_and_only_the_last_answer_counts(
    page: Page, live_site: LiveSite
) -> None:
    log_in(page, live_site, *DEMO_USER)
    asked: list[str] = []
    page.on(
        "request",
        lambda request: asked.append(request.url) if "/search/suggest" in request.url else None,
    )
    box = page.locator("#q")
    box.press_sequentially("しば", delay=20)  # faster than the pause that asks
    options = page.locator("#q-suggestions option")
    expect(options.first).to_have_attribute("value", re.compile("^(シバ|柴|shiba)"))
    assert len(asked) == 1, asked
    box.fill("")
    box.press_sequentially("yorki", delay=20)
    expect(options.first).to_have_attribute("value", re.compile("^(yorkie|yorkshire)"))
