"""LINE multicast through the LINE sender, against the fake LINE (checked against the Messaging API's
OpenAPI description): one request for up to 500 users, one retry key per request, answers read the
same way as a push's; and the fake's chaos, which the delivery tests lean on."""

from __future__ import annotations

import uuid

import pytest

from bot.app import senders
from bot.channels import line_sender as line_sender_module
from bot.channels.line import LineSender, retry_key
from messaging.sender import QUOTA_EXHAUSTED, RATE_LIMITED, Delivery, Multicaster, Outcome, QuotaReader
from messaging.values import Button, Card, Row, Text
from tests.fakes import line_webhook as wh

NOTICE = [
    Card(title="ประกาศจากกองทุน", rows=(Row("", "ประชุมใหญ่สามัญประจำปี วันเสาร์ที่ 12 ธันวาคม 2569"),),
         footer="ขอเชิญสมาชิกทุกท่านค่ะ", alt_text="ประกาศประชุมใหญ่สามัญประจำปี"),
    Text("ดูรายละเอียดได้ที่เมนูค่ะ", (Button("ประชุม", "meet"),)),
]


@pytest.fixture
def sender(line_app) -> LineSender:
    return senders(line_app)["line"]


def users(n: int) -> list[str]:
    return [wh.user_id() for _ in range(n)]


def test_the_line_sender_multicasts_and_reads_the_quota(sender):
    assert isinstance(sender, Multicaster) and isinstance(sender, QuotaReader)
    assert sender.max_recipients == 500


def test_one_multicast_reaches_every_recipient_once_under_the_uuid_it_was_given(sender, fake_line):
    to, key = users(3), str(uuid.uuid4())
    assert sender.deliver_many(to, NOTICE, key) == Delivery(Outcome.SENT, 1)
    (call,) = fake_line.calls("multicast")
    assert call.json["to"] == to and call.headers["x-line-retry-key"] == key
    assert [m["type"] for m in call.json["messages"]] == ["flex", "text"]
    assert call.json["messages"][-1]["quickReply"]["items"][0]["action"]["data"] == "meet"
    assert [fake_line.delivered(u) for u in to] == [1, 1, 1]
    assert fake_line.calls("pushMessage") == []


def test_a_repeat_under_the_same_key_is_answered_409_and_delivers_nothing_more(sender, fake_line):
    to, key = users(2), str(uuid.uuid4())
    assert sender.deliver_many(to, NOTICE, key).ok
    assert sender.deliver_many(to, NOTICE, key).ok  # a dispatcher that crashed before recording it
    assert [c.status for c in fake_line.calls("multicast")] == [200, 409]
    assert [fake_line.delivered(u) for u in to] == [1, 1]


def test_a_long_announcement_goes_in_requests_of_five_each_with_its_own_key(sender, fake_line):
    many = [Text(f"ข้อ {i}: รายละเอียดของประกาศค่ะ") if i % 2 else
            Card(title=f"ประกาศที่ {i}", rows=(Row("", "รายละเอียด"),)) for i in range(12)]
    to, key = users(2), str(uuid.uuid4())
    delivery = sender.deliver_many(to, many, key)
    calls = fake_line.calls("multicast")
    assert delivery == Delivery(Outcome.SENT, len(calls)) and len(calls) >= 2
    assert [c.headers["x-line-retry-key"] for c in calls] == [retry_key(key, i) for i in range(len(calls))]
    assert calls[0].headers["x-line-retry-key"] == key
    assert len({c.headers["x-line-retry-key"] for c in calls}) == len(calls)
    assert all(len(c.json["messages"]) <= 5 for c in calls)
    assert fake_line.delivered(to[0]) == len(calls)


def test_five_hundred_recipients_fit_one_request_and_more_are_refused_before_asking(sender, fake_line):
    assert sender.deliver_many(users(500), NOTICE, str(uuid.uuid4())).ok
    assert len(fake_line.calls("multicast")[0].json["to"]) == 500
    with pytest.raises(ValueError, match="500"):
        sender.deliver_many(users(501), NOTICE, str(uuid.uuid4()))
    assert len(fake_line.calls("multicast")) == 1


