"""The portal for real: `run_portal` in a child process, driven by Debian's headless Chromium.

Chromium is `/usr/bin/chromium` (or AIANIMALS_TEST_CHROMIUM); without it the test is
skipped, except under CI, where it fails. The screenshot goes to AIANIMALS_TEST_SCREENSHOTS
(default `var/screenshots`) as portal-queue.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from aianimals.roles.container import Container
from aianimals.roles.portal import settings_environment
from tests.factories import PASSWORD
from tests.portal.conftest import ADMIN_EMAIL, Prepared

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("AIANIMALS_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("AIANIMALS_TEST_SCREENSHOTS", ROOT / "var" / "screenshots"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
_RUN_PORTAL = (
    "import sys\n"
    "from aianimals.roles.portal import run_portal\n"
    "from aianimals.settings import Settings\n"
    "sys.exit(run_portal(Settings(), '127.0.0.1', int(sys.argv[1])))\n"
)


@pytest.fixture
def chromium() -> str:
    """Debian's Chromium; a skip outside CI when it is missing, a failure under CI."""
    if shutil.which(CHROMIUM) is None:
        message = f"not run: no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the portal exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the portal did not become healthy:\n{log.read_text()}")


@pytest.fixture
def portal_url(container: Container, prepared: Prepared, tmp_path: Path) -> Iterator[str]:
    """`run_portal` on a free port over the prepared store, stopped (SIGTERM) afterwards."""
    del prepared
    port = _free_port()
    log = tmp_path / "portal.log"
    environment = settings_environment(container.settings, os.environ)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _RUN_PORTAL, str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            assert process.wait(timeout=30) == 0, log.read_text()
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def test_an_admin_logs_in_and_sees_the_queue_in_chromium(chromium: str, portal_url: str) -> None:
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "console",
                lambda message: (
                    errors.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            page.goto(portal_url)
            page.get_by_label("E-mail address", exact=True).fill(ADMIN_EMAIL)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_text("3 violation(s) match")).to_be_visible()
            for name in ("Tama", "Pochi", "Rex"):
                expect(page.get_by_role("img", name=f"Photo of {name}")).to_be_visible()
            expect(page.get_by_role("tab", name="Audit log")).to_be_visible()
            page.get_by_role("tab", name="Charts").click()  # charts compile under the policy
            page.wait_for_timeout(1500)
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()  # the run is over
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            path = SCREENSHOTS / "portal-queue.png"
            page.screenshot(path=path, full_page=True)
            assert path.stat().st_size > 10_000
        finally:
            browser.close()
    assert not errors, f"script errors on the page: {errors}"


def test_the_portal_refuses_foreign_hosts_and_cannot_be_framed(portal_url: str) -> None:
    page = httpx.get(portal_url, timeout=10)
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    foreign = httpx.get(portal_url, headers={"Host": "rebind.example:8501"}, timeout=10)
    assert foreign.status_code == 400
