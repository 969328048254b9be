"""The simulator page in a real browser: the app served over HTTP, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from messaging.values import reply_from_dict
from models import ChatAccount

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "apt-get install -y chromium chromium-driver"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"playwright is not installed (pip install playwright; {INSTALL_HINT})")
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip(f"no Chromium at {CHROMIUM}: {INSTALL_HINT}")
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_url(app) -> Iterator[str]:
    """The app on a real socket, in a thread; closed (socket and thread) after the test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="simulator-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(viewport={"width": 390, "height": 760}, locale="th-TH",
                                  base_url=live_url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/")
    page.wait_for_selector("[data-testid=user-id]")
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def expect():
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=TIMEOUT_MS)
    return playwright_expect


def use_user(page, user: str) -> None:
    field = page.get_by_test_id("user-id")
    field.fill(user)
    field.press("Enter")
    expect()(field).to_have_value(user)


def say(page, text: str) -> None:
    box = page.get_by_test_id("text-input")
    box.fill(text)
    box.press("Enter")


def push(app, user: str, key: str, payload: list[dict]) -> None:
    """Deliver through the simulator's sender, as the outbox dispatcher will."""
    delivery = app.extensions["simulator"].deliver(user, [reply_from_dict(p) for p in payload], key)
    assert delivery.ok


def test_greeting_gets_the_welcome_and_menu_chips(page):
    use_user(page, "browser-greet")
    say(page, "สวัสดี")
    expect()(page.get_by_test_id("msg-user").last).to_contain_text("สวัสดี")
    bot = page.get_by_test_id("msg-bot")
    expect()(bot.first).to_contain_text("ยินดีต้อนรับ")
    chips = page.get_by_test_id("chip")
    expect()(chips.filter(has_text="ลงทะเบียน")).to_have_count(1)
    expect()(chips.filter(has_text="ยอดเงินของฉัน")).to_have_count(1)
    assert chips.count() >= 6
    expect()(page.get_by_test_id("text-input")).to_have_value("")  # Enter sent and cleared it


def test_tapping_a_chip_shows_its_label_and_the_next_reply(page):
    use_user(page, "browser-tap")
    say(page, "เมนู")
    page.get_by_test_id("chip").filter(has_text="Language").first.click()
    expect()(page.get_by_test_id("msg-user").last).to_have_text("Language / ภาษา")
    english = page.locator("[data-testid=chip][data-postback='lang:en']")
    expect()(english).to_have_count(1)
    english.click()
    expect()(page.get_by_test_id("msg-user").last).to_have_text("English")
    expect()(page.get_by_test_id("msg-bot").last.get_by_test_id("chip").first).to_be_visible()


def test_pushed_card_appears_once_as_a_card_with_its_rows(page, app):
    use_user(page, "browser-push")
    say(page, "สวัสดี")
    expect()(page.get_by_test_id("msg-bot").first).to_contain_text("ยินดีต้อนรับ")
    card = {"title": "แจ้งค่าสัจจะเดือน ธ.ค. 2569",
            "rows": [{"label": "ค้างชำระ", "value": "2 เดือน"}, {"label": "ยอด", "value": "60 บาท"},
                     {"label": "", "value": "ชำระได้ที่ที่ทำการกองทุน"}],
            "footer": "ขอบคุณค่ะ"}
    payload = [{"text": "แจ้งค่าสัจจะ (text fallback)", "buttons": [{"label": "เมนูหลัก", "postback": "menu"}],
                "card": card, "alt_text": card["title"]}]
    push(app, "browser-push", "dues:browser:2026-12", payload)
    push(app, "someone-else", "dues:other:2026-12", payload)  # not this user

    pushed = page.get_by_test_id("msg-pushed")
    expect()(pushed).to_have_count(1)  # the page polls on its own every few seconds
    shown = pushed.get_by_test_id("card")
    expect()(shown.get_by_test_id("card-title")).to_have_text(card["title"])
    rows = shown.get_by_test_id("card-row")
    expect()(rows).to_have_count(3)
    expect()(rows.nth(0)).to_contain_text("ค้างชำระ")
    expect()(rows.nth(0)).to_contain_text("2 เดือน")
    expect()(rows.nth(1)).to_contain_text("60 บาท")
    expect()(shown.get_by_test_id("card-footer")).to_have_text("ขอบคุณค่ะ")
    expect()(pushed).to_contain_text("pushed")
    expect()(pushed.get_by_test_id("chip")).to_have_text("เมนูหลัก")

    page.evaluate("window.kongtunSimulator.poll()")
    page.wait_for_timeout(300)
    expect()(pushed).to_have_count(1)  # shown once, remembered by key
    page.reload()
    expect()(page.get_by_test_id("msg-pushed")).to_have_count(1)  # restored, not repeated