def test_nobody_to_send_to_sends_nothing(sender, fake_line):
    assert sender.deliver_many([], NOTICE, str(uuid.uuid4())) == Delivery(Outcome.SENT, 0)
    assert fake_line.calls("multicast") == []


def test_a_server_error_once_is_retried_at_once_with_the_same_key(sender, fake_line):
    fake_line.fail_next("multicast", 500)
    to, key = users(2), str(uuid.uuid4())
    assert sender.deliver_many(to, NOTICE, key).ok
    first, second = fake_line.calls("multicast")
    assert first.headers["x-line-retry-key"] == second.headers["x-line-retry-key"] == key
    assert [fake_line.delivered(u) for u in to] == [1, 1]


def test_server_errors_twice_are_retry_later_and_may_have_gone(sender, fake_line):
    fake_line.fail_next("multicast", 500, times=2)
    delivery = sender.deliver_many(users(2), NOTICE, str(uuid.uuid4()))
    assert (delivery.outcome, delivery.uncertain, delivery.sent) == (Outcome.RETRY, True, 0)
    assert delivery.reason == "LINE answered 500"


def test_a_multicast_line_acted_on_before_failing_is_not_delivered_twice(sender, fake_line):
    fake_line.chaos(seed=1, error_rate=1.0, accepted_share=1.0, burst_rate=0.0)  # accepted, then 500
    to, key = users(3), str(uuid.uuid4())
    assert sender.deliver_many(to, NOTICE, key).ok  # the retry at once is answered 409
    assert [c.status for c in fake_line.calls("multicast")] == [500, 409]
    assert [fake_line.delivered(u) for u in to] == [1, 1, 1]


def test_a_timed_out_multicast_is_retry_and_uncertain(sender, fake_line, monkeypatch):
    monkeypatch.setattr(line_sender_module, "PUSH_TIMEOUT", (1.0, 0.2))
    fake_line.delay("multicast", 0.5)
    delivery = sender.deliver_many(users(1), NOTICE, str(uuid.uuid4()))
    fake_line.settle()
    assert (delivery.outcome, delivery.uncertain) == (Outcome.RETRY, True)


def test_a_multicast_answered_too_late_is_sent_once_then_recognised(sender, fake_line, monkeypatch):
    monkeypatch.setattr(line_sender_module, "PUSH_TIMEOUT", (1.0, 0.2))
    fake_line.answer_late("multicast", 0.6)
    to = users(2)
    assert sender.deliver_many(to, NOTICE, str(uuid.uuid4())).ok
    fake_line.settle()
    assert sorted(c.status for c in fake_line.calls("multicast")) == [200, 409]
    assert [fake_line.delivered(u) for u in to] == [1, 1]


def test_the_monthly_limit_is_quota_exhausted_and_not_asked_again(sender, fake_line):
    fake_line.set_quota(300, used=299)
    delivery = sender.deliver_many(users(2), NOTICE, str(uuid.uuid4()))  # two units, one left
    assert (delivery.outcome, delivery.reason) == (Outcome.RETRY, QUOTA_EXHAUSTED)
    (call,) = fake_line.calls("multicast")
    assert call.status == 429  # refused whole: nobody got it, nothing counted
    assert fake_line.consumption == 299 and fake_line.recipients() == set()


def test_the_rate_limit_is_given_back_with_retry_after(sender, fake_line):
    fake_line.chaos(seed=2, error_rate=0.0, burst_rate=1.0, burst_length=1, retry_after=7)
    delivery = sender.deliver_many(users(2), NOTICE, str(uuid.uuid4()))
    assert (delivery.outcome, delivery.reason, delivery.retry_after) == (Outcome.RETRY, RATE_LIMITED, 7.0)
    assert len(fake_line.calls("multicast")) == 1  # asking again at once would not slow down


def test_a_bad_request_is_refused_for_good(sender, fake_line):
    fake_line.fail_next("multicast", 400, "The property, 'to', in the request body is invalid")
    delivery = sender.deliver_many(users(2), NOTICE, str(uuid.uuid4()))
    assert delivery.outcome is Outcome.REFUSED and "400" in (delivery.reason or "")
    assert len(fake_line.calls("multicast")) == 1


