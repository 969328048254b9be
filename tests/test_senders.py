"""One way to send: the LINE, Telegram and simulator senders behind `messaging.sender.Sender`,
each against its fake platform, saying what happened the same way."""

from __future__ import annotations

import concurrent.futures

import pytest

from bot.app import senders
from bot.channels.line import retry_key
from messaging.sender import QUOTA_EXHAUSTED, RATE_LIMITED, Delivery, Outcome, Sender
from messaging.values import Button, Card, Row, Text
from tests.fakes import line_webhook as wh

REMINDER = [
    Card(title="แจ้งเตือนค่าสัจจะ", rows=(Row("เดือน", "ธันวาคม 2569"), Row("ยอด", "30 บาท")),
         footer="ชำระได้ที่ที่ทำการกองทุนค่ะ", alt_text="แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569"),
    Text("ดูยอดของท่านได้ที่เมนูค่ะ", (Button("ยอดเงินของฉัน", "acct"),)),
]


# --- every channel has one, and the app hands them out by channel --------------------------------

def test_the_simulator_app_offers_its_sender(app):
    found = senders(app)
    assert set(found) == {"simulator"}
    assert isinstance(found["simulator"], Sender) and found["simulator"].channel == "simulator"


def test_configured_channels_offer_their_senders(line_app, tg_app):
    line, telegram = senders(line_app)["line"], senders(tg_app)["telegram"]
    assert isinstance(line, Sender) and line.channel == "line"
    assert isinstance(telegram, Sender) and telegram.channel == "telegram"
    assert "telegram" not in senders(line_app) and "line" not in senders(tg_app)


# --- the simulator -------------------------------------------------------------------------------

def test_simulator_delivers_to_the_inbox_once_per_key(app, client):
    sender = senders(app)["simulator"]
    assert sender.deliver("sim-user", REMINDER, "dues:1:2026-12") == Delivery(Outcome.SENT, 2)
    assert sender.deliver("sim-user", REMINDER, "dues:1:2026-12").ok  # a retry after a crash
    messages = client.get("/simulator/api/inbox?user=sim-user").get_json()["messages"]
    assert [m["key"] for m in messages] == ["dues:1:2026-12"]
    assert messages[0]["replies"][0]["card"]["title"] == "แจ้งเตือนค่าสัจจะ"
    assert messages[0]["replies"][1]["buttons"] == [{"label": "ยอดเงินของฉัน", "postback": "acct"}]


def test_simulator_refuses_an_impossible_user(app):
    delivery = senders(app)["simulator"].deliver("a\x00b", REMINDER, "k")
    assert delivery.outcome is Outcome.REFUSED and delivery.reason


# --- LINE ----------------------------------------------------------------------------------------

@pytest.fixture
def line_sender(line_app):
    return senders(line_app)["line"]


def test_line_push_carries_a_retry_key_derived_from_the_send_key(line_sender, fake_line):
    user = wh.user_id()
    assert line_sender.deliver(user, REMINDER, "dues:42:2026-12") == Delivery(Outcome.SENT, 1)
    (call,) = fake_line.calls("pushMessage")
    assert call.headers["x-line-retry-key"] == retry_key("dues:42:2026-12", 0)
    assert call.json["to"] == user
    assert [m["type"] for m in call.json["messages"]] == ["flex", "text"]


def test_line_repeat_under_the_same_key_is_delivered_once(line_sender, fake_line):
    user = wh.user_id()
    assert line_sender.deliver(user, REMINDER, "dues:42:2026-12").ok
    assert line_sender.deliver(user, REMINDER, "dues:42:2026-12").ok  # a dispatcher retry
    assert [p.status for p in fake_line.calls("pushMessage")] == [200, 409]
    assert len(fake_line.sent("pushMessage")) == 1
    assert line_sender.deliver(user, REMINDER, "dues:42:2027-01").ok
    assert len(fake_line.sent("pushMessage")) == 2


def test_line_quota_used_up_is_retry_later_and_not_hammered(line_sender, fake_line):
    fake_line.fail_next("pushMessage", 429, "You have reached your monthly limit.", times=3)
    delivery = line_sender.deliver(wh.user_id(), REMINDER, "dues:1:2026-12")
    assert (delivery.outcome, delivery.reason, delivery.sent) == (Outcome.RETRY, QUOTA_EXHAUSTED, 0)
    assert len(fake_line.calls("pushMessage")) == 1  # no second try within the same month's wall


