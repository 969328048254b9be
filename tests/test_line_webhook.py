"""`POST /webhooks/line` end to end, the transport: signed bodies as LINE sends them (checked against
the webhook spec), the SDK talking to a loopback fake LINE (every request checked against the Messaging
API spec), the real database. Signatures and bodies, each event once, reply and push and their
failures, the client and its connections."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import func, select

from bot.channels import line as line_channel
from bot.channels import line_sender
from models import AuditLog, ChatAccount, OutboxMessage, ProcessedEvent
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
    assert post_raw(line_client, body, wh.sign(CHANNEL_SECRET, body)).status_code == 413
    assert fake_line.requests == []


def test_get_is_not_allowed(line_client):
    assert line_client.get("/webhooks/line").status_code == 405


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

def test_expired_reply_token_falls_back_to_a_push_with_a_retry_key(line_app, line_user, fake_line,
                                                                   line_member):
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
        with app.extensions["kongtun"].Session() as s:  # never reached LINE: kept for later
            (row,) = s.scalars(select(OutboxMessage))
        assert (row.kind, row.status) == ("answer", "pending")
    finally:
        app.extensions["line"].client.close()
        app.extensions["kongtun"].engine.dispose()


def test_a_slow_line_api_does_not_hold_the_webhook_past_the_budget(line_app, line_user, fake_line,
                                                                   monkeypatch):
    monkeypatch.setattr(line_channel, "REPLY_TIMEOUT", (0.5, 0.3))
    monkeypatch.setattr(line_sender, "PUSH_TIMEOUT", (0.5, 0.3))
    fake_line.delay("replyMessage", 0.6)
    fake_line.delay("pushMessage", 0.6)
    started = time.perf_counter()
    line_user.say("สวัสดี")
    assert time.perf_counter() - started < 2.0
    assert count(line_app, ProcessedEvent) == 1


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
    monkeypatch.setattr("os.getpid", lambda: -1)  # as if gunicorn forked a worker
    assert client.api is not first
    monkeypatch.undo()
    client.close()
    assert client.api is not None  # made again on next use


def test_replies_are_sent_as_the_sdk_would_serialize_them(line_app, line_user, fake_line, line_member):
    from linebot.v3.messaging import ApiClient, Configuration, ReplyMessageRequest

    line_user.say("เช็คยอด")
    (call,) = fake_line.calls("replyMessage")
    request = ReplyMessageRequest.from_dict(call.json)
    with ApiClient(Configuration(access_token="x")) as plain:
        assert plain.sanitize_for_serialization(request) == call.json


def test_line_disabled_without_credentials(app):
    assert app.test_client().post("/webhooks/line", data=b"{}").status_code == 404
    assert "line" not in app.extensions
