"""Every error a user can cause is a sentence in the UI's language, never the server's text."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, Request, Route, expect

from tests.web.conftest import DEMO_USER, LiveSite, screenshot
from tests.web.steps import PHOTOS, log_in

SERVER_WORDS = re.compile(r"String should|already registered|bytes|network|value_error|\w+_\w+")
"""What the server's English would show: pydantic's wording, its ids, a raw `network`."""


def _no_server_text(text: str) -> None:
    assert not SERVER_WORDS.search(text), f"raw server text in the UI: {text!r}"


def _sign_up(page: Page, site: LiveSite, handle: str, email: str, password: str) -> str:
    page.goto(f"{site.url}/#/signup")
    page.get_by_label("ユーザー名（英数字と _ . -、3文字以上）").fill(handle)
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード（12文字以上）").fill(password)
    page.get_by_role("button", name="登録してログイン").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    text = alert.inner_text()
    _no_server_text(text)
    return text


def test_sign_up_mistakes_are_japanese_sentences(page: Page, live_site: LiveSite) -> None:
    fresh = f"msg_{uuid.uuid4().hex[:8]}"
    short = _sign_up(page, live_site, fresh, f"{fresh}@example.com", "short")
    assert short == "パスワードが短すぎます。12文字以上にしてください。"
    common = _sign_up(page, live_site, fresh, f"{fresh}@example.com", "Password2024!")
    assert common.startswith("よく使われているパスワードは使えません。")
    taken = _sign_up(page, live_site, DEMO_USER[0], f"{fresh}@example.com", "a long passphrase")
    assert taken == "このユーザー名はすでに使われています。別のユーザー名にしてください。"
    email = _sign_up(page, live_site, fresh, "not-an-address", "a long passphrase")
    assert email.startswith("メールアドレスの形式が正しくありません。")
    handle = _sign_up(page, live_site, "a b", f"{fresh}@example.com", "a long passphrase")
    assert handle.startswith("ユーザー名は半角の英数字")
    screenshot(page, f"messages-signup-{page.viewport_size['width']}")  # type: ignore[index]


def test_sign_up_mistakes_are_english_sentences_in_english_mode(
    page: Page, live_site: LiveSite
) -> None:
    page.goto(f"{live_site.url}/#/signup")
    page.get_by_role("button", name="English").click()
    page.get_by_label("User name (letters, digits, _ . -, at least 3)").fill(DEMO_USER[0])
    page.get_by_label("E-mail address").fill("someone@example.com")
    page.get_by_label("Password (at least 12 characters)").fill("a long passphrase")
    page.get_by_role("button", name="Sign up and log in").click()
    expect(page.get_by_role("alert")).to_have_text("This user name is taken. Choose another one.")


def _open_post_form(page: Page, site: LiveSite) -> list[Request]:
    """Log in, open the post form; the list fills with every post request sent."""
    log_in(page, site, *DEMO_USER)
    sent: list[Request] = []

    def record(request: Request) -> None:
        if request.method == "POST" and request.url.split("?")[0].endswith("/v0/animal"):
            sent.append(request)

    page.on("request", record)
    page.get_by_role("link", name="投稿").click()
    expect(page.get_by_role("heading", name="写真を投稿")).to_be_visible()
    return sent


def test_an_oversized_photo_is_refused_before_any_upload(page: Page, live_site: LiveSite) -> None:
    sent = _open_post_form(page, live_site)
    limit = page.evaluate(
        """async () => {
            const session = JSON.parse(localStorage.getItem('aianimals.session'));
            const headers = {Authorization: `Bearer ${session.token}`};
            const answer = await fetch('/v0/metadata', {headers});
            return (await answer.json()).upload.max_bytes;
        }"""
    )
    big = {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (limit + 1)}
    page.get_by_label("写真（JPEG・PNG・WebP）").set_input_files(big)
    expect(page.get_by_role("alert")).to_have_text(
        f"写真が大きすぎます。{limit // (1024 * 1024)} MB までの写真を選んでください。"
    )
    page.get_by_label("種類").select_option(label="ネコ")
    page.get_by_label("品種").select_option(label="ラグドール")
    page.get_by_label("名前").fill("おおきい")
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_role("alert")).to_contain_text("写真が大きすぎます。")
    expect(page.get_by_label("写真（JPEG・PNG・WebP）")).to_have_attribute("aria-invalid", "true")
    page.wait_for_timeout(300)
    assert sent == [], "the oversized photo was sent"
    screenshot(page, f"messages-too-large-{page.viewport_size['width']}")  # type: ignore[index]


def test_a_file_of_the_wrong_type_is_refused_before_any_upload(
    page: Page, live_site: LiveSite
) -> None:
    sent = _open_post_form(page, live_site)
    text = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a photo"}
    page.get_by_label("写真（JPEG・PNG・WebP）").set_input_files(text)
    expect(page.get_by_role("alert")).to_have_text(
        "この形式のファイルは投稿できません。JPEG・PNG・WebP の写真を選んでください。"
    )
    assert sent == []


def test_a_photo_the_server_cannot_read_is_said_in_japanese(
    page: Page, live_site: LiveSite
) -> None:
    sent = _open_post_form(page, live_site)
    photo = (PHOTOS / "cat" / "ginger_kitten.jpg").read_bytes()
    broken = {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": photo[: len(photo) // 3]}
    page.get_by_label("写真（JPEG・PNG・WebP）").set_input_files(broken)
    page.get_by_label("種類").select_option(label="ネコ")
    page.get_by_label("品種").select_option(label="ラグドール")
    page.get_by_label("名前").fill("こわれた")
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_role("alert")).to_have_text(
        "写真を読み込めませんでした。壊れていない写真を選んでください。"
    )
    assert len(sent) == 1


def test_a_missing_field_is_a_sentence(page: Page, live_site: LiveSite) -> None:
    _open_post_form(page, live_site)
    page.get_by_role("button", name="投稿する").click()
    expect(page.get_by_role("alert")).to_have_text(
        "写真（JPEG・PNG・WebP）・種類・品種・名前を入力してください。"
    )


def test_a_network_failure_is_a_sentence_with_a_retry(page: Page, live_site: LiveSite) -> None:
    log_in(page, live_site, *DEMO_USER)
    page.route("**/v0/animal/search*", lambda route: route.abort())
    page.goto(f"{live_site.url}/#/search?q=%E3%81%AD%E3%81%93")
    error = page.locator(".state.error p")
    expect(error).to_have_text(
        "サーバーにつながりません。通信環境を確かめて、もう一度お試しください。"
    )
    _no_server_text(page.locator("main").inner_text())
    page.unroute("**/v0/animal/search*")
    page.get_by_role("button", name="再試行").click()
    expect(page.locator(".grid .tile").first).to_be_visible()


def test_a_server_failure_is_a_sentence(page: Page, live_site: LiveSite) -> None:
    log_in(page, live_site, *DEMO_USER)

    def fail(route: Route) -> None:
        route.fulfill(
            status=500,
            content_type="application/json",
            body='{"code": "internal_error", "detail": "internal server error"}',
        )

    page.route("**/v0/animal/search*", fail)
    page.goto(f"{live_site.url}/#/search?q=x")
    expect(page.locator(".state.error p")).to_have_text(
        "サーバーで問題が起きました。しばらくしてからもう一度お試しください。"
    )


def test_an_unknown_sort_or_breed_in_the_url_falls_back_and_says_so(
    page: Page, live_site: LiveSite
) -> None:
    log_in(page, live_site, *DEMO_USER)
    page.goto(f"{live_site.url}/#/search?sort=bogus&breed=unicorn")
    notice = page.locator(".url-notice")
    expect(notice).to_have_text(
        "並び順「bogus」は使えないため、関連度で表示しています。 "
        "「unicorn」という種類・品種はないため、絞り込まずに表示しています。"
    )
    expect(page.locator(".grid .tile").first).to_be_visible()
    expect(page.get_by_label("並び順")).to_have_value("score")
    assert page.locator(".state.error").count() == 0
    screenshot(page, f"messages-unknown-sort-{page.viewport_size['width']}")  # type: ignore[index]
