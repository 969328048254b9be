"""What becomes of a Telegram answer that sendMessage could not deliver, through the webhook and the
fake Bot API: kept as an outbox row (pending when Telegram surely sent nothing, unconfirmed when it
may have), only the part not sent, never dropped; a block or a refusal keeps nothing."""

from __future__ import annotations

from sqlalchemy import select

from locales import translate
from models import OutboxMessage

USER_ID = 5_012_345_678  # somying's Telegram id


def outbox(app) -> list[OutboxMessage]:
    with app.extensions["kongtun"].Session() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def texts(row: OutboxMessage) -> str:
    return "\n".join(str(r.get("text", "")) for r in row.payload)


def test_a_500_keeps_the_answer_for_later(tg_app, somying, fake_telegram, caplog):
    fake_telegram.fail_next("sendMessage", 500, "Internal Server Error")
    somying.say("/menu")  # the webhook still answers 200
    (row,) = outbox(tg_app)
    assert (row.kind, row.status, row.channel) == ("answer", "pending", "telegram")
    assert row.external_user_id == str(USER_ID) and row.key.startswith("answer:telegram:")
    assert row.last_error == "send_failed: Internal Server Error"
    assert translate("th", "menu.choose") in texts(row)
    assert not any(r.exc_info for r in caplog.records)


def test_a_429_without_retry_after_keeps_the_answer(tg_app, somying, fake_telegram):
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests")
    somying.say("/menu")
    (row,) = outbox(tg_app)
    assert row.status == "pending" and "Too Many Requests" in row.last_error


def test_a_long_flood_wait_keeps_the_answer_rather_than_waiting(tg_app, somying, fake_telegram):
    fake_telegram.flood_next_send(retry_after=60)
    somying.say("/menu")
    (row,) = outbox(tg_app)
    assert row.status == "pending" and row.last_error == "send_failed: rate_limited"


def test_only_the_part_not_sent_is_kept(tg_app, somying, fake_telegram):
    fake_telegram.fail_next("sendMessage", 500, "Internal Server Error", after=1)
    somying.say("/menu")  # two messages: the first goes, the second fails
    assert len(fake_telegram.sent()) == 2
    (row,) = outbox(tg_app)
    assert len(row.payload) == 1 and translate("th", "menu.choose") in texts(row)
    assert fake_telegram.sent()[0]["text"] not in texts(row)


def test_a_time_out_keeps_the_answer_unconfirmed_since_it_may_have_been_shown(tg_app, somying,
                                                                            fake_telegram):
    tg_app.extensions["telegram"].sender.timeout = 0.3
    fake_telegram.answer_late("sendMessage", 1.0)
    somying.say("/menu")
    (row,) = outbox(tg_app)
    assert row.status == "unconfirmed" and row.last_error == "send_failed: timed out"


def test_blocked_or_refused_keeps_nothing(tg_app, somying, fake_telegram):
    fake_telegram.block_next_send()
    somying.say("/menu")
    fake_telegram.fail_next("sendMessage", 400, "Bad Request: chat not found")
    somying.say("/menu")
    assert outbox(tg_app) == []


def test_a_redelivered_update_keeps_no_second_row(tg_app, somying, updates, fake_telegram):
    fake_telegram.fail_next("sendMessage", 500, "Internal Server Error", times=2)
    update = updates.message(somying.from_user, somying.chat, text="/menu")
    somying.post(update)
    somying.post(update)
    assert len(outbox(tg_app)) == 1
