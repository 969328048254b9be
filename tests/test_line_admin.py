"""`kongtun line set-webhook URL` and `kongtun line richmenu` against the fake LINE, via click."""

from __future__ import annotations

import io
import threading

import pytest
from click.testing import CliRunner
from PIL import Image
from werkzeug.serving import make_server

from bot.channels import line_richmenu
from bot.cli import main
from locales import translate
from tests.conftest import SECRET
from tests.fakes.line_webhook import ACCESS_TOKEN, CHANNEL_SECRET, LineUser

MENU_DATA = {"acct", "ben", "meet", "fund", "reg", "menu"}


@pytest.fixture
def env(fake_line, database_url) -> dict[str, str]:
    return {
        "KONGTUN_SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": fake_line.url,
    }


def run(env: dict, *args: str):
    return CliRunner().invoke(main, ["line", *args], env=env, catch_exceptions=False)


@pytest.fixture
def served(line_app):
    """The app on a real loopback port, so LINE's test call can reach the webhook."""
    server = make_server("127.0.0.1", 0, line_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


# --- set-webhook --------------------------------------------------------------------------------

def test_set_webhook_sets_and_tests_the_endpoint_and_is_idempotent(env, fake_line, served):
    url = f"{served}/webhooks/line"
    first = run(env, "set-webhook", url)
    assert first.exit_code == 0, first.output
    assert f"Webhook URL set to {url}" in first.output
    assert "Test call: OK (HTTP 200" in first.output
    assert fake_line.webhook_endpoint == url
    assert fake_line.calls("setWebhookEndpoint")[0].json == {"endpoint": url}

    again = run(env, "set-webhook", url)
    assert again.exit_code == 0 and "already" in again.output and "Test call: OK" in again.output
    assert len(fake_line.calls("setWebhookEndpoint")) == 1
    assert len(fake_line.calls("testWebhookEndpoint")) == 2


def test_set_webhook_reports_a_failing_endpoint(env, fake_line, served):
    fake_line.channel_secret = "another-secret"  # LINE signs with a secret the bot does not have
    result = run(env, "set-webhook", f"{served}/webhooks/line")
    assert result.exit_code == 1
    assert "Test call: FAILED (HTTP 400" in result.output


def test_set_webhook_without_a_token_says_what_is_missing(env):
    env = {**env, "LINE_CHANNEL_ACCESS_TOKEN": ""}
    result = CliRunner().invoke(main, ["line", "set-webhook", "https://example.org/webhooks/line"], env=env)
    assert result.exit_code != 0 and "LINE_CHANNEL_ACCESS_TOKEN" in result.output


# --- richmenu -----------------------------------------------------------------------------------

def thai_font():
    try:
        return line_richmenu.find_font()
    except line_richmenu.FontMissing:
        pytest.skip("no Thai font installed: `make fonts`")


def test_richmenu_creates_uploads_and_sets_the_default(env, fake_line, tmp_path):
    thai_font()
    result = run(env, "richmenu", "--save", str(tmp_path / "menu.png"))
    assert result.exit_code == 0, result.output
    (menu_id,) = [i for i, m in fake_line.richmenus.items() if not m["name"].startswith("kongtun-committee")]
    menu = fake_line.richmenus[menu_id]
    assert menu["name"].startswith("kongtun-main-") and menu["chatBarText"] == "เมนูกองทุน"
    assert {a["action"]["data"] for a in menu["areas"]} == MENU_DATA
    assert all(a["action"]["type"] == "postback" for a in menu["areas"])
    content_type, png = fake_line.richmenu_images[menu_id]
    assert content_type == "image/png" and len(png) < 1024 * 1024
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (2500, 1686)
    assert (tmp_path / "menu.png").read_bytes() == png
    assert (tmp_path / "menu-committee.png").is_file()  # the committee variant, beside it
    assert fake_line.default_richmenu == menu_id
    assert f"Default rich menu: {menu_id}" in result.output


def test_richmenu_twice_reuses_the_menu(env, fake_line):
    thai_font()
    assert run(env, "richmenu").exit_code == 0
    menus = list(fake_line.richmenus)  # the default one and the committee one
    second = run(env, "richmenu")
    assert second.exit_code == 0 and "exists" in second.output
    assert list(fake_line.richmenus) == menus and fake_line.default_richmenu == menus[0]
    assert len(fake_line.calls("createRichMenu")) == 2
    assert len(fake_line.calls("setRichMenuImage")) == 2


def test_richmenu_replaces_older_versions_and_half_made_duplicates_but_not_others(env, fake_line):
    thai_font()
    body = line_richmenu.menu_request(line_richmenu.draw(line_richmenu.find_font()))
    fake_line.richmenus.update({
        "richmenu-old": {**body, "richMenuId": "richmenu-old", "name": "kongtun-main-0123456789ab"},
        "richmenu-halfmade": {**body, "richMenuId": "richmenu-halfmade"},  # same name, no image
        "richmenu-other": {**body, "richMenuId": "richmenu-other", "name": "campaign-2026"},
    })
    result = run(env, "richmenu")
    assert result.exit_code == 0, result.output
    ours = [m for m in fake_line.richmenus.values() if m["name"].startswith("kongtun-main")]
    assert len(ours) == 1 and ours[0]["richMenuId"] == fake_line.default_richmenu
    assert "richmenu-other" in fake_line.richmenus
    assert "richmenu-old" not in fake_line.richmenus and "richmenu-halfmade" not in fake_line.richmenus


def test_richmenu_without_a_thai_font_says_how_to_install_one(env, fake_line, monkeypatch):
    monkeypatch.setattr(line_richmenu, "FONT_DIRS", ())
    result = run(env, "richmenu")
    assert result.exit_code != 0
    assert "make fonts" in result.output and "fonts-thai-tlwg" in result.output
    missing = run(env, "richmenu", "--font", "/nowhere/font.ttf")
    assert missing.exit_code != 0 and "/nowhere/font.ttf" in missing.output
    assert fake_line.requests == []


def test_every_rich_menu_area_is_a_button_the_bot_knows(line_client, fake_line):
    member = LineUser(line_client, fake_line)
    stale = translate("th", "menu.stale_button")
    for area in line_richmenu.areas():
        member.press(area["action"]["data"])
        assert member.last and stale not in member.text, area