def test_line_rate_limit_is_given_back_at_once_to_slow_down(line_sender, fake_line):
    fake_line.fail_next("pushMessage", 429, "The API rate limit has been exceeded. Try again later.")
    delivery = line_sender.deliver(wh.user_id(), REMINDER, "dues:2:2026-12")
    assert (delivery.outcome, delivery.reason) == (Outcome.RETRY, RATE_LIMITED)
    assert len(fake_line.calls("pushMessage")) == 1  # asking again at once would not slow down


def test_line_server_error_once_is_retried_with_the_same_key(line_sender, fake_line):
    fake_line.fail_next("pushMessage", 500)
    assert line_sender.deliver(wh.user_id(), REMINDER, "dues:3:2026-12").ok
    first, second = fake_line.calls("pushMessage")
    assert first.headers["x-line-retry-key"] == second.headers["x-line-retry-key"]


def test_line_bad_request_is_refused_for_good(line_sender, fake_line):
    fake_line.fail_next("pushMessage", 400, "The property, 'to', in the request body is invalid")
    delivery = line_sender.deliver(wh.user_id(), REMINDER, "dues:4:2026-12")
    assert delivery.outcome is Outcome.REFUSED and "400" in (delivery.reason or "")
    assert len(fake_line.calls("pushMessage")) == 1


def test_line_more_than_five_messages_go_in_several_requests_each_with_its_key(line_sender, fake_line):
    many = [m for i in range(4)  # eight messages: a text and a card, four times
            for m in (Text(f"ข้อ {i}"), Card(title=f"ประกาศที่ {i}", rows=(Row("", "รายละเอียด"),)))]
    assert line_sender.deliver(wh.user_id(), many, "announce:9") == Delivery(Outcome.SENT, 2)
    keys = [c.headers["x-line-retry-key"] for c in fake_line.calls("pushMessage")]
    assert keys == [retry_key("announce:9", 0), retry_key("announce:9", 1)]


# --- Telegram ------------------------------------------------------------------------------------

@pytest.fixture
def tg_sender(tg_app):
    return senders(tg_app)["telegram"]


def test_telegram_delivers_html_in_order(tg_sender, fake_telegram):
    assert tg_sender.deliver("42", REMINDER, "dues:1:2026-12") == Delivery(Outcome.SENT, 2)
    first, second = fake_telegram.sent()
    assert first["chat_id"] == 42 and "<b>แจ้งเตือนค่าสัจจะ</b>" in first["text"]
    assert second["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "acct"


def test_telegram_says_blocked_rate_limited_and_refused(tg_sender, fake_telegram):
    fake_telegram.block_next_send()
    assert tg_sender.deliver("42", REMINDER, "k1").outcome is Outcome.BLOCKED
    fake_telegram.flood_next_send(retry_after=120)
    delivery = tg_sender.deliver("42", REMINDER, "k2")
    assert (delivery.outcome, delivery.sent, delivery.retry_after) == (Outcome.RETRY, 0, 120)
    fake_telegram.fail_next("sendMessage", 400, "Bad Request: chat not found")
    assert tg_sender.deliver("42", REMINDER, "k3").outcome is Outcome.REFUSED
    assert tg_sender.deliver("42", REMINDER, "k4") == Delivery(Outcome.SENT, 2)


def test_telegram_many_threads_share_the_one_loop(tg_app, tg_sender, fake_telegram):
    chats = range(7_000_000_001, 7_000_000_033)

    def push(chat_id: int) -> Delivery:
        return tg_sender.deliver(str(chat_id), [Text(f"แจ้งเตือน {chat_id} <ค่าสัจจะ>")], f"k:{chat_id}")

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(push, chats))
    assert all(r.ok and r.sent == 1 for r in results), [r for r in results if not r.ok]
    assert sorted(p["chat_id"] for p in fake_telegram.sent()) == list(chats)
    assert len(fake_telegram.calls_to("getMe")) == 1
