"""The checks the Telegram tests rely on: the spec validator and the fake Bot API catch what the real
Bot API would refuse, so a passing test means a call Telegram accepts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter

import bot.channels.telegram  # noqa: F401 - opts in to timedelta periods, as the app does
from tests.fakes.telegram_api import BOT_USERNAME, TOKEN, FakeTelegram
from tests.fakes.telegram_spec import TelegramSpec, check_html

SPEC = TelegramSpec()
OK_SEND = {"chat_id": 5012345678, "text": "สวัสดีค่ะ", "parse_mode": "HTML"}


def test_the_spec_describes_what_the_bot_uses():
    for method in ("getMe", "sendMessage", "answerCallbackQuery", "setWebhook", "getWebhookInfo",
                   "setMyCommands", "getMyCommands"):
        assert method in SPEC.methods
    for name in ("Update", "Message", "CallbackQuery", "ChatMemberUpdated", "Contact",
                 "InlineKeyboardMarkup", "ReplyKeyboardMarkup", "BotCommand"):
        assert name in SPEC.types


def test_a_good_call_passes():
    assert SPEC.check_call("sendMessage", OK_SEND) == []


@pytest.mark.parametrize(("method", "params", "problem"), [
    ("sendMessage", {"text": "x"}, "'chat_id' is missing"),
    ("sendMessage", {"chat_id": 1}, "'text' is missing"),
    ("sendMessage", {**OK_SEND, "chat_id": 1.5}, "expected"),
    ("sendMessage", {**OK_SEND, "disable_notification": "yes"}, "expected Boolean"),
    ("sendMessage", {**OK_SEND, "colour": "red"}, "unknown field 'colour'"),
    ("sendMessage", {**OK_SEND, "text": "ก" * 4097}, "after parsing"),
    ("sendMessage", {**OK_SEND, "text": "   "}, "after parsing"),
    ("sendMessage", {**OK_SEND, "parse_mode": "html"}, "parse_mode"),
    ("sendMessage", {**OK_SEND, "text": "1 < 2"}, "bare '<'"),
    ("sendMessage", {**OK_SEND, "text": "A & B"}, "bare '&'"),
    ("sendMessage", {**OK_SEND, "text": "<h1>หัวข้อ</h1>"}, "not in Telegram's HTML"),
    ("sendMessage", {**OK_SEND, "text": "<b>ตัวหนา"}, "unclosed"),
    ("sendMessage", {**OK_SEND, "text": "<b><i>x</b></i>"}, "does not close"),
    ("sendMessage", {**OK_SEND, "reply_markup": {"inline_keyboard": [[{"text": "ปุ่ม",
                                                                     "callback_data": "ก" * 22}]]}},
     "66 bytes"),
    ("sendMessage", {**OK_SEND, "reply_markup": {"inline_keyboard": [[{"text": "ปุ่ม"}]]}},
     "exactly one action"),
    ("sendMessage", {**OK_SEND, "reply_markup": {"inline_keyboard": [{"text": "ปุ่ม", "callback_data": "a"}]}},
     "expected"),
    ("answerCallbackQuery", {}, "'callback_query_id' is missing"),
    ("setWebhook", {"url": "https://x.example/webhooks/telegram", "secret_token": "มีภาษาไทย"},
     "secret_token"),
    ("setWebhook", {"url": "https://x.example", "allowed_updates": ["messages"]}, "not an update kind"),
    ("setMyCommands", {"commands": [{"command": "Balance", "description": "x"}]}, "a-z 0-9 _"),
    ("setMyCommands", {"commands": [{"command": "balance", "description": ""}]}, "1-256"),
    ("setMyCommands", {"commands": [], "language_code": "tha"}, "two-letter"),
    ("sendMesage", {}, "no such Bot API method"),
])
def test_bad_calls_are_caught(method, params, problem):
    errors = SPEC.check_call(method, params)
    assert any(problem in e for e in errors), errors


def test_form_bodies_are_read_by_the_spec_types():
    params, errors = SPEC.coerce_form("sendMessage", {
        "chat_id": "-1001987654321", "text": "123", "disable_notification": "true",
        "reply_markup": '{"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}'})
    assert errors == []
    assert params["chat_id"] == -1001987654321 and params["text"] == "123"
    assert params["disable_notification"] is True and params["reply_markup"]["inline_keyboard"]
    _, errors = SPEC.coerce_form("answerCallbackQuery", {"callback_query_id": "1", "cache_time": "soon"})
    assert errors


def test_html_is_read_as_telegram_reads_it():
    assert check_html("<b>ยอด</b> &lt;30&gt; &amp; &quot;บาท&quot; &#3585;") == ('ยอด <30> & "บาท" ก', [])


def test_updates_built_by_the_tests_hold_to_the_spec(updates):
    user = updates.user(5012345678)
    for update in (updates.message(user, text="/start"), updates.callback(user, "acct"),
                   updates.message(user, contact={"phone_number": "66812345678", "first_name": "ก",
                                                  "user_id": 5012345678}),
                   updates.message(user, updates.group_chat(), text=f"/menu@{BOT_USERNAME}"),
                   updates.my_chat_member(user, "member", "kicked"), updates.message(user, sticker=True)):
        assert SPEC.check_update(update) == [], update


def test_bad_updates_are_caught(updates):
    user = updates.user(5012345678)
    two_kinds = {**updates.message(user, text="a"),
                 "edited_message": updates.message(user, text="b")["message"]}
    assert any("exactly one kind" in e for e in SPEC.check_update(two_kinds))
    no_from = updates.callback(user, "acct")
    del no_from["callback_query"]["from"]
    assert any("'from' is missing" in e for e in SPEC.check_update(no_from))
    wrong_status = updates.my_chat_member(user, "member", "kicked")
    wrong_status["my_chat_member"]["new_chat_member"]["status"] = "blocked"
    assert SPEC.check_update(wrong_status)
    typo = updates.message(user, text="a")
    typo["message"]["form"] = typo["message"].pop("from")
    assert any("unknown field 'form'" in e for e in SPEC.check_update(typo))
    long_data = updates.callback(user, "x" * 65)
    assert any("64 bytes" in e for e in SPEC.check_update(long_data))


# --- the fake, through python-telegram-bot itself -------------------------------------------------

def run(fake: FakeTelegram, work, token: str = TOKEN):
    async def main():
        async with Bot(token, base_url=f"{fake.url}/bot") as bot:
            return await work(bot)

    return asyncio.run(main())


def test_the_fake_answers_as_telegram_does(fake_telegram):
    async def work(bot: Bot):
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("เมนู", callback_data="menu")]])
        sent = await bot.send_message(42, "<b>ยอด</b> &amp; สิทธิ", parse_mode="HTML", reply_markup=keyboard)
        return bot.username, sent

    username, sent = run(fake_telegram, work)
    assert username == BOT_USERNAME
    assert sent.text == "ยอด & สิทธิ" and sent.chat.id == 42
    assert [c.method for c in fake_telegram.calls] == ["getMe", "sendMessage"]


def test_the_fake_refuses_and_records_a_bad_call(fake_telegram):
    async def work(bot: Bot):
        await bot.send_message(42, "1 < 2", parse_mode="HTML")

    with pytest.raises(BadRequest, match="bare '<'"):
        run(fake_telegram, work)
    assert fake_telegram.errors
    fake_telegram.errors.clear()  # expected here; any other test with errors fails


def test_the_fake_refuses_a_wrong_token(fake_telegram):
    with pytest.raises(InvalidToken):
        run(fake_telegram, lambda bot: asyncio.sleep(0), token="999:wrong")


def test_scripted_failures(fake_telegram):
    async def work(bot: Bot):
        results = []
        for _ in range(3):
            try:
                await bot.send_message(42, "x")
                results.append("ok")
            except RetryAfter as exc:
                results.append(exc.retry_after)
            except Forbidden as exc:
                results.append(exc.message)
        return results

    fake_telegram.flood_next_send(retry_after=7)
    fake_telegram.block_next_send()
    assert run(fake_telegram, work) == [timedelta(seconds=7), "Forbidden: bot was blocked by the user", "ok"]
