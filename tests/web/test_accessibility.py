"""axe-core (the copy shipped inside the axe-playwright-python package) on every screen, in
the same Chromium, at both sizes: no serious or critical violation. Screens include the
states within them: the report form, the owner's moderation panel, the full-screen photo
viewer, a not-found animal and an offline error."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.web.conftest import DEMO_USER, LiveSite
from tests.web.steps import log_in, sql, submit_search, wait_for_images

BLOCKING = {"serious", "critical"}


def _violations(page: Page) -> list[str]:
    results: dict[str, Any] = Axe().run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]


def _login_screen(page: Page, site: LiveSite) -> None:
    page.goto(f"{site.url}/")
    expect(page.locator("#identifier")).to_be_visible()


def _sign_up_screen(page: Page, site: LiveSite) -> None:
    page.goto(f"{site.url}/#/signup")
    expect(page.locator("#handle_name")).to_be_visible()


def _search_screen(page: Page, site: LiveSite) -> None:
    log_in(page, site, *DEMO_USER)
    submit_search(page, "ねこ")
    wait_for_images(page)


def _detail_screen(page: Page, site: LiveSite) -> None:
    _search_screen(page, site)
    page.locator(".grid .tile").first.click()
    expect(page.locator(".like-button")).to_be_visible()
    expect(page.locator(".liked-by li").first).to_be_visible()


def _post_screen(page: Page, site: LiveSite) -> None:
    log_in(page, site, *DEMO_USER)
    page.goto(f"{site.url}/#/post")
    expect(page.locator("#photo")).to_be_visible()


def _my_page(page: Page, site: LiveSite) -> None:
    log_in(page, site, *DEMO_USER)
    page.goto(f"{site.url}/#/me")
    expect(page.locator(".my-likes h2")).to_be_visible()
    expect(page.locator(".handle")).to_have_text("@dog_leigh")


def _profile_page(page: Page, site: LiveSite) -> None:
    log_in(page, site, *DEMO_USER)
    page.goto(f"{site.url}/#/user/{DEMO_USER[0]}")
    expect(page.locator(".profile-stats")).to_be_visible()
    expect(page.locator(".grid-footer .spinner")).to_have_count(0)


def _report_form(page: Page, site: LiveSite) -> None:
    _detail_screen(page, site)
    page.get_by_role("button", name="通報する").click()
    expect(page.locator(".report-form #report-type")).to_be_focused()


def _owner_state(page: Page, site: LiveSite) -> None:
    [(animal_id, owner)] = sql(
        site,
        "SELECT a.id, u.handle_name FROM animals a JOIN users u ON u.id = a.user_id"
        " WHERE a.deactivated = false"
        " ORDER BY CASE WHEN u.handle_name = :handle THEN 0 ELSE 1 END, u.created_at, a.id"
        " LIMIT 1",
        handle=DEMO_USER[0],
    )
    log_in(page, site, owner, DEMO_USER[1])  # a reference user: their password is the demo's
    page.goto(f"{site.url}/#/animal/{animal_id}")
    expect(page.locator(".moderation .notice")).to_have_attribute("data-state", "visible")
    expect(page.locator(".hide-post")).to_be_visible()


def _photo_viewer(page: Page, site: LiveSite) -> None:
    _detail_screen(page, site)
    page.locator(".photo-open").focus()
    page.keyboard.press("Enter")
    expect(page.locator("dialog.viewer")).to_be_visible()
    wait_for_images(page, "dialog.viewer img", 1)


def _not_found(page: Page, site: LiveSite) -> None:
    log_in(page, site, *DEMO_USER)
    page.goto(f"{site.url}/#/animal/{'0' * 32}")
    expect(page.locator(".not-found h1")).to_be_visible()


def _offline_error(page: Page, site: LiveSite) -> None:
    log_in(page, site, *DEMO_USER)
    page.context.set_offline(True)
    page.get_by_role("link", name="マイページ").click()
    expect(page.locator(".state.error").first).to_be_visible()


SCREENS = {
    "login": _login_screen,
    "sign-up": _sign_up_screen,
    "search": _search_screen,
    "detail": _detail_screen,
    "post": _post_screen,
    "my-page": _my_page,
    "profile": _profile_page,
    "report-form": _report_form,
    "owner-state": _owner_state,
    "photo-viewer": _photo_viewer,
    "not-found": _not_found,
    "offline-error": _offline_error,
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_has_no_serious_accessibility_violation(
    page: Page, live_site: LiveSite, screen: str
) -> None:
    SCREENS[screen](page, live_site)
    assert _violations(page) == []


def test_the_check_finds_violations_when_there_are_some(page: Page, live_site: LiveSite) -> None:
    _login_screen(page, live_site)
    page.evaluate(
        """() => {
            const input = document.createElement('input');
            document.querySelector('main').append(input);
            const image = document.createElement('img');
            image.src = '/app/icon.svg';
            document.querySelector('main').append(image);
        }"""
    )
    found = _violations(page)
    assert any(line.startswith("label") for line in found), found
    assert any(line.startswith("image-alt") for line in found), found
