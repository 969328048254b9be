"""What becomes of a LINE answer when the reply or the push does not simply succeed, through the
signed webhook and the fake LINE: a push only when LINE said the reply was not taken, never after an
outcome it did not tell (a timeout, a 5xx), and an answer that could not go out kept in the outbox.

Timeouts are made short (the real read timeout is 2 s) and the fake answers later than that; the
tests count the requests the fake received, never the time things took."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels import line as line_channel
from bot.channels import line_sender
from messaging.values import reply_from_dict
from models import OutboxMessage
from tests.fakes import line_webhook as wh


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(line_channel, "REPLY_TIMEOUT", (1.0, 0.2))
    monkeypatch.setattr(line_sender, "PUSH_TIMEOUT", (1.0, 0.2))


def outbox(app) -> list[OutboxMessage]:
    with app.extensions["kongtun"].Session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def metrics(app) -> dict:
    return app.extensions["line"].metrics


def say(line_user, text: str) -> str:
    """Send a text; the event's id."""
    event = wh.event("message", line_user.user, message=wh.text_message(text))
    line_user.post(event)
    return event["webhookEventId"]


def statuses(fake_line, operation: str) -> list[int]:
    return sorted(c.status for c in fake_line.calls(operation))


def test_a_reply_answered_after_the_client_gave_up_is_not_pushed_again(line_app, line_user, fake_line,
                                                                      short_timeouts):
    # LINE delivers the reply but answers after the client's read timeout: the retry with the
    # same (now used) token is refused, which says the first went through. No paid push.
    fake_line.answer_late("replyMessage", 1.0)
    say(line_user, "สวัสดี")
    fake_line.settle()
    assert statuses(fake_line, "replyMessage") == [200, 400]
    assert fake_line.calls("pushMessage") == []
    assert outbox(line_app) == []
    assert metrics(line_app)["replies_late"] == 1


def test_a_reply_that_times_out_twice_is_kept_unconfirmed_and_not_pushed(line_app, line_user, fake_line,
                                                                       short_timeouts):
    fake_line.delay("replyMessage", 0.5)  # neither attempt gets an answer in time
    event_id = say(line_user, "สวัสดี")
    fake_line.settle()
    assert len(fake_line.calls("replyMessage")) == 2
    assert fake_line.calls("pushMessage") == []
    (row,) = outbox(line_app)
    assert (row.kind, row.status, row.key) == ("answer", "unconfirmed", f"answer:line:{event_id}")
    assert row.last_error.startswith("reply_outcome_unknown")
    assert row.external_user_id == line_user.user and row.payload


def test_two_500s_on_reply_are_not_pushed_since_line_may_have_delivered(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 500, times=2)
    line_user.say("สวัสดี")
    assert [c.status for c in fake_line.calls("replyMessage")] == [500, 500]
    assert fake_line.calls("pushMessage") == []
    (row,) = outbox(line_app)
    assert row.status == "unconfirmed" and row.last_error == "reply_outcome_unknown: LINE answered 500"


def test_a_500_then_a_used_token_means_the_first_reply_went_through(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 500)
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    line_user.say("สวัสดี")
    assert fake_line.calls("pushMessage") == []
    assert outbox(line_app) == []


def test_an_invalid_token_is_pushed_and_when_the_push_fails_too_the_answer_is_kept(
        line_app, line_user, fake_line, line_member, caplog):
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    fake_line.fail_next("pushMessage", 500, times=2)
    event_id = say(line_user, "เช็คยอด")
    assert [c.status for c in fake_line.calls("pushMessage")] == [500, 500]
    (row,) = outbox(line_app)
    assert (row.kind, row.status, row.key) == ("answer", "pending", f"answer:line:{event_id}")
    assert row.last_error == "push_failed: LINE answered 500"
    assert row.member_id == line_member.id and row.external_user_id == line_user.user
    assert "สมชาย ใจดี" in str(row.payload)  # the whole answer, as the member would have seen it
    assert not any(r.exc_info for r in caplog.records)
    assert metrics(line_app)["answers_kept"] == 1


def test_a_kept_answer_delivered_later_goes_once_under_the_same_retry_keys(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    fake_line.fail_next("pushMessage", 500, times=2)
    say(line_user, "สวัสดี")
    (row,) = outbox(line_app)
    first = fake_line.calls("pushMessage")[0].headers["x-line-retry-key"]
    sender = line_app.extensions["line"].sender
    replies = [reply_from_dict(r) for r in row.payload]
    assert sender.deliver(row.external_user_id, replies, row.key).ok
    assert sender.deliver(row.external_user_id, replies, row.key).ok  # again: answered 409
    pushes = fake_line.calls("pushMessage")
    assert [p.status for p in pushes] == [500, 500, 200, 409]
    assert {p.headers["x-line-retry-key"] for p in pushes} == {first}


def test_a_push_that_timed_out_but_went_through_is_not_delivered_twice(line_app, line_user, fake_line,
                                                                      short_timeouts):
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    fake_line.answer_late("pushMessage", 1.0)
    say(line_user, "สวัสดี")
    fake_line.settle()
    assert statuses(fake_line, "pushMessage") == [200, 409]  # the retry key kept it to one
    assert outbox(line_app) == []


def test_a_reply_rate_limited_twice_was_not_taken_and_is_pushed(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 429, times=2)
    line_user.say("สวัสดี")
    assert len(fake_line.sent("pushMessage")) == 1
    assert outbox(line_app) == []


def test_a_refused_access_token_keeps_the_answer_for_later(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 401, "Authentication failed")
    line_user.say("สวัสดี")
    assert fake_line.calls("pushMessage") == []
    (row,) = outbox(line_app)
    assert row.status == "pending" and row.last_error == "reply_failed: LINE answered 401"


def test_a_redelivered_event_keeps_no_second_row(line_app, line_user, fake_line):
    fake_line.fail_next("replyMessage", 500, times=2)
    event = wh.event("message", line_user.user, message=wh.text_message("สวัสดี"))
    line_user.post(event)
    line_user.post(dict(event, deliveryContext={"isRedelivery": True}))
    assert len(outbox(line_app)) == 1
