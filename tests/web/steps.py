"""What a user does in the web app, as Playwright steps, and what the tests read back."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.web.conftest import LiveSite

PHOTOS = Path(__file__).resolve().parents[2] / "src" / "aianimals" / "dataset" / "photos"


def log_in(page: Page, site: LiveSite, handle: str, password: str) -> None:
    """Open the app, which asks for a login first, and log in."""
    page.goto(f"{site.url}/")
    page.get_by_label("ユーザー名またはメールアドレス").fill(handle)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".grid .tile").first).to_be_visible()


def search_id(page: Page) -> str:
    """The search_id of the last result page the grid loaded."""
    return page.locator(".grid").get_attribute("data-search-id") or ""


def submit_search(page: Page, phrase: str) -> str:
    """Type `phrase` in the search box and wait for its first result page."""
    before = search_id(page)
    page.locator("#q").fill(phrase)
    page.locator("#q").press("Enter")
    return wait_for_new_results(page, before)


def wait_for_new_results(page: Page, before: str) -> str:
    """Wait until the grid shows a result page other than `before` (or the empty state)."""
    page.wait_for_function(
        """(before) => {
            const grid = document.querySelector('.grid');
            const searched = grid && grid.dataset.searchId && grid.dataset.searchId !== before;
            return searched && !document.querySelector('main[aria-busy]');
        }""",
        arg=before,
    )
    return search_id(page)


def wait_for_images(page: Page, selector: str = ".tile img", first: int = 6) -> None:
    """Wait until the first `first` images matching `selector` are decoded."""
    page.wait_for_function(
        """([selector, first]) => {
            const images = Array.from(document.querySelectorAll(selector)).slice(0, first);
            return images.length > 0 && images.every((i) => i.complete && i.naturalWidth > 0);
        }""",
        arg=[selector, first],
    )


def tile_ids(page: Page) -> list[str]:
    """Animal ids of the tiles in the grid, in order."""
    return page.locator(".grid > li").evaluate_all(
        "(items) => items.map((i) => i.dataset.animalId)"
    )


def api_token(site: LiveSite, handle: str, password: str) -> str:
    """A token for reading back through the public API, like any other client."""
    response = httpx.post(
        f"{site.url}/v0/user/login", json={"handle_name": handle, "password": password}
    )
    response.raise_for_status()
    return str(response.json()["token"])


def new_user(site: LiveSite, prefix: str) -> tuple[str, str, str]:
    """A user signed up through the API: handle, password and an API token."""
    handle = f"{prefix}_{uuid.uuid4().hex[:8]}"
    password = "a long enough password"
    created = httpx.post(
        f"{site.url}/v0/user",
        json={
            "handle_name": handle,
            "email_address": f"{handle}@example.com",
            "password": password,
        },
    )
    assert created.status_code == 200, created.text
    return handle, password, api_token(site, handle, password)


def api_animal(site: LiveSite, token: str, animal_id: str) -> dict[str, Any]:
    """One animal as the API returns it."""
    response = httpx.get(
        f"{site.url}/v0/animal", params={"id": animal_id}, headers={"token": token}
    )
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json()
    assert len(found) == 1, f"animal {animal_id} not visible"
    return found[0]


def sql(site: LiveSite, statement: str, **params: object) -> list[Any]:
    """Rows from the site's own store (what the server recorded)."""
    engine = create_engine(site.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(statement), params))
    finally:
        engine.dispose()


def execute(site: LiveSite, statement: str, **params: object) -> None:
    """Change the site's store directly (what moderation will do)."""
    engine = create_engine(site.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement), params)
    finally:
        engine.dispose()


def wait_until(check: Any, timeout: float = 10.0, interval: float = 0.2) -> Any:
    """Poll `check()` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, f"not true after {timeout} s"
            return result
        time.sleep(interval)
