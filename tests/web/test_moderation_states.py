"""The owner sees the true moderation state of each post, in real Chromium at both sizes.

A no-animal photo posted through the app is checked, then hidden for review with the
reason, within seconds, on the detail page that the post screen opens. An administrator's
removal (written by the review service in this process, as the portal does) shows with
its note; the owner asks for a review once (a second ask is a 409). A post the owner hid
shows 再表示, which puts it back. マイページ marks each post with its state, and a
missing post is a not-found state without the likes heading. Another user reports (通報)
a post once; it enters the review queue.
"""

from __future__ import annotations

import json

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from aianimals.moderation.listing import QueueFilter
from aianimals.moderation.service import CONFIRM, ModerationService
from tests.web.conftest import LiveSite, screenshot
from tests.web.steps import PHOTOS, log_in, new_user, sql

DETECTION_TIMEOUT_MS = 45_000


def _post(site: LiveSite, token: str, photo: str, name: str) -> str:
    body = {"animal_category_id": 1, "animal_subcategory_id": 1, "name": name, "description": ""}
    response = httpx.post(
        f"{site.url}/v0/animal",
        headers={"token": token},
        data={"request": json.dumps(body)},
        files={"file": (photo.rsplit("/", 1)[-1], (PHOTOS / photo).read_bytes(), "image/jpeg")},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def _confirm(site: LiveSite, animal_id: str, note: str) -> None:
    """What an administrator's Confirm in the portal does: the review service's verdict."""
    engine = create_engine(site.database_url)
    try:
        with Session(engine) as session:
            service = ModerationService(session)
            [item] = service.queue(QueueFilter(animal_id=animal_id)).items
            service.review([item.violation_id], CONFIRM, "moderator", note)
    finally:
        engine.dispose()


def _state(page: Page) -> str:
    return page.locator(".moderation .notice").get_attribute("data-state") or ""


def test_the_owner_follows_a_no_animal_post_from_checking_to_removal_and_review(
    page: Page, live_site: LiveSite
) -> None:
    width = page.viewport_size["width"]  # type: ignore[index]
    handle, password, token = new_user(live_site, "owner")
    log_in(page, live_site, handle, password)
    page.get_by_role("link", name="投稿").click()
    page.get_by_label("写真（JPEG・PNG・WebP）").set_input_files(
        PHOTOS / "no_animal" / "coffee_cup.jpg"
    )
    expect(page.locator("img.preview")).to_be_visible()
    page.get_by_label("種類").select_option(label="ネコ")
    page.get_by_label("品種").select_option(label="ラグドール")
    page.get_by_label("名前").fill("コーヒー")
    page.get_by_role("button", name="投稿する").click()
    notice = page.locator(".moderation .notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute(
        "data-state", "hidden_for_review", timeout=DETECTION_TIMEOUT_MS
    )
    expect(notice).to_contain_text("写真に動物が写っていないと判定されました")
    expect(page.locator(".hide-post")).to_be_hidden()
    screenshot(page, f"moderation-hidden-{width}")
    animal_id = page.url.rsplit("/", 1)[-1].split("?")[0]

    _confirm(live_site, animal_id, "動物が写っていません")
    page.reload()
    expect(notice).to_have_attribute("data-state", "removed")
    expect(notice).to_contain_text("管理者が削除しました")
    expect(page.locator(".moderation-note")).to_contain_text("動物が写っていません")
    screenshot(page, f"moderation-removed-{width}")

    page.get_by_role("button", name="審査をお願いする").click()
    expect(page.locator(".review-requested")).to_contain_text("審査をお願いしました")
    expect(page.get_by_role("button", name="審査をお願いする")).to_have_count(0)
    expect(notice).to_have_attribute("data-state", "hidden_for_review")
    again = httpx.post(
        f"{live_site.url}/v0/animal/moderation/review_request",
        params={"id": animal_id},
        headers={"token": token},
    )
    assert again.status_code == 409

    page.get_by_role("link", name="マイページ").click()
    tile = page.locator(f'.my-posts li[data-animal-id="{animal_id}"] .badge')
    expect(tile).to_have_text("審査待ち")
    screenshot(page, f"moderation-me-{width}")


def test_the_owner_unhides_a_post_they_hid(page: Page, live_site: LiveSite) -> None:
    handle, password, token = new_user(live_site, "owner")
    animal_id = _post(live_site, token, "cat/ginger_kitten.jpg", "みかん")
    hidden = httpx.delete(
        f"{live_site.url}/v0/animal", params={"id": animal_id}, headers={"token": token}
    )
    assert hidden.status_code == 204
    log_in(page, live_site, handle, password)
    page.get_by_role("link", name="マイページ").click()
    expect(page.locator(f'.my-posts li[data-animal-id="{animal_id}"] .badge')).to_have_text(
        "非表示中"
    )
    page.goto(f"{live_site.url}/#/animal/{animal_id}")
    notice = page.locator(".moderation .notice")
    expect(notice).to_have_attribute("data-state", "hidden_by_you")
    expect(notice).to_contain_text("あなたが非表示にしています")
    page.get_by_role("button", name="再表示").click()
    expect(notice).not_to_have_attribute("data-state", "hidden_by_you")
    assert _state(page) in {"checking", "visible"}
    other = new_user(live_site, "owner")[2]
    seen = httpx.get(
        f"{live_site.url}/v0/animal", params={"id": animal_id}, headers={"token": other}
    )
    assert [row["id"] for row in seen.json()] == [animal_id]


def test_a_missing_post_is_a_not_found_state(page: Page, live_site: LiveSite) -> None:
    handle, password, _ = new_user(live_site, "owner")
    log_in(page, live_site, handle, password)
    page.goto(f"{live_site.url}/#/animal/{'0' * 32}")
    expect(page.get_by_role("heading", level=1)).to_have_text("この動物は見つかりません。")
    expect(page.get_by_role("link", name="さがすにもどる")).to_be_visible()
    expect(page.get_by_role("heading", name="いいねした人")).to_have_count(0)


def test_a_user_reports_another_users_post_once(page: Page, live_site: LiveSite) -> None:
    _, _, owner_token = new_user(live_site, "owner")
    animal_id = _post(live_site, owner_token, "cat/chelsea_tabby.jpg", "チェルシー")
    handle, password, _ = new_user(live_site, "owner")
    log_in(page, live_site, handle, password)
    page.goto(f"{live_site.url}/#/animal/{animal_id}")
    page.get_by_role("button", name="通報する").click()
    page.get_by_label("問題の種類").select_option(label="不適切な内容")
    page.get_by_label("くわしい理由（任意）").fill("説明文に広告が入っています")
    screenshot(page, f"report-form-{page.viewport_size['width']}")  # type: ignore[index]
    page.get_by_role("button", name="送信").click()
    expect(page.locator(".report .notice")).to_have_text("通報しました。管理者が確認します。")
    rows = sql(
        live_site,
        "SELECT v.state, v.is_effective, t.name FROM violations v "
        "JOIN violation_types t ON t.id = v.violation_type_id "
        "WHERE v.animal_id = :a AND v.judge LIKE 'report:%'",
        a=animal_id,
    )
    assert [tuple(row) for row in rows] == [("pending", False, "inappropriate_violation")]
    page.reload()
    page.get_by_role("button", name="通報する").click()
    page.get_by_role("button", name="送信").click()
    expect(page.locator(".report .notice")).to_have_text("この投稿はすでに通報しています。")
