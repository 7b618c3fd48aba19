"""Sharp tiles: thumbnails at 1x and 2x through `srcset`, the 2x one on 2x screens."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, Response, expect

from tests.web.conftest import DEMO_USER, PHONE, LiveSite, screenshot
from tests.web.steps import log_in, submit_search, wait_for_images


def _first_tile(page: Page) -> dict[str, object]:
    return page.locator(".grid .tile img").first.evaluate(
        """async (img) => {
            const bitmap = await createImageBitmap(await (await fetch(img.currentSrc)).blob());
            return {srcset: img.srcset, sizes: img.sizes, src: img.getAttribute('src'),
                    current: img.currentSrc, natural: Math.max(bitmap.width, bitmap.height)};
        }"""
    )


def test_tiles_offer_1x_and_2x_and_a_2x_screen_gets_the_2x(page: Page, live_site: LiveSite) -> None:
    doubles: list[Response] = []
    page.on("response", lambda r: doubles.append(r) if "size=640" in r.url else None)
    log_in(page, live_site, *DEMO_USER)
    submit_search(page, "ねこ")
    wait_for_images(page)
    tile = _first_tile(page)
    src = str(tile["src"])
    assert tile["srcset"] == f"{src} 320w, {src}?size=640 640w"
    assert tile["sizes"]
    assert str(tile["current"]).endswith("?size=640")  # the page runs at device scale 2
    assert int(str(tile["natural"])) > 320
    assert doubles, "no 2x thumbnail was requested"
    assert all(response.status == 200 for response in doubles)
    screenshot(page, f"tiles-2x-{page.viewport_size['width']}")  # type: ignore[index]


def test_a_1x_phone_gets_the_1x_thumbnails(browser: Browser, live_site: LiveSite) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="ja-JP")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_site, *DEMO_USER)
        submit_search(page, "ねこ")
        wait_for_images(page)
        tile = _first_tile(page)
        assert tile["current"] == f"{live_site.url}{tile['src']}"
        assert int(str(tile["natural"])) <= 320
        expect(page.locator(".grid .tile").first).to_be_visible()
    finally:
        context.close()
