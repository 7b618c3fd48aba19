"""雑種 / ミックス: a breed choice for cats and dogs when posting, which search understands."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.web.conftest import LiveSite, screenshot
from tests.web.steps import PHOTOS, log_in, new_user, submit_search, wait_until

MIXED = {"ネコ": "雑種・ミックス（ネコ）", "イヌ": "雑種・ミックス（イヌ）"}


def test_a_mixed_breed_dog_is_posted_and_found_by_its_words_and_filter(
    page: Page, live_site: LiveSite, viewport_name: str
) -> None:
    handle, password, _ = new_user(live_site, "mixed")
    log_in(page, live_site, handle, password)
    page.get_by_role("link", name="投稿").click()
    expect(page.get_by_role("heading", name="写真を投稿")).to_be_visible()
    for kind, mixed in MIXED.items():  # each kind offers its own mixed breed, not the other's
        page.get_by_label("種類").select_option(label=kind)
        breeds = page.get_by_label("品種").locator("option").all_inner_texts()
        assert mixed in breeds
        assert [b for b in breeds if b.startswith("雑種")] == [mixed]

    name = f"ポチ{uuid.uuid4().hex[:6]}"
    photo = PHOTOS / "dog" / "small_dog_tongue.jpg"
    page.get_by_label("写真（JPEG・PNG・WebP）").set_input_files(photo)
    page.get_by_label("品種").select_option(label=MIXED["イヌ"])
    page.get_by_label("名前").fill(name)
    screenshot(page, f"{viewport_name}-mixed-1-post-form")
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".chips a.chip").nth(1)).to_have_text(MIXED["イヌ"])

    page.get_by_role("link", name="さがす").click()
    expect(page.locator("#q")).to_be_visible()

    def found(phrase: str) -> bool:
        submit_search(page, phrase)
        return page.locator(".grid .tile-name", has_text=name).count() == 1

    # The worker checks the photo before the post is indexed (slower on a busy machine).
    wait_until(lambda: found("ミックス犬"), timeout=30, interval=0.5)
    for phrase in ("雑種", "mixed"):  # the mixed_breed concept reaches the mixed breeds
        wait_until(lambda phrase=phrase: found(phrase), timeout=10, interval=0.5)
    page.goto(f"{live_site.url}/#/search?category=dog&breed=mixed_dog")
    expect(page.locator(".grid .tile-name", has_text=name)).to_be_visible()
    expect(page.locator("#breed")).to_have_value("mixed_dog")
    screenshot(page, f"{viewport_name}-mixed-2-found-by-breed")
