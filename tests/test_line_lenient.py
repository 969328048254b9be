"""LINE bodies the SDK's current models refuse, through the signed webhook: older bodies (without
`quoteToken`, `deliveryContext`, `mode` or `follow.isUnblocked`) are answered as any other, the
member's text kept; an unknown event kind or source type is ignored at INFO. And what the log says
of an event: its kind and id, never its body, the member's text or an odd id as it came."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from locales import translate
from models import ProcessedEvent
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import CHANNEL_SECRET

SECRET_TEXT = "ข้อความส่วนตัวของสมศรี เลขที่บ้าน 99/1"


def count(app, model) -> int:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def metrics(app) -> dict:
    return app.extensions["line"].metrics


def post_raw(client, *events) -> None:
    body = json.dumps({"destination": wh.DESTINATION, "events": list(events)}, ensure_ascii=False).encode()
    response = client.post("/webhooks/line", data=body, headers={
        "Content-Type": "application/json", "X-Line-Signature": wh.sign(CHANNEL_SECRET, body)})
    assert response.status_code == 200


def no_traceback(caplog) -> bool:
    return not any(r.exc_info for r in caplog.records)


# --- older bodies ----------------------------------------------------------------------------------

@pytest.mark.parametrize("missing", [
    ("message.quoteToken",), ("deliveryContext",), ("mode",),
    ("message.quoteToken", "deliveryContext", "mode"),
])
def test_an_older_text_message_is_read_as_text(line_app, line_user, fake_line, line_member, missing, caplog):
    event = wh.without(wh.event("message", line_user.user, message=wh.text_message("เช็คยอด")), *missing)
    line_user.post(event, validate=False)
    (sent,) = fake_line.sent()
    assert sent[0]["type"] == "flex" and "สมชาย ใจดี" in json.dumps(sent, ensure_ascii=False)
    assert count(line_app, ProcessedEvent) == 1
    assert metrics(line_app)["events_failed"] == 0 and no_traceback(caplog)


def test_an_older_text_in_a_group_still_needs_a_mention(line_app, line_user, fake_line):
    group = wh.group_id()
    plain = wh.without(wh.event("message", line_user.user, group=group,
                                message=wh.text_message("คุยกันเอง")), "message.quoteToken", "mode")
    mention = wh.without(wh.event("message", line_user.user, group=group,
                                  message=wh.text_message("@บอท เมนู", mention_self=True)),
                         "message.quoteToken", "mode")
    line_user.post(plain, mention, validate=False)
    assert len(fake_line.sent()) == 1


def test_an_older_follow_without_is_unblocked_is_welcomed(line_app, line_user, fake_line, caplog):
    fake_line.add_profile(line_user.user, "สมศรี")
    line_user.post(wh.without(wh.event("follow", line_user.user, follow={"isUnblocked": False}),
                              "follow", "mode", "deliveryContext"), validate=False)
    (sent,) = fake_line.sent()
    assert "สมศรี" in sent[0]["text"]
    assert metrics(line_app)["events_failed"] == 0 and no_traceback(caplog)


def test_an_older_postback_and_unfollow_are_acted_on(line_app, line_user, fake_line):
    line_user.post(wh.without(wh.event("postback", line_user.user, postback={"data": "menu"}), "mode",
                              "deliveryContext"), validate=False)
    assert len(fake_line.sent()) == 1
    line_user.post(wh.without(wh.event("unfollow", line_user.user), "mode", "deliveryContext"),
                   validate=False)
    assert metrics(line_app)["unfollows"] == 1


def test_an_older_standby_event_is_still_skipped(line_app, line_user, fake_line):
    event = wh.without(wh.event("message", line_user.user, mode="standby", message=wh.text_message("เมนู")),
                       "message.quoteToken")
    line_user.post(event, validate=False)
    assert fake_line.requests == []


# --- kinds the bot does not know ----------------------------------------------------------------

def test_an_unknown_event_kind_is_ignored_at_info(line_app, line_client, fake_line, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.line")
    event = wh.event("hologramCall", wh.user_id(), message={"type": "text", "text": SECRET_TEXT})
    post_raw(line_client, event)
    assert fake_line.requests == []
    assert metrics(line_app)["events_failed"] == 0
    (record,) = [r for r in caplog.records if "ignored" in r.getMessage()]
    assert record.levelno == logging.INFO and "hologramCall" in record.getMessage()
    assert no_traceback(caplog) and SECRET_TEXT not in caplog.text


def test_an_unknown_source_type_is_ignored_and_nothing_answered_there(line_app, line_client, fake_line,
                                                                       caplog):
    event = wh.event("message", wh.user_id(), message=wh.text_message(SECRET_TEXT))
    event["source"] = {"type": "square", "squareChatId": "S" + "0" * 32, "userId": wh.user_id()}
    post_raw(line_client, event)
    assert fake_line.requests == []
    assert metrics(line_app)["events_failed"] == 0
    assert no_traceback(caplog) and SECRET_TEXT not in caplog.text


def test_a_new_message_type_without_quote_token_is_still_answered(line_app, line_client, fake_line):
    event = wh.without(wh.event("message", wh.user_id(), message={"id": "1", "type": "hologram"}), "mode")
    post_raw(line_client, event)
    (sent,) = fake_line.sent()
    assert sent[0]["text"] == translate("th", "menu.not_text")


# --- what the log says ---------------------------------------------------------------------------

ODD_ID = "0812345678-" + SECRET_TEXT  # a webhookEventId that is no ULID at all


def test_an_event_the_sdk_cannot_model_is_logged_by_kind_and_id_never_its_body(line_app, line_client,
                                                                              fake_line, caplog):
    caplog.set_level(logging.DEBUG)
    broken = wh.event("postback", wh.user_id(), event_id=ODD_ID)  # no postback data: unusable
    unknown = wh.event("hologramCall", wh.user_id(), event_id=ODD_ID + "2",
                       message={"type": "text", "text": SECRET_TEXT})
    odd_source = wh.event("message", wh.user_id(), message=wh.text_message(SECRET_TEXT),
                          event_id=ODD_ID + "3")
    odd_source["source"] = {"type": "square", "userId": wh.user_id()}
    post_raw(line_client, broken, unknown, odd_source, 42)
    assert metrics(line_app)["events_failed"] == 2  # the postback without data, and 42
    logged = caplog.text
    assert SECRET_TEXT not in logged and ODD_ID not in logged and "0812345678" not in logged
    assert "postback" in logged and "odd-id:" in logged
    assert no_traceback(caplog)


def test_a_redelivered_event_with_an_odd_id_is_logged_without_it(line_app, line_user, fake_line, caplog):
    caplog.set_level(logging.DEBUG)
    event = wh.event("message", line_user.user, event_id=ODD_ID, message=wh.text_message("สวัสดี"))
    line_user.post(event, validate=False)
    line_user.post(event, validate=False)
    assert metrics(line_app)["duplicates"] == 1
    assert ODD_ID not in caplog.text and SECRET_TEXT not in caplog.text


def test_a_failing_reply_is_logged_without_the_members_text(line_app, line_user, fake_line, caplog):
    caplog.set_level(logging.DEBUG)
    fake_line.fail_next("replyMessage", 500, times=2)
    line_user.say(SECRET_TEXT)
    assert SECRET_TEXT not in caplog.text


@pytest.mark.parametrize("field, value", [
    ("source", "x"), ("source", {}), ("message", "x"), ("message", {}), ("type", [1]),
    ("mode", "sleepy"), ("deliveryContext", 5), ("replyToken", 7),
])
def test_odd_values_where_the_sdk_expects_objects_never_give_a_traceback(line_app, line_client, fake_line,
                                                                       caplog, field, value):
    caplog.set_level(logging.DEBUG)
    event = wh.event("message", wh.user_id(), message=wh.text_message(SECRET_TEXT))
    event[field] = value
    post_raw(line_client, event)
    assert no_traceback(caplog) and SECRET_TEXT not in caplog.text
    assert metrics(line_app)["events_failed"] == 0
