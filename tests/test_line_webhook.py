"""`POST /webhooks/line` end to end: signed bodies as LINE sends them (checked against the webhook
spec), the SDK talking to a loopback fake LINE (every request checked against the Messaging API spec),
the real database. Signatures, every event kind, duplicates, expired tokens, LINE failures."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.channels import line as line_channel
from locales import translate
from models import AuditLog, ChatAccount, ProcessedEvent
from tests.factories import link_chat, make_fund, make_member
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import CHANNEL_SECRET, LineUser


def count(app, model) -> int:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def account(app, user: str) -> ChatAccount | None:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == "line",
                                                  ChatAccount.external_user_id == user))


def metrics(app) -> dict:
    return app.extensions["line"].metrics


@pytest.fixture
def member(line_app, line_user):
    """สมชาย, an active member of a fund, linked to `line_user` in LINE."""
    with line_app.extensions["kongtun"].Session() as s, s.begin():
        fund = make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก")
        somchai = make_member(s, fund, months_paid=24, joined_on=date(2020, 1, 10))
        link_chat(s, line_user.user, somchai, channel="line")
    return somchai


def post_raw(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post("/webhooks/line", data=body, headers=headers)


# --- signature and body -------------------------------------------------------------------------

def test_verification_call_with_no_events_is_200(line_client, fake_line):
    body = wh.callback()
    response = post_raw(line_client, body, wh.sign(CHANNEL_SECRET, body))
    assert response.status_code == 200
    assert fake_line.requests == []


@pytest.mark.parametrize("signature", [
    None, "", "not base64 at all", "AAAA", wh.sign("another-channel-secret", b"{}"),
])
def test_missing_or_wrong_signature_is_400_and_nothing_is_stored(line_app, line_client, fake_line, signature):
    body = wh.callback(wh.event("message", wh.user_id(), message=wh.text_message("เช็คยอด")))
    response = post_raw(line_client, body, signature)
    assert response.status_code == 400
    assert count(line_app, ProcessedEvent) == 0
    assert count(line_app, ChatAccount) == 0
    assert fake_line.requests == []


def test_signature_is_over_the_exact_raw_bytes(line_app, line_client, fake_line):
    user = wh.user_id()
    body = wh.callback(wh.event("message", user, message=wh.text_message("สวัสดี")))
    signature = wh.sign(CHANNEL_SECRET, body)
    # The same JSON re-encoded (spaces, escaped Thai) is another body: its signature does not match.
    reencoded = json.dumps(json.loads(body), indent=1).encode()
    assert post_raw(line_client, reencoded, signature).status_code == 400
    assert count(line_app, ProcessedEvent) == 0
    assert post_raw(line_client, body, signature).status_code == 200
    assert count(line_app, ProcessedEvent) == 1
    assert len(fake_line.sent()) == 1


@pytest.mark.parametrize("body", [
    b"{not json", b"", b"[]", b'"events"', b'{"destination": "U0"}', b'{"events": {}}',
    b'{"events": null}', "{\"events\": []}".encode("utf-16"),
])
def test_malformed_or_non_callback_bodies_are_400_never_500(line_app, line_client, fake_line, body):
    response = post_raw(line_client, body, wh.sign(CHANNEL_SECRET, body))
    assert response.status_code == 400
    assert count(line_app, ProcessedEvent) == 0
    assert fake_line.requests == []


def test_an_oversized_body_is_refused_before_it_is_read(line_app, line_client, fake_line):
    body = b'{"events": [], "padding": "' + b"x" * (1024 * 1024) + b'"}'
    assert post_raw(line_client, body, wh.sign(CHANNEL_SECRET, body)).status_code == 400
    assert fake_line.requests == []


def test_get_is_not_allowed(line_client):
    assert line_client.get("/webhooks/line").status_code == 405


# --- event kinds ----------------------------------------------------------------------------------

def test_follow_welcomes_by_display_name_with_the_menu_as_quick_replies(line_app, line_user, fake_line):
    fake_line.add_profile(line_user.user, "ป้าแดง")
    line_user.follow()
    messages = line_user.last
    assert "สวัสดีค่ะ คุณป้าแดง" in line_user.text
    assert "ลงทะเบียน" in line_user.text
    assert "quickReply" in messages[-1] and all("quickReply" not in m for m in messages[:-1])
    data = [a.data for a in line_user.buttons()]
    assert data[0] == "reg" and {"acct", "ben", "fund", "meet"} <= set(data)
    for action in line_user.actions():
        assert action["displayText"] == action["label"]  # the member sees what they tapped
    assert len(fake_line.calls("getProfile")) == 1
    acct = account(line_app, line_user.user)
    assert acct.display_name == "ป้าแดง" and acct.unreachable_at is None


@pytest.mark.parametrize("status", [404, 500])
def test_follow_still_welcomes_when_the_profile_call_fails(line_app, line_user, fake_line, status):
    if status == 404:
        pass  # no profile registered: the fake answers 404
    else:
        fake_line.add_profile(line_user.user, "ป้าแดง")
        fake_line.fail_next("getProfile", 500)
    line_user.follow()
    assert line_user.text.startswith(translate("th", "menu.welcome").splitlines()[0])
    assert metrics(line_app)["profile_failed"] == 1
    assert len(fake_line.sent()) == 1


def test_follow_when_the_profile_call_is_slow_answers_without_the_name(line_app, line_user, fake_line):
    fake_line.add_profile(line_user.user, "ป้าแดง")
    fake_line.delay("getProfile", line_channel.PROFILE_TIMEOUT[1] + 0.5)
    started = time.perf_counter()
    line_user.follow()
    assert time.perf_counter() - started < 2.0
    assert "ป้าแดง" not in line_user.text
    assert len(fake_line.sent()) == 1


def test_follow_of_an_account_linked_before_says_so(line_app, line_user, fake_line, member):
    fake_line.add_profile(line_user.user, "Somchai")
    line_user.unfollow()
    assert account(line_app, line_user.user).unreachable_at is not None
    line_user.follow(unblocked=True)
    assert "ยินดีต้อนรับกลับค่ะ คุณสมชาย" in line_user.text
    assert "เทศบาลตำบลป่าคลอก" in line_user.text and "ไม่ต้องลงทะเบียนใหม่" in line_user.text
    assert "reg" not in [a.data for a in line_user.buttons()]
    assert account(line_app, line_user.user).unreachable_at is None


def test_unfollow_marks_the_account_unreachable_without_any_call(line_app, line_user, fake_line):
    line_user.say("สวัสดี")
    fake_line.clear()
    line_user.unfollow()
    line_user.unfollow()  # a redelivery: harmless
    assert fake_line.requests == []
    assert account(line_app, line_user.user).unreachable_at is not None
    assert metrics(line_app)["unfollows"] == 2


def test_linked_member_asks_for_the_account_in_thai_and_gets_a_flex_card(line_user, fake_line, member):
    line_user.say("เช็คยอดหน่อยค่ะ")
    messages = line_user.last
    assert len(messages) == 1
    card = messages[0]
    assert card["type"] == "flex" and card["contents"]["type"] == "bubble"
    assert "ชำระถึง" in card["altText"] or "ยอด" in card["altText"]
    header = card["contents"]["header"]["contents"][0]
    assert header["text"] == translate("th", "account.title")
    assert "สมชาย ใจดี" in line_user.text and "เทศบาลตำบลป่าคลอก" in line_user.text
    texts = card["contents"]["body"]["contents"]
    assert all(t["contents"][0]["wrap"] and t["contents"][1]["wrap"] for t in texts if t["type"] == "box")
    assert {"ben", "fund", "menu"} <= {a.data for a in line_user.buttons()}


def test_postback_buttons_lead_to_the_feature(line_user, fake_line, member):
    line_user.press("ben")
    assert line_user.last[0]["type"] == "flex"
    line_user.press("acct")
    assert "สมชาย ใจดี" in line_user.text
    line_user.tap("ข้อมูลกองทุน")
    assert "เทศบาลตำบลป่าคลอก" in line_user.text


@pytest.mark.parametrize("message", [wh.sticker_message, wh.image_message, wh.location_message])
def test_sticker_image_or_location_get_a_short_polite_answer_and_the_menu(line_user, fake_line, message):
    messages = line_user.send("message", message=message())
    assert line_user.text == translate("th", "menu.not_text")
    assert len(messages) == 1 and messages[0]["quickReply"]["items"]


def test_a_message_type_newer_than_the_sdk_is_still_answered(line_app, line_client, fake_line):
    user = wh.user_id()
    event = wh.event("message", user, message={"id": "1", "type": "hologram", "quoteToken": "q"})
    body = wh.callback(event, validate=False)
    assert post_raw(line_client, body, wh.sign(CHANNEL_SECRET, body)).status_code == 200
    (sent,) = fake_line.sent()
    assert sent[0]["text"] == translate("th", "menu.not_text")


def test_standby_events_are_skipped(line_app, line_user, fake_line):
    line_user.post(wh.event("message", line_user.user, mode="standby",
                            message=wh.text_message("เช็คยอด")))
    assert fake_line.requests == []
    assert count(line_app, ProcessedEvent) == 0


def _group(event: dict, group: str) -> dict:
    event["source"] = {"type": "group", "groupId": group}
    return event


@pytest.mark.parametrize("kind", [
    "join", "leave", "memberJoined", "memberLeft", "unsend", "videoPlayComplete", "beacon", "accountLink",
    "botSuspended",
])
def test_other_event_kinds_are_accepted_and_ignored(line_app, line_user, fake_line, kind):
    user, group = line_user.user, wh.group_id()
    members = {"members": [{"type": "user", "userId": user}]}
    events = {
        "join": lambda: _group(wh.event("join", user), group),
        "leave": lambda: _group(_without_token(wh.event("leave", user)), group),
        "memberJoined": lambda: _group(wh.event("memberJoined", user, joined=members), group),
        "memberLeft": lambda: _group(_without_token(wh.event("memberLeft", user, left=members)), group),
        "unsend": lambda: _without_token(wh.event("unsend", user, unsend={"messageId": "325708"})),
        "videoPlayComplete": lambda: wh.event("videoPlayComplete", user,
                                              videoPlayComplete={"trackingId": "track-1"}),
        "beacon": lambda: wh.event("beacon", user, beacon={"hwid": "d41d8cd98f", "type": "enter"}),
        "accountLink": lambda: wh.event("accountLink", user, link={"result": "ok", "nonce": "abc"}),
        "botSuspended": lambda: _without_token(wh.event("botSuspended", user)),
    }
    line_user.post(events[kind]())
    assert fake_line.requests == []
    assert metrics(line_app)["events_failed"] == 0


def _without_token(event: dict) -> dict:
    event.pop("replyToken", None)
    return event


def test_in_a_group_only_mentions_and_postbacks_are_answered_never_with_personal_data(
        line_app, line_client, fake_line, member, line_user):
    group = wh.group_id()
    in_group = LineUser(line_client, fake_line, user=line_user.user, group=group)
    assert in_group.say("คุยกันเรื่องอื่น") == []
    in_group.say("@น้องกองทุน เช็คยอด", mention_self=True)
    assert in_group.text == translate("th", "menu.private_only")
    assert "สมชาย" not in in_group.text
    in_group.press("acct")
    assert in_group.text == translate("th", "menu.private_only")


# --- each event once ----------------------------------------------------------------------------

def test_a_redelivered_event_has_no_second_effect_and_no_second_reply(line_app, line_user, fake_line):
    event_id = wh.ulid()
    first = wh.event("message", line_user.user, event_id=event_id, message=wh.text_message("ลงทะเบียน"))
    line_user.post(first)
    again = dict(first, deliveryContext={"isRedelivery": True}, replyToken=wh.reply_token())
    line_user.post(again)
    line_user.post(first)  # the very same body twice (a retry by LINE)
    assert len(fake_line.calls("replyMessage")) == 1
    assert fake_line.calls("pushMessage") == []
    assert count(line_app, ProcessedEvent) == 1
    assert metrics(line_app)["duplicates"] == 2


def test_a_duplicate_inside_one_batch_is_answered_once(line_app, line_user, fake_line):
    event = wh.event("message", line_user.user, message=wh.text_message("สวัสดี"))
    line_user.post(event, event)
    assert len(fake_line.sent()) == 1


def test_one_bad_event_in_a_batch_does_not_lose_the_others(line_app, line_client, fake_line):
    first, second = wh.user_id(), wh.user_id()
    good_1 = wh.event("message", first, message=wh.text_message("สวัสดี"))
    broken = wh.event("postback", first)  # a postback event without its postback
    good_2 = wh.event("postback", second, postback={"data": "menu"})
    body = json.dumps({"destination": wh.DESTINATION, "events": [good_1, broken, 42, good_2]}).encode()
    assert post_raw(line_client, body, wh.sign(CHANNEL_SECRET, body)).status_code == 200
    assert len(fake_line.sent()) == 2
    assert metrics(line_app)["events_failed"] == 2


# --- delivery: reply, push, failures ----------------------------------------------------------

def test_expired_reply_token_falls_back_to_a_push_with_a_retry_key(line_app, line_user, fake_line, member):
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    line_user.say("เช็คยอด")
    (push,) = fake_line.calls("pushMessage")
    assert push.status == 200 and push.json["to"] == line_user.user
    uuid.UUID(push.headers["x-line-retry-key"])
    assert push.json["messages"][0]["type"] == "flex"
    assert "สมชาย ใจดี" in line_user.text
    m = metrics(line_app)
    assert m["reply_token_rejected"] == 1 and m["push_fallbacks"] == 1 and m["pushes"] == 1
    with line_app.extensions["kongtun"].Session() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "line.push_fallback"))
    assert row.detail["reason"] == "reply_token_rejected" and row.detail["delivered"] is True
    assert row.entity == "chat_account" and line_user.user not in json.dumps(row.detail)


def test_a_reply_token_used_twice_is_rejected_by_line_and_the_answer_pushed(line_app, line_user, fake_line):
    token = wh.reply_token()
    line_user.post(wh.event("message", line_user.user, token=token, message=wh.text_message("สวัสดี")))
    line_user.post(wh.event("message", line_user.user, token=token, message=wh.text_message("เมนู")))
    assert [r.status for r in fake_line.calls("replyMessage")] == [200, 400]
    assert len(fake_line.sent("pushMessage")) == 1


def test_no_push_to_an_account_that_blocked_the_bot(line_app, line_user, fake_line):
    line_user.say("สวัสดี")
    line_user.unfollow()
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    line_user.say("เมนู")  # in flight when the member blocked the bot
    assert fake_line.calls("pushMessage") == []
    assert metrics(line_app)["push_skipped_unreachable"] == 1


def test_a_500_on_reply_is_retried_once_with_the_same_token(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 500)
    line_user.say("สวัสดี")
    calls = fake_line.calls("replyMessage")
    assert [c.status for c in calls] == [500, 200]
    assert calls[0].json == calls[1].json
    assert fake_line.calls("pushMessage") == []


def test_two_500s_on_reply_push_the_answer_and_the_webhook_still_answers_200(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 500, times=2)
    line_user.say("สวัสดี")
    assert [c.status for c in fake_line.calls("replyMessage")] == [500, 500]
    assert len(fake_line.sent("pushMessage")) == 1
    assert metrics(line_app)["push_fallbacks"] == 1


def test_a_500_on_push_is_retried_with_the_same_retry_key(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    fake_line.fail_next("pushMessage", 500)
    line_user.say("สวัสดี")
    pushes = fake_line.calls("pushMessage")
    assert [p.status for p in pushes] == [500, 200]
    assert pushes[0].headers["x-line-retry-key"] == pushes[1].headers["x-line-retry-key"]


def test_a_refused_reply_that_is_not_about_the_token_is_not_pushed(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 400, "The request body has 1 error(s)")
    line_user.say("สวัสดี")
    assert fake_line.calls("pushMessage") == []
    assert metrics(line_app)["reply_failed"] == 1


def test_line_unreachable_still_answers_200_quickly(database_url, clean_db, clock, fake_line):
    from bot.app import create_app
    from tests.conftest import line_config

    with fake_line.__class__() as gone:
        url = gone.url
    app = create_app(line_config(database_url, url), clock=clock)
    try:
        user = LineUser(app.test_client(), fake_line)
        started = time.perf_counter()
        user.say("สวัสดี")
        assert time.perf_counter() - started < 2.0
        assert count(app, ProcessedEvent) == 1
        assert app.extensions["line"].metrics["reply_failed"] == 1
        assert app.extensions["line"].metrics["push_failed"] == 1
    finally:
        app.extensions["line"].client.close()
        app.extensions["kongtun"].engine.dispose()


def test_a_slow_line_api_does_not_hold_the_webhook_past_the_budget(line_app, line_user, fake_line,
                                                                   monkeypatch):
    monkeypatch.setattr(line_channel, "REPLY_TIMEOUT", (0.5, 0.3))
    monkeypatch.setattr(line_channel, "PUSH_TIMEOUT", (0.5, 0.3))
    fake_line.delay("replyMessage", 0.6)
    fake_line.delay("pushMessage", 0.6)
    started = time.perf_counter()
    line_user.say("สวัสดี")
    assert time.perf_counter() - started < 2.0
    assert count(line_app, ProcessedEvent) == 1


def test_an_outbox_push_sent_twice_is_delivered_once(line_app, fake_line):
    from handlers.base import Text

    channel = line_app.extensions["line"]
    user = wh.user_id()
    reminder = [Text("เตือนค่ะ ถึงกำหนดชำระเงินสัจจะเดือนธันวาคม 2569")]
    assert channel.push_replies(user, reminder, key="dues:42:2026-12")
    assert channel.push_replies(user, reminder, key="dues:42:2026-12")  # a dispatcher retry
    assert [p.status for p in fake_line.calls("pushMessage")] == [200, 409]
    assert len(fake_line.sent("pushMessage")) == 1
    assert channel.push_replies(user, reminder, key="dues:42:2027-01")
    assert len(fake_line.sent("pushMessage")) == 2


# --- the client: one per process, connections reused -------------------------------------------

def test_one_client_per_process_reuses_its_connection(line_app, line_user, fake_line):
    for text in ("สวัสดี", "เมนู", "ประชุม", "สิทธิ์", "กองทุน"):
        line_user.say(text)
    assert len(fake_line.sent()) == 5
    assert len(fake_line.connections()) == 1


def test_the_client_is_made_after_a_fork(line_app, line_user, fake_line, monkeypatch):
    client = line_app.extensions["line"].client
    line_user.say("สวัสดี")
    first = client.api
    assert client.api is first
    monkeypatch.setattr(line_channel.os, "getpid", lambda: -1)  # as if gunicorn forked a worker
    assert client.api is not first
    monkeypatch.undo()
    client.close()
    assert client.api is not None  # made again on next use


def test_replies_are_sent_as_the_sdk_would_serialize_them(line_app, line_user, fake_line, member):
    from linebot.v3.messaging import ApiClient, Configuration, ReplyMessageRequest

    line_user.say("เช็คยอด")
    (call,) = fake_line.calls("replyMessage")
    request = ReplyMessageRequest.from_dict(call.json)
    with ApiClient(Configuration(access_token="x")) as plain:
        assert plain.sanitize_for_serialization(request) == call.json


def test_line_disabled_without_credentials(app):
    assert app.test_client().post("/webhooks/line", data=b"{}").status_code == 404
    assert "line" not in app.extensions

