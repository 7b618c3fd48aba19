"""A user's profile page (#/user/<handle>): their shown posts and the likes they received."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.web.conftest import DEMO_USER, LiveSite, screenshot
from tests.web.steps import api_token, log_in, sql, tile_ids

PAGE_SIZE = 30


def _busiest_poster(site: LiveSite) -> str:
    [(handle,)] = sql(
        site,
        "SELECT u.handle_name FROM users u JOIN animals a ON a.user_id = u.id"
        " WHERE a.deactivated = false GROUP BY u.handle_name ORDER BY COUNT(*) DESC LIMIT 1",
    )
    return str(handle)


def _profile(site: LiveSite, handle: str) -> dict[str, object]:
    token = api_token(site, *DEMO_USER)
    response = httpx.get(
        f"{site.url}/v0/user/profile", params={"handle_name": handle}, headers={"token": token}
    )
    response.raise_for_status()
    found: dict[str, object] = response.json()
    return found


def test_a_profile_shows_the_users_posts_and_likes(page: Page, live_site: LiveSite) -> None:
    handle = _busiest_poster(live_site)
    profile = _profile(live_site, handle)
    log_in(page, live_site, *DEMO_USER)
    page.goto(f"{live_site.url}/#/user/{handle}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"@{handle}")
    animals, likes = int(str(profile["animals"])), int(str(profile["likes"]))
    expect(page.locator(".profile-stats")).to_have_text(
        f"投稿 {animals:,}件・もらったいいね {likes:,}"
    )
    expect(page.locator(".grid .tile")).to_have_count(min(animals, PAGE_SIZE))
    owned = sql(
        live_site,
        "SELECT a.id FROM animals a WHERE a.user_id = :id AND a.deactivated = false",
        id=profile["id"],
    )
    assert set(tile_ids(page)) <= {str(row[0]) for row in owned}
    if animals > PAGE_SIZE:
        page.get_by_role("button", name="もっと見る").click()
        expect(page.locator(".grid .tile")).to_have_count(min(animals, 2 * PAGE_SIZE))
    screenshot(page, f"profile-{page.viewport_size['width']}")  # type: ignore[index]


def test_an_unknown_handle_says_so_with_a_way_back(page: Page, live_site: LiveSite) -> None:
    log_in(page, live_site, *DEMO_USER)
    page.goto(f"{live_site.url}/#/user/no_such_person_here")
    expect(page.locator(".state.error")).to_have_text("このユーザーは見つかりません。")
    page.get_by_role("link", name="さがすに戻る").click()
    expect(page.locator(".grid .tile").first).to_be_visible()
