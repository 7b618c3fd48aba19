"""The detail page's social parts: who liked it, tappable handles and tags, the photo."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.conftest import DEMO_USER, LiveSite, screenshot
from tests.web.steps import log_in, sql, wait_for_images

SHOWN_LIKERS = 20


def _most_liked(site: LiveSite) -> tuple[str, int]:
    [(animal_id, likes)] = sql(
        site,
        "SELECT l.animal_id, COUNT(*) FROM likes l JOIN animals a ON a.id = l.animal_id"
        " WHERE a.deactivated = false GROUP BY l.animal_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    return str(animal_id), int(likes)


def _open(page: Page, site: LiveSite, animal_id: str) -> None:
    page.goto(f"{site.url}/#/animal/{animal_id}")
    expect(page.locator(".like-button")).to_be_visible()


def test_the_likers_list_counts_everyone_and_names_the_rest(
    page: Page, live_site: LiveSite
) -> None:
    animal_id, likes = _most_liked(live_site)
    assert likes > SHOWN_LIKERS, "the dataset should have an animal with many likes"
    log_in(page, live_site, *DEMO_USER)
    _open(page, live_site, animal_id)
    expect(page.locator(".liked-by-heading")).to_have_text(f"いいねした人 {likes:,}人")
    expect(page.locator(".liked-by .handle-link")).to_have_count(SHOWN_LIKERS)
    expect(page.locator(".liked-by-rest")).to_have_text(f"ほか {likes - SHOWN_LIKERS:,} 人")
    screenshot(page, f"detail-likers-{page.viewport_size['width']}")  # type: ignore[index]


def test_a_likers_handle_opens_their_profile(page: Page, live_site: LiveSite) -> None:
    animal_id, _ = _most_liked(live_site)
    log_in(page, live_site, *DEMO_USER)
    _open(page, live_site, animal_id)
    first = page.locator(".liked-by .handle-link").first
    handle = first.inner_text().removeprefix("@")
    first.click()
    expect(page).to_have_url(re.compile(rf"#/user/{re.escape(handle)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"@{handle}")


def test_the_poster_opens_their_profile(page: Page, live_site: LiveSite) -> None:
    animal_id, _ = _most_liked(live_site)
    [(owner,)] = sql(
        live_site,
        "SELECT u.handle_name FROM users u JOIN animals a ON a.user_id = u.id WHERE a.id = :id",
        id=animal_id,
    )
    log_in(page, live_site, *DEMO_USER)
    _open(page, live_site, animal_id)
    page.locator(".facts").get_by_role("link", name=f"@{owner}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"@{owner}")
    expect(page.locator(".grid .tile").first).to_be_visible()


def test_tags_open_search_filtered_by_them(page: Page, live_site: LiveSite) -> None:
    animal_id, _ = _most_liked(live_site)
    [(category, breed)] = sql(
        live_site,
        "SELECT c.name_en, s.name_en FROM animals a"
        " JOIN animal_categories c ON c.id = a.category_id"
        " JOIN animal_subcategories s ON s.id = a.subcategory_id WHERE a.id = :id",
        id=animal_id,
    )
    log_in(page, live_site, *DEMO_USER)
    _open(page, live_site, animal_id)
    page.locator(".chips a.chip").nth(1).click()
    expect(page.locator("#breed")).to_have_value(breed)
    expect(page.locator("#category")).to_have_value(category)
    expect(page.locator(".grid .tile").first).to_be_visible()
    page.go_back()
    page.locator(".chips a.chip").first.click()
    expect(page.locator("#category")).to_have_value(category)
    expect(page.locator("#breed")).to_have_value("")


def test_english_mode_shows_breed_names_never_raw_ids(page: Page, live_site: LiveSite) -> None:
    [(animal_id, breed)] = sql(
        live_site,
        "SELECT a.id, s.name_en FROM animals a"
        " JOIN animal_subcategories s ON s.id = a.subcategory_id"
        " WHERE a.deactivated = false AND s.name_en LIKE '%\\_%' ESCAPE '\\' LIMIT 1",
    )
    log_in(page, live_site, *DEMO_USER)
    page.get_by_role("button", name="English").click()
    _open(page, live_site, animal_id)
    readable = " ".join(word.capitalize() for word in str(breed).split("_"))
    expect(page.locator(".chips a.chip").nth(1)).to_have_text(readable)
    assert "_" not in page.locator(".chips").inner_text()
    page.goto(f"{live_site.url}/#/search")
    options = page.locator("#breed option").all_inner_texts()
    assert readable in options
    assert not [text for text in options if "_" in text]


def test_the_photo_fills_its_column_without_bars(page: Page, live_site: LiveSite) -> None:
    animal_id, _ = _most_liked(live_site)
    log_in(page, live_site, *DEMO_USER)
    _open(page, live_site, animal_id)
    wait_for_images(page, ".photo img", 1)
    photo = page.locator(".photo").bounding_box()
    image = page.locator(".photo img").bounding_box()
    assert photo is not None
    assert image is not None
    assert abs(image["width"] - photo["width"]) <= 1
    assert abs(image["height"] - photo["height"]) <= 1
    natural = page.locator(".photo img").evaluate("(i) => i.naturalWidth / i.naturalHeight")
    assert abs(image["width"] / image["height"] - natural) < 0.02  # its own shape, uncropped
    if page.viewport_size["width"] > 760:  # type: ignore[index]
        column = page.locator(".detail").bounding_box()
        assert column is not None
        assert image["width"] > column["width"] * 0.5  # the wider of the two columns
    screenshot(page, f"detail-photo-{page.viewport_size['width']}")  # type: ignore[index]


def test_japanese_lines_break_between_phrases(page: Page, live_site: LiveSite) -> None:
    animal_id, _ = _most_liked(live_site)
    log_in(page, live_site, *DEMO_USER)
    _open(page, live_site, animal_id)
    style = page.locator(".info").evaluate("(e) => getComputedStyle(e).wordBreak")
    assert style == "auto-phrase"
