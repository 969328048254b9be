"""POST /webhooks/telegram end to end, the webhook itself: updates as Telegram sends them, the bot's
calls checked by a fake Bot API against the spec. Who may post and what, each update once, blocking
the bot, flood control, Telegram unreachable, the process's event loop, and the update mapping."""

from __future__ import annotations

import dataclasses
import json
import os
import time

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.channels import telegram
from handlers.base import Incoming
from locales import translate
from models import ChatAccount, ProcessedEvent
from tests.fakes.telegram_api import BOT_USERNAME
from tests.fakes.telegram_updates import SECRET_HEADER, WEBHOOK_SECRET

USER_ID = 5_012_345_678  # somying's Telegram id


def th(key: str, **fields) -> str:
    return translate("th", key, **fields)


def count(app, model) -> int:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def tg_account(app, user_id: int = USER_ID) -> ChatAccount | None:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == "telegram",
                                                  ChatAccount.external_user_id == str(user_id)))


def post_raw(client, body: bytes | str, secret: str | None = WEBHOOK_SECRET,
             content_type: str = "application/json"):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post("/webhooks/telegram", data=body, headers=headers, content_type=content_type)


# --- who may post, and what -------------------------------------------------------------------------

def test_no_webhook_without_telegram_credentials(client):
    assert client.post("/webhooks/telegram", json={"update_id": 1}).status_code == 404


@pytest.mark.parametrize("secret", [None, "", "wrong", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1],
                                    WEBHOOK_SECRET.upper()])
def test_a_missing_or_wrong_secret_is_403_and_nothing_is_processed(tg_app, tg_client, fake_telegram,
                                                                     updates, secret):
    update = updates.message(updates.user(USER_ID), text="/start")
    response = post_raw(tg_client, json.dumps(update), secret=secret)
    assert response.status_code == 403
    assert count(tg_app, ProcessedEvent) == 0 and count(tg_app, ChatAccount) == 0
    assert fake_telegram.calls == []  # not even getMe: the secret is checked before anything


@pytest.mark.parametrize("body", [
    b"not json",
    b"\xff\xfe\x00",
    b"",
    b"[1, 2]",
    b'"update"',
    b'{"message": {"text": "hi"}}',
    b'{"update_id": "734000001"}',
    b'{"update_id": true}',
    b'{"update_id": -5}',
    b'{"update_id": 1.5}',
    b'{"update_id": 734000001, "message": "hi"}',
    b'{"update_id": 734000001, "message": {"message_id": 1, "date": 1, "text": "hi"}}',
    b'{"update_id": 734000001, "callback_query": {"data": "acct"}}',
    b'{"update_id": 734000001, "my_chat_member": {"date": 1}}',
])
def test_malformed_bodies_are_400_and_nothing_is_processed(tg_app, tg_client, fake_telegram, body):
    assert post_raw(tg_client, body).status_code == 400
    assert count(tg_app, ProcessedEvent) == 0 and count(tg_app, ChatAccount) == 0
    assert fake_telegram.calls_to("sendMessage") == []


def test_a_body_too_large_is_refused(tg_client):
    body = b'{"update_id": 1, "message": {"text": "' + b"x" * (telegram.MAX_BODY + 1) + b'"}}'
    assert post_raw(tg_client, body).status_code == 413


def test_an_update_is_processed_once(tg_app, somying, updates, fake_telegram):
    update = updates.message(somying.from_user, text="สวัสดี")
    first = somying.post(update)
    assert first and th("menu.welcome").splitlines()[0] in somying.text
    assert somying.post(update) == []  # Telegram redelivered it: nothing is sent twice
    assert count(tg_app, ProcessedEvent) == 1


def test_the_update_id_is_kept_in_the_database_not_in_the_process(tg_app, tg_config, somying, updates,
                                                                  fake_telegram, clock):
    update = updates.message(somying.from_user, text="/menu")
    somying.post(update)
    other_worker = create_app(tg_config, clock=clock)  # another process serving the same bot
    try:
        response = other_worker.test_client().post("/webhooks/telegram", json=update,
                                                   headers={SECRET_HEADER: WEBHOOK_SECRET})
        assert response.status_code == 200
        assert len(fake_telegram.sent()) == 2  # the welcome and the menu, once
    finally:
        telegram.close_app(other_worker)
        other_worker.extensions["kongtun"].engine.dispose()


def test_a_redelivered_button_press_is_still_answered_but_not_replayed(somying, updates):
    press = updates.callback(somying.from_user, "menu")
    assert somying.post(press) and len(somying.answered) == 1
    assert somying.post(press) == []
    assert len(somying.answered) == 1  # the spinner stops on every delivery
    assert somying.answered[0]["callback_query_id"] == press["callback_query"]["id"]


# --- blocking -----------------------------------------------------------------------------------------

