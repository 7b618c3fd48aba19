"""The detail photo, as fingers and keys use it: a double tap likes, a tap opens a full-screen
viewer that pinches to zoom and closes with × or Escape, and the copy-link button copies the
page's address. At both sizes, with a touch screen where the gesture needs one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import DESKTOP, PHONE, LiveSite, open_page, screenshot
from tests.web.steps import api_animal, log_in, new_user, wait_for_images


@pytest.fixture
def touch_page(browser: Browser, viewport_name: str) -> Iterator[Page]:
    """A page with a touch screen at the test's viewport; fails the test on a script error."""
    errors: list[str] = []
    opened = open_page(browser, PHONE if viewport_name == "phone" else DESKTOP, errors, touch=True)
    yield opened
    opened.context.close()
    assert not errors, f"script errors on the page: {errors}"


def _an_animal(site: LiveSite, token: str) -> dict[str, Any]:
    response = httpx.post(
        f"{site.url}/v0/animal/search",
        params={"limit": 1},
        json={"phrases": [], "sort_by": "created_at"},
        headers={"token": token},
    )
    response.raise_for_status()
    found: dict[str, Any] = response.json()["results"][0]
    return found


def _open_as_new_user(page: Page, site: LiveSite) -> tuple[str, dict[str, Any]]:
    """A new user (who has liked nothing) on an animal's page; their token and the animal."""
    handle, password, token = new_user(site, "photo")
    animal = _an_animal(site, token)
    log_in(page, site, handle, password)
    page.goto(f"{site.url}/#/animal/{animal['id']}")
    expect(page.locator(".like-button")).to_be_visible()
    wait_for_images(page, ".photo img", 1)
    return token, animal


ZOOMED = "(at) => Number(document.querySelector('dialog.viewer').dataset.scale) > at"


def _scale(page: Page) -> float:
    return float(page.locator("dialog.viewer").get_attribute("data-scale") or "0")


def test_a_double_tap_on_the_photo_likes_it_and_never_unlikes(
    touch_page: Page, live_site: LiveSite, viewport_name: str
) -> None:
    page = touch_page
    token, animal = _open_as_new_user(page, live_site)
    like = page.locator(".like-button")
    expect(like).to_have_attribute("aria-pressed", "false")
    box = page.locator(".photo-open").bounding_box()
    assert box is not None
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    page.touchscreen.tap(*middle)
    page.touchscreen.tap(*middle)
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".like-count")).to_have_text(str(animal["like"] + 1))
    expect(page.locator("dialog.viewer")).to_have_count(0)  # a double tap opens nothing
    screenshot(page, f"{viewport_name}-photo-1-double-tap-liked")

    page.locator(".photo-open").dblclick()  # a second double tap (with a mouse) keeps the like
    page.wait_for_timeout(600)
    expect(like).to_have_attribute("aria-pressed", "true")
    assert api_animal(live_site, token, animal["id"])["like"] == animal["like"] + 1


def test_a_tap_opens_the_photo_full_screen_and_a_pinch_zooms_it(
    touch_page: Page, live_site: LiveSite, viewport_name: str
) -> None:
    page = touch_page
    _open_as_new_user(page, live_site)
    page.locator(".photo-open").tap()
    viewer = page.get_by_role("dialog", name=page.locator(".detail h1").inner_text() + "の写真")
    expect(viewer).to_be_visible()
    box = viewer.bounding_box()
    assert box is not None
    size = page.viewport_size
    assert size is not None
    assert (box["width"], box["height"]) == (size["width"], size["height"])
    expect(page.locator(".like-button")).to_have_attribute("aria-pressed", "false")
    assert _scale(page) == 1

    x, y = size["width"] / 2, size["height"] / 2
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, spread: float) -> None:
        points = (
            []
            if kind == "touchEnd"
            else [
                {"x": x - spread, "y": y, "id": 1},
                {"x": x + spread, "y": y, "id": 2},
            ]
        )
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 40)
    for spread in range(50, 130, 10):
        touch("touchMove", spread)
    touch("touchEnd", 0)
    page.wait_for_function(ZOOMED, arg=2)
    assert 2.5 < _scale(page) <= 5  # the fingers moved three times as far apart
    screenshot(page, f"{viewport_name}-photo-2-pinched")

    viewer.get_by_role("button", name="縮小").click()
    assert _scale(page) < 2.5
    viewer.get_by_role("button", name="閉じる").click()
    expect(page.locator("dialog.viewer")).to_have_count(0)
    expect(page.locator(".photo-open")).to_be_focused()


def test_the_viewer_works_from_the_keyboard_and_escape_closes_it(
    page: Page, live_site: LiveSite, viewport_name: str
) -> None:
    _open_as_new_user(page, live_site)
    page.locator(".photo-open").focus()
    page.keyboard.press("Enter")
    viewer = page.locator("dialog.viewer")
    expect(viewer).to_be_visible()
    assert viewer.evaluate("(d) => d.open && d.matches(':modal')")
    expect(viewer.get_by_role("button", name="閉じる")).to_be_focused()
    expect(viewer.get_by_role("button", name="縮小")).to_be_disabled()
    viewer.get_by_role("button", name="拡大").click()
    viewer.get_by_role("button", name="拡大").click()
    assert _scale(page) == 2.25
    expect(viewer.locator("output")).to_have_text("225%")
    screenshot(page, f"{viewport_name}-photo-3-zoomed-by-buttons")

    page.keyboard.press("Escape")
    expect(viewer).to_have_count(0)
    expect(page.locator(".photo-open")).to_be_focused()
    assert "#/animal/" in page.url  # closing the viewer stays on the page

    page.locator(".photo-open").click()  # a single click opens it too, after a moment
    expect(viewer).to_be_visible()
    page.mouse.move(200, 200)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)  # a trackpad pinch
    page.keyboard.up("Control")
    page.wait_for_function(ZOOMED, arg=1)
    page.go_back()
    expect(viewer).to_have_count(0)  # leaving the page closes it


def test_copy_link_puts_the_pages_address_on_the_clipboard(
    page: Page, live_site: LiveSite, viewport_name: str
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_site.url)
    _, animal = _open_as_new_user(page, live_site)
    page.get_by_role("button", name="リンクをコピー").click()
    expect(page.locator("#toast")).to_have_text("リンクをコピーしました。")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    assert copied.endswith(f"#/animal/{animal['id']}")
    screenshot(page, f"{viewport_name}-photo-4-link-copied")
