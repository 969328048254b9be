"""`kongtun telegram set-webhook URL` and `kongtun telegram commands` against the fake Bot API."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.channels.telegram import ALLOWED_UPDATES
from bot.channels.telegram_classify import MENU_COMMANDS
from bot.cli import main
from locales import translate
from tests.fakes.telegram_api import TOKEN
from tests.fakes.telegram_updates import WEBHOOK_SECRET

URL = "https://kongtun.example.org/webhooks/telegram"


@pytest.fixture
def cli(fake_telegram, database_url, clean_db):
    # `commands` reads who holds a committee role (their chats get /committee too).
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "TELEGRAM_API_BASE_URL": fake_telegram.url, "KONGTUN_SECRET_KEY": "cli-test",
           "DATABASE_URL": database_url}

    def run(*args: str, **extra_env: str | None):
        return CliRunner().invoke(main, ["telegram", *args], env={**env, **extra_env})

    return run


def test_set_webhook_with_the_secret_and_only_the_updates_used(cli, fake_telegram):
    result = cli("set-webhook", URL)
    assert result.exit_code == 0, result.output
    [call] = fake_telegram.calls_to("setWebhook")
    assert call == {"url": URL, "secret_token": WEBHOOK_SECRET, "allowed_updates": list(ALLOWED_UPDATES),
                    "drop_pending_updates": False}
    assert set(ALLOWED_UPDATES) == {"message", "callback_query", "my_chat_member"}
    assert f"Webhook: {URL}" in result.output
    assert "message, callback_query, my_chat_member" in result.output
    assert "Pending updates: 0" in result.output


def test_set_webhook_again_is_harmless(cli, fake_telegram):
    assert cli("set-webhook", URL).exit_code == 0
    state = dict(fake_telegram.webhook)
    second = cli("set-webhook", URL)
    assert second.exit_code == 0, second.output
    assert fake_telegram.webhook == state
    assert len(fake_telegram.calls_to("setWebhook")) == 2


@pytest.mark.parametrize("url", ["http://kongtun.example.org/webhooks/telegram", "kongtun.example.org"])
def test_set_webhook_needs_https(cli, fake_telegram, url):
    result = cli("set-webhook", url)
    assert result.exit_code != 0 and "https://" in result.output
    assert fake_telegram.calls == []


def test_set_webhook_needs_the_secret(cli, fake_telegram):
    result = cli("set-webhook", URL, TELEGRAM_WEBHOOK_SECRET="")
    assert result.exit_code != 0 and "TELEGRAM_WEBHOOK_SECRET" in result.output
    assert fake_telegram.calls == []


def test_a_telegram_refusal_is_an_error_not_a_traceback(cli, fake_telegram):
    fake_telegram.fail_next("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host")
    result = cli("set-webhook", URL)
    assert result.exit_code == 1
    assert "failed to resolve host" in result.output.lower()


def test_commands_in_english_by_default_and_thai_for_thai_apps(cli, fake_telegram):
    result = cli("commands")
    assert result.exit_code == 0, result.output
    calls = fake_telegram.calls_to("setMyCommands")
    assert len(calls) == 2
    default, thai = calls
    assert "language_code" not in default and thai["language_code"] == "th"
    assert [c["command"] for c in default["commands"]] == list(MENU_COMMANDS)
    assert [c["command"] for c in thai["commands"]] == list(MENU_COMMANDS)
    assert {"balance", "benefits", "fund", "meetings", "register", "language", "help", "menu",
            "cancel"} == set(MENU_COMMANDS)
    english = {c["command"]: c["description"] for c in default["commands"]}
    thai_text = {c["command"]: c["description"] for c in thai["commands"]}
    assert english["balance"] == translate("en", "telegram.cmd_balance")
    assert thai_text["balance"] == translate("th", "telegram.cmd_balance") == "ดูยอดเงินสัจจะของฉัน"
    assert "default: set 9 commands" in result.output and "th: set 9 commands" in result.output


def test_commands_again_change_nothing(cli, fake_telegram):
    assert cli("commands").exit_code == 0
    second = cli("commands")
    assert second.exit_code == 0, second.output
    assert len(fake_telegram.calls_to("setMyCommands")) == 2  # only the first run set them
    assert "default: unchanged" in second.output and "th: unchanged" in second.output


def test_commands_need_the_token(cli, fake_telegram):
    result = cli("commands", TELEGRAM_BOT_TOKEN="")
    assert result.exit_code != 0 and "TELEGRAM_BOT_TOKEN" in result.output