def test_pushed_text_falls_back_and_is_escaped(page, app):
    use_user(page, "browser-escape")
    evil = '<img src=x onerror="window.pwned=1"><b>ตัวหนา</b>'
    push(app, "browser-escape", "announce:evil", [{"text": evil, "buttons": []}])
    bubble = page.get_by_test_id("msg-pushed").get_by_test_id("bubble")
    expect()(bubble).to_have_text(evil)
    assert page.locator("#chat-log img, #chat-log b").count() == 0
    assert page.evaluate("window.pwned === undefined")


def test_switching_user_gives_a_separate_conversation(page, app):
    use_user(page, "browser-a")
    say(page, "สวัสดี")
    expect()(page.get_by_test_id("msg-bot").first).to_contain_text("ยินดีต้อนรับ")

    page.locator("[data-testid=preset-user][data-user='demo-somsri']").click()
    expect()(page.get_by_test_id("user-id")).to_have_value("demo-somsri")
    expect()(page.get_by_test_id("msg-user")).to_have_count(0)
    expect()(page.get_by_test_id("msg-bot")).to_have_count(0)
    say(page, "ภาษา")
    expect()(page.get_by_test_id("msg-user")).to_have_count(1)
    expect()(page.get_by_test_id("chip").filter(has_text="English")).to_have_count(1)

    use_user(page, "browser-a")
    expect()(page.get_by_test_id("msg-user")).to_have_count(1)
    expect()(page.get_by_test_id("msg-user")).to_have_text("สวัสดี")
    page.reload()  # the chosen id is remembered
    expect()(page.get_by_test_id("user-id")).to_have_value("browser-a")
    expect()(page.get_by_test_id("msg-user")).to_have_text("สวัสดี")

    with app.extensions["kongtun"].Session() as session:
        users = {a.external_user_id for a in session.query(ChatAccount).filter_by(channel="simulator")}
    assert {"browser-a", "demo-somsri"} <= users


def test_reset_clears_only_the_view(page):
    use_user(page, "browser-reset")
    say(page, "สวัสดี")
    expect()(page.get_by_test_id("msg-bot").first).to_be_visible()
    page.get_by_test_id("reset-view").click()
    expect()(page.get_by_test_id("msg-bot")).to_have_count(0)
    expect()(page.get_by_test_id("empty")).to_be_visible()
    page.reload()
    expect()(page.get_by_test_id("msg-bot")).to_have_count(0)


def test_a_refused_message_is_shown_as_an_error(page):
    use_user(page, "browser-error")

    def refuse(route):
        route.fulfill(status=400, content_type="application/json",
                      body='{"error": "send exactly one of \'text\' or \'postback\'"}')

    page.route("**/simulator/api/messages", refuse)
    say(page, "สวัสดี")
    error = page.get_by_test_id("msg-error")
    expect()(error).to_contain_text("send exactly one of")
    expect()(error).to_contain_text("400")
    expect()(page.get_by_test_id("send")).to_be_enabled()

    page.unroute("**/simulator/api/messages")
    say(page, "สวัสดี")
    expect()(page.get_by_test_id("msg-bot").first).to_contain_text("ยินดีต้อนรับ")
