"""Values longer than their columns, or that no column can hold, are refused or made to fit before
the database sees them, on every channel and both databases: never a 500, never the error reply."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot import inbound
from locales import translate
from messaging.values import Incoming, Text
from models import AuditLog, ChatAccount, DialogState, OutboxMessage, ProcessedEvent
from tests.fakes import line_webhook as wh
from tests.fakes.telegram_updates import SECRET_HEADER, WEBHOOK_SECRET

ERROR_REPLY = translate("th", "menu.error")
LONG_NAME = "สมหญิง" * 60 + "\x00\x07ใจดี"  # 366 characters, a NUL and a bell among them


def counts(app) -> dict[str, int]:
    with app.extensions["kongtun"].Session() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m))
                for m in (ChatAccount, ProcessedEvent, DialogState, AuditLog)}


def post_line(client, *events):
    body = wh.callback(*events, validate=False)
    return client.post("/webhooks/line", data=body, headers={
        "Content-Type": "application/json", "X-Line-Signature": wh.sign(wh.CHANNEL_SECRET, body)})


def post_telegram(client, update):
    return client.post("/webhooks/telegram", data=json.dumps(update), content_type="application/json",
                       headers={SECRET_HEADER: WEBHOOK_SECRET})


# --- Telegram ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("update_id", [10**120, 2**63, 2**52 + 1])
def test_a_telegram_update_id_beyond_52_bits_is_400(tg_app, tg_client, updates, somying, update_id):
    update = updates.message(somying.from_user, text="สวัสดี")
    update["update_id"] = update_id
    assert post_telegram(tg_client, update).status_code == 400
    assert counts(tg_app)["ProcessedEvent"] == 0


@pytest.mark.parametrize("field", ["from", "chat"])
def test_a_telegram_id_beyond_64_bits_is_400(tg_app, tg_client, updates, somying, field):
    update = updates.message(somying.from_user, text="สวัสดี")
    update["message"][field]["id"] = 10**120
    assert post_telegram(tg_client, update).status_code == 400
    assert counts(tg_app)["ChatAccount"] == 0


def test_a_telegram_first_name_too_long_or_with_nul_is_cleaned_and_cut(tg_app, tg_client, updates,
                                                                        fake_telegram):
    user = updates.user(5_012_345_678, LONG_NAME)
    assert post_telegram(tg_client, updates.message(user, text="สวัสดี")).status_code == 200
    sent = fake_telegram.sent()
    assert sent and ERROR_REPLY not in sent[0]["text"]
    with tg_app.extensions["kongtun"].Session() as s:
        name = s.scalar(select(ChatAccount.display_name))
    assert len(name) <= inbound.MAX_DISPLAY_NAME and "\x00" not in name and "\x07" not in name
    assert name.startswith("สมหญิงสมหญิง")


# --- LINE ---------------------------------------------------------------------------------------------

def test_a_300_character_webhook_event_id_is_answered_once(line_app, line_client, fake_line):
    user = wh.user_id()
    event = wh.event("message", user, event_id="E" * 300, message=wh.text_message("สวัสดี"))
    assert post_line(line_client, event).status_code == 200
    assert post_line(line_client, event).status_code == 200  # redelivered: deduplicated
    replies = fake_line.sent()
    assert len(replies) == 1 and ERROR_REPLY not in json.dumps(replies, ensure_ascii=False)
    with line_app.extensions["kongtun"].Session() as s:
        stored = s.scalar(select(ProcessedEvent.event_id))
    assert stored.startswith(inbound.HASHED_PREFIX) and len(stored) <= inbound.MAX_EVENT_ID


@pytest.mark.parametrize("kind", ["message", "postback", "unfollow"])
def test_a_301_character_user_id_is_ignored_with_200(line_app, line_client, fake_line, caplog, kind):
    caplog.set_level(logging.INFO)
    user = "U" + "a" * 300
    fields = {"message": {"message": wh.text_message("สวัสดี")}, "postback": {"postback": {"data": "menu"}},
              "unfollow": {}}[kind]
    other = wh.event("message", wh.user_id(), message=wh.text_message("สวัสดี"))
    assert post_line(line_client, wh.event(kind, user, **fields), other).status_code == 200
    assert len(fake_line.sent()) == 1  # the other event of the same body is answered
    with line_app.extensions["kongtun"].Session() as s:
        assert s.scalar(select(func.count()).where(ChatAccount.external_user_id == user)) == 0


# --- the core, whatever the channel ---------------------------------------------------------------------

@pytest.mark.parametrize("user_id", ["U" * 101, "", "   ", "U\x00x", "U\ud800", "U\nx"])
def test_the_core_refuses_a_user_id_no_column_holds(app, user_id):
    core = app.extensions["kongtun"]
    assert core.handle(Incoming(channel="simulator", user_id=user_id, text="สวัสดี", event_id="e1")) == []
    core.set_reachable("simulator", user_id, False)
    core.record_push_fallback("simulator", user_id, reason="x", event_id="e1", requests=1, messages=1,
                              delivered=True)
    assert core.is_reachable("simulator", user_id) is False
    assert counts(app) == {"ChatAccount": 0, "ProcessedEvent": 0, "DialogState": 0, "AuditLog": 0}


@pytest.mark.parametrize("text", ["สวัสดี\x00", "\ud83dสวัสดี", "ก" * 20_000])
def test_the_core_takes_text_without_nul_or_lone_surrogates(app, text):
    core = app.extensions["kongtun"]
    replies = core.handle(Incoming(channel="simulator", user_id="U-text", text=text, event_id="e\x00é" * 60))
    assert replies and replies[0].text != ERROR_REPLY
    with core.Session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


@pytest.mark.parametrize("postback", ["x" * 301, "menu\x00", "เมนู", ""])
def test_the_core_refuses_button_data_no_button_sends(app, postback):
    core = app.extensions["kongtun"]
    assert core.handle(Incoming(channel="simulator", user_id="U-pb", postback=postback, event_id="e1")) == []
    assert counts(app)["ProcessedEvent"] == 0


def test_fitting_values_are_kept_as_they_are():
    assert inbound.event_id("01JDQ8ZK7M3V4W5X6Y7Z8A9B0C") == "01JDQ8ZK7M3V4W5X6Y7Z8A9B0C"
    assert inbound.event_id("x" * 101) == inbound.event_id("x" * 101) != inbound.event_id("x" * 102)
    assert inbound.display_name("  สมหญิง   ใจดี ") == "สมหญิง ใจดี"
    assert inbound.display_name("\x00\n") is None


@pytest.mark.parametrize(("kind", "where"), [("callback", "chat"), ("callback", "from"), ("message", "from")])
@pytest.mark.parametrize("value", ["\r\n", "5012345678", True, 1.5])
def test_a_telegram_id_that_is_not_an_integer_is_400(tg_app, tg_client, updates, fake_telegram, kind,
                                                      where, value):
    user = updates.user(5_012_345_678)
    update = updates.callback(user, "menu") if kind == "callback" else updates.message(user, text="สวัสดี")
    body = update["callback_query"] if kind == "callback" else update["message"]
    (body["message"]["chat"] if where == "chat" else body["from"])["id"] = value
    assert post_telegram(tg_client, update).status_code == 400
    assert fake_telegram.calls_to("sendMessage") == []
    assert counts(tg_app)["ChatAccount"] == 0


def test_an_answer_to_a_chat_id_no_column_holds_is_not_kept_and_nothing_fails(app, caplog):
    core = app.extensions["kongtun"]
    kept = core.keep_answer("line", "C" * 301, [Text("สวัสดี")], event_id="E" * 300, reason="reply_failed")
    assert kept is False
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    with core.Session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