def test_blocking_and_unblocking_the_bot(tg_app, somying):
    somying.say("/start")
    assert somying.block() == []
    blocked_at = tg_account(tg_app).unreachable_at
    assert blocked_at is not None
    somying.block()  # redelivered: still blocked, same moment
    assert tg_account(tg_app).unreachable_at == blocked_at
    assert somying.unblock() == []
    assert tg_account(tg_app).unreachable_at is None


def test_the_bot_added_to_or_removed_from_a_group_changes_no_one(tg_app, somying, updates):
    change = updates.my_chat_member(somying.from_user, "member", "left")
    change["my_chat_member"]["chat"] = updates.group_chat()
    somying.post(change)
    assert tg_account(tg_app) is None


def test_a_403_from_send_message_marks_the_account_unreachable_without_failing(tg_app, somying,
                                                                               fake_telegram):
    fake_telegram.block_next_send()
    somying.say("/start")  # 200 all the same
    assert tg_account(tg_app).unreachable_at is not None
    assert len(fake_telegram.sent()) == 1  # the rest of the answer is not tried


# --- flood control ------------------------------------------------------------------------------------

def test_a_short_429_is_waited_out_and_the_message_sent(somying, fake_telegram):
    fake_telegram.flood_next_send(retry_after=1)
    started = time.monotonic()
    somying.say("/menu")
    assert time.monotonic() - started >= 1
    assert len(somying.last) == 3  # one refused, then the welcome and the menu
    assert th("menu.choose") in somying.text


def test_a_long_429_is_not_waited_for(somying, fake_telegram, caplog):
    fake_telegram.flood_next_send(retry_after=60)
    started = time.monotonic()
    somying.say("/menu")  # still 200
    assert time.monotonic() - started < 5
    assert len(somying.last) == 1
    assert "rate_limited" in caplog.text


def test_telegram_unreachable_at_start_up_is_503_and_the_update_left_for_redelivery(tg_config, clock,
                                                                                    clean_db, updates):
    config = dataclasses.replace(tg_config, telegram_api_base_url="http://127.0.0.1:9")
    app = create_app(config, clock=clock)
    try:
        update = updates.message(updates.user(USER_ID), text="/start")
        response = app.test_client().post("/webhooks/telegram", json=update,
                                          headers={SECRET_HEADER: WEBHOOK_SECRET})
        assert response.status_code == 503
        assert count(app, ProcessedEvent) == 0
    finally:
        telegram.close_app(app)
        app.extensions["kongtun"].engine.dispose()


# --- the process's event loop -------------------------------------------------------------------------

def test_one_bot_per_process_getme_once(somying, fake_telegram):
    for text in ("/start", "/menu", "เช็คยอด", "/fund"):
        somying.say(text)
    assert len(fake_telegram.calls_to("getMe")) == 1


def test_the_bot_restarts_cleanly_after_close(tg_app, somying, fake_telegram):
    somying.say("/start")
    telegram.close_app(tg_app)
    telegram.close_app(tg_app)  # idempotent
    somying.say("/menu")  # a new loop and bot, no "Event loop is closed"
    assert th("menu.choose") in somying.text
    assert len(fake_telegram.calls_to("getMe")) == 2


def test_a_process_forked_from_another_starts_its_own_bot(tg_app, somying, fake_telegram):
    somying.say("/start")
    channel: telegram.TelegramChannel = tg_app.extensions["telegram"]
    parent = channel.runtime()
    parent.pid = -1  # as a forked child sees the runtime its parent made
    try:
        somying.say("/menu")
        assert channel.runtime() is not parent
        assert len(fake_telegram.calls_to("getMe")) == 2
    finally:
        parent.pid = os.getpid()
        parent.close()


# --- the mapping, without HTTP -------------------------------------------------------------------------

def test_classify_maps_updates_to_neutral_events(updates):
    from telegram import Update

    user = updates.user(77, "ก")
    action = telegram.classify(Update.de_json(updates.message(user, text="/balance"), None), BOT_USERNAME)
    assert action.incoming == Incoming(channel="telegram", user_id="77", postback="acct",
                                       event_id=action.incoming.event_id, display_name="ก")
    group = telegram.classify(Update.de_json(updates.message(user, updates.group_chat(),
                                                             text=f"/fund@{BOT_USERNAME}"), None),
                              BOT_USERNAME)
    assert group.incoming.in_group and group.incoming.postback == "fund" and group.chat_id < 0
    press = telegram.classify(Update.de_json(updates.callback(user, "reg:link"), None), BOT_USERNAME)
    assert press.incoming.postback == "reg:link" and press.chat_id == 77
    own = telegram.classify(Update.de_json(updates.message(
        user, contact={"phone_number": "66812345678", "first_name": "ก", "user_id": 77}), None), None)
    assert own.incoming.contact_phone == "+66812345678" and own.incoming.text is None
    blocked = telegram.classify(Update.de_json(updates.my_chat_member(user, "member", "kicked"), None), None)
    assert blocked == telegram.Reachability("77", False)