def test_a_push_500_twice_is_uncertain_too(sender, fake_line):
    fake_line.fail_next("pushMessage", 500, times=2)
    delivery = sender.deliver(wh.user_id(), NOTICE, "dues:1:2026-12")
    assert (delivery.outcome, delivery.uncertain) == (Outcome.RETRY, True)


def test_a_push_under_a_uuid_key_carries_that_uuid(sender, fake_line):
    key = str(uuid.uuid4())
    assert sender.deliver(wh.user_id(), NOTICE, key).ok
    assert fake_line.calls("pushMessage")[0].headers["x-line-retry-key"] == key
    assert retry_key(key, 1) != key and uuid.UUID(retry_key(key, 1))
    assert retry_key("dues:1:2026-12", 0) != "dues:1:2026-12"  # other keys are turned into UUIDs


# --- the fake's multicast and chaos ------------------------------------------------------------

def test_the_fake_refuses_a_multicast_to_a_group_or_twice_to_one_user(fake_line, sender):
    group = wh.group_id()
    assert sender.deliver_many([wh.user_id(), group], NOTICE, str(uuid.uuid4())).outcome is Outcome.REFUSED
    one = wh.user_id()
    assert sender.deliver_many([one, one], NOTICE, str(uuid.uuid4())).outcome is Outcome.REFUSED
    assert len(fake_line.errors) == 2 and "not LINE user ids" in fake_line.errors[0]
    fake_line.errors.clear()


def test_the_fake_checks_a_multicast_against_the_spec(fake_line, sender):
    assert sender.deliver_many(users(1), [Text("")], str(uuid.uuid4())).ok  # rendered as "-"
    (call,) = fake_line.calls("multicast")
    assert call.operation == "multicast" and call.errors == []


def test_chaos_is_seeded_and_fails_about_the_share_asked(fake_line, sender):
    chaos = fake_line.chaos(seed=7, error_rate=0.3, accepted_share=0.5, burst_rate=0.02, burst_length=3)
    sender.attempts = 1
    outcomes = [sender.deliver(wh.user_id(), NOTICE, str(uuid.uuid4())) for _ in range(400)]
    calls = len(fake_line.calls("pushMessage"))
    assert calls == 400
    failed = chaos.failed_before + chaos.failed_after
    assert 0.22 < failed / calls < 0.38 and chaos.failed_after and chaos.failed_before
    assert 0.3 < chaos.failed_after / failed < 0.7
    assert chaos.rate_limited >= 3  # at least one burst
    limited = [o for o in outcomes if o.reason == RATE_LIMITED]
    assert len(limited) == chaos.rate_limited  # the rate-limit message, read as such
    # Accepted-then-500 pushes did reach their person: counted on the fake's side.
    assert len(fake_line.recipients()) == sum(o.ok for o in outcomes) + chaos.failed_after


def test_chaos_draws_the_same_fates_from_the_same_seed(fake_line):
    one, two = fake_line.chaos(seed=11), fake_line.chaos(seed=11)
    fates = [one.draw() for _ in range(200)]
    assert fates == [two.draw() for _ in range(200)]
    assert {"ok", "rate", "before", "after"} == set(fates)


def test_scripted_fates_come_before_any_chaos(fake_line, sender):
    fake_line.script("multicast", "after", "rate")
    to = users(2)
    delivery = sender.deliver_many(to, NOTICE, str(uuid.uuid4()))
    # Acted on, answered 500; the retry at once met the rate limit: not known to be sent, so RETRY.
    assert (delivery.outcome, delivery.reason, delivery.uncertain) == (Outcome.RETRY, RATE_LIMITED, True)
    assert [c.status for c in fake_line.calls("multicast")] == [500, 429]
    assert [fake_line.delivered(u) for u in to] == [1, 1]
    assert sender.deliver_many(to, NOTICE, str(uuid.uuid4())).ok  # nothing scripted is left
