"""A live AIAnimals (`aianimals up`) over a small generated dataset, and real headless Chromium.

The site runs as a separate process, exactly as `make run` starts it, on its own store:
a SQLite file, or a scratch schema of the PostgreSQL server when the suite runs against one.
Chromium is Debian's (`/usr/bin/chromium`, or AIANIMALS_TEST_CHROMIUM), driven by Playwright;
without it these tests are skipped, except under CI, where they fail.
Screenshots go to AIANIMALS_TEST_SCREENSHOTS (default `var/screenshots`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.live import LiveSite
from tests.live import live_site as live_site_of

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("AIANIMALS_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("AIANIMALS_TEST_SCREENSHOTS", ROOT / "var" / "screenshots"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DATASET_ANIMALS = 300
DEMO_USER = ("dog_leigh", "password")
PHONE = {"width": 393, "height": 851}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; a skip outside CI when it is missing, a failure under CI."""
    if shutil.which(CHROMIUM) is None:
        message = f"not run: no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[LiveSite]:
    """`aianimals up --no-demo` over a generated dataset of a few hundred animals."""
    root = tmp_path_factory.mktemp("site")
    with live_site_of(root, ("up", "--no-demo"), animals=DATASET_ANIMALS, name="web") as site:
        yield site


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for the run."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(
    browser: Browser, viewport: dict[str, int], errors: list[str], *, touch: bool = False
) -> Page:
    """A page in a fresh context (no stored token) that collects script errors; `touch`
    gives it a touch screen (taps and pinches)."""
    context = browser.new_context(
        viewport=viewport, device_scale_factor=2, locale="ja-JP", has_touch=touch
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


@pytest.fixture(params=["phone", "desktop"])
def viewport_name(request: pytest.FixtureRequest) -> str:
    """Each user-facing test runs at a phone size (393x851) and a desktop size (1440x900)."""
    return str(request.param)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Remember each phase's outcome on the test item, for the page fixture's teardown."""
    report = yield
    setattr(item, f"report_{call.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, viewport_name: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser page at the test's viewport; fails the test on any script error.

    When the test fails, what the page showed is saved as SCREENSHOTS/failed-<test>.png.
    """
    errors: list[str] = []
    opened = open_page(browser, PHONE if viewport_name == "phone" else DESKTOP, errors)
    yield opened
    outcome = getattr(request.node, "report_call", None)
    if outcome is not None and outcome.failed:
        screenshot(opened, "failed-" + request.node.name.replace("/", "_"))
    opened.context.close()
    assert not errors, f"script errors on the page: {errors}"


def screenshot(page: Page, name: str) -> Path:
    """Save what the user sees now as SCREENSHOTS/<name>.png (the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
