"""What the dispatcher writes for each outcome: sent, retry with backoff, blocked, refused, expired;
quiet hours; the simulator's inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from messaging.sender import RATE_LIMITED, Delivery, Outcome
from models import ChatAccount, SendPace
from scheduler.backoff import backoff_seconds
from services import outbox
from tests.dispatch_fixtures import RecordingSender, add_row, rows_by_key
from tests.factories import make_fund, make_member


def test_a_sent_row_records_when_and_how(outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "k", channel="simulator", user="s1", texts=("สวัสดีค่ะ",))
    sender = RecordingSender("simulator", manual_clock)
    report = make_dispatcher({"simulator": sender}).deliver()
    assert (report.sent, report.total) == (1, 1)
    row = rows_by_key(outbox_db)["k"]
    assert (row.status, row.sent_via, row.sent_at, row.attempts) == ("sent", "push", manual_clock(), 1)
    assert row.lease_owner is None and sender.calls[0].texts == ("สวัสดีค่ะ",)


def test_a_transient_failure_backs_off_exponentially_then_fails_after_max_attempts(
        outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "k", channel="simulator", user="s1")
    sender = RecordingSender("simulator", manual_clock)
    dispatcher = make_dispatcher({"simulator": sender}, max_attempts=4)
    waits = []
    for attempt in range(1, 4):
        sender.will(Delivery(Outcome.RETRY, reason="LINE answered 500"))
        report = dispatcher.deliver()
        assert report.retried == 1
        row = rows_by_key(outbox_db)["k"]
        wait = (row.next_attempt_at - manual_clock()).total_seconds()
        ceiling = 30 * 2 ** (attempt - 1)
        assert ceiling / 2 <= wait <= ceiling and row.attempts == attempt and row.status == "retry"
        waits.append(wait)
        assert dispatcher.deliver().total == 0, "not before its time"
        manual_clock.advance(seconds=wait)
    assert waits[0] < waits[1] < waits[2]
    sender.will(Delivery(Outcome.RETRY, reason="LINE answered 500"))
    assert dispatcher.deliver().failed == 1
    row = rows_by_key(outbox_db)["k"]
    assert (row.status, row.attempts, row.last_error) == ("failed", 4, "LINE answered 500")


def test_backoff_has_jitter_within_doubling_bounds_and_a_ceiling():
    import random

    rng = random.Random(1)
    samples = [backoff_seconds(1, rng) for _ in range(50)]
    assert min(samples) >= 15 and max(samples) <= 30 and len(set(samples)) > 40
    assert 1800 <= backoff_seconds(20, rng) <= 3600


def test_retry_after_is_honoured_and_a_rate_limit_slows_the_channel_for_everyone(
        outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "a", channel="telegram", user="42")
    add_row(outbox_db, "b", channel="telegram", user="43")
    sender = RecordingSender("telegram", manual_clock)
    sender.will(Delivery(Outcome.RETRY, retry_after=12, reason=RATE_LIMITED))
    start = manual_clock()
    report = make_dispatcher({"telegram": sender}).deliver()
    assert (report.retried, report.sent) == (1, 1)
    rows = rows_by_key(outbox_db)
    assert rows["a"].next_attempt_at == start + timedelta(seconds=12)
    assert rows["a"].attempts == 0, "a rate limit is no fault of the row"
    # The second row waited for the pace pushed 12 s on, though it was for another chat.
    assert (sender.calls[1].at - start).total_seconds() >= 12
    with outbox_db() as session:
        assert session.get(SendPace, "telegram").next_at >= start.timestamp() + 12


def test_a_blocked_chat_becomes_unreachable_with_its_other_waiting_rows(
        outbox_db, manual_clock, make_dispatcher):
    with outbox_db() as session, session.begin():
        member = make_member(session, make_fund(session))
        session.add(ChatAccount(channel="telegram", external_user_id="42", member_id=member.id))
    add_row(outbox_db, "first", channel="telegram", user="42", kind="answer")
    add_row(outbox_db, "second", channel="telegram", user="42", kind="announcement",
            created_at=manual_clock() + timedelta(hours=1))
    add_row(outbox_db, "other-chat", channel="telegram", user="77")
    sender = RecordingSender("telegram", manual_clock)
    blocked = Delivery(Outcome.BLOCKED, reason="Forbidden: bot was blocked by the user")
    sender.before_call = lambda call: sender.will(blocked) if call.to == ("42",) else None
    start = manual_clock()
    report = make_dispatcher({"telegram": sender}, batch_size=1).deliver()
    rows = rows_by_key(outbox_db)
    assert (rows["first"].status, rows["second"].status, rows["other-chat"].status) == (
        "unreachable", "unreachable", "sent")
    assert report.unreachable == 2 and [c.to for c in sender.calls] == [("42",), ("77",)]
    with outbox_db() as session:
        account = session.scalar(select(ChatAccount).where(ChatAccount.external_user_id == "42"))
        assert start <= account.unreachable_at <= manual_clock()


def test_a_refused_row_fails_at_once_with_a_short_reason_and_no_personal_data(
        outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "k", channel="telegram", user="42")
    sender = RecordingSender("telegram", manual_clock)
    sender.will(Delivery(Outcome.REFUSED, reason="400: bad phone +66 81 234 5678 " + "x" * 400))
    assert make_dispatcher({"telegram": sender}).deliver().failed == 1
    row = rows_by_key(outbox_db)["k"]
    assert row.status == "failed" and row.attempts == 1
    assert "5678" not in row.last_error and "234" not in row.last_error and len(row.last_error) <= 200


def test_quiet_hours_hold_pushes_but_not_answers_until_morning(outbox_db, manual_clock, make_dispatcher):
    manual_clock.at = manual_clock.at.replace(hour=15)  # 22:00 in Bangkok
    add_row(outbox_db, "answer", channel="simulator", user="s1", kind="answer")
    add_row(outbox_db, "dues", channel="simulator", user="s1", kind="dues_reminder")
    add_row(outbox_db, "news", channel="simulator", user="s2", kind="announcement")
    sender = RecordingSender("simulator", manual_clock)
    dispatcher = make_dispatcher({"simulator": sender})
    report = dispatcher.deliver()
    assert (report.sent, report.waiting_quiet) == (1, 2)
    assert [c.key for c in sender.calls] == ["answer"]
    manual_clock.advance(hours=9, minutes=59)  # 07:59
    assert dispatcher.deliver().waiting_quiet == 2
    manual_clock.advance(minutes=1)  # 08:00
    report = dispatcher.deliver()
    assert (report.sent, report.waiting_quiet) == (2, 0)


def test_expired_rows_are_counted_and_never_sent(outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "late", channel="simulator", user="s1",
            expires_at=manual_clock() - timedelta(seconds=1))
    sender = RecordingSender("simulator", manual_clock)
    report = make_dispatcher({"simulator": sender}).deliver()
    assert (report.expired, report.sent, sender.calls) == (1, 0, [])
    assert rows_by_key(outbox_db)["late"].status == outbox.EXPIRED


def test_simulator_rows_land_in_its_inbox_through_the_real_sender(app, db, client, manual_clock):
    import random

    from bot.app import senders
    from scheduler.dispatcher import Dispatcher
    from tests.dispatch_fixtures import settings

    add_row(db, "notice:1", channel="simulator", user="U-sim-9", texts=("ประชุมพรุ่งนี้ค่ะ",))
    dispatcher = Dispatcher(db, senders(app), settings(), clock=manual_clock, sleep=manual_clock.sleep,
                            rng=random.Random(1))
    assert dispatcher.deliver().sent == 1
    inbox = client.get("/simulator/api/inbox?user=U-sim-9").get_json()
    assert "ประชุมพรุ่งนี้ค่ะ" in str(inbox)
    with db() as session:  # no pace for the simulator
        assert session.scalars(select(SendPace.name)).all() == []


def test_a_long_flood_wait_gives_the_rows_back_instead_of_sleeping_on_their_lease(
        outbox_db, manual_clock, make_dispatcher):
    for i in range(3):
        add_row(outbox_db, f"k{i}", channel="telegram", user=f"{40 + i}")
    sender = RecordingSender("telegram", manual_clock)
    sender.will(Delivery(Outcome.RETRY, retry_after=600, reason=RATE_LIMITED))
    start = manual_clock()
    report = make_dispatcher({"telegram": sender}, lease_seconds=120.0).deliver()
    assert report.retried == 3 and len(sender.calls) == 1
    assert (manual_clock() - start).total_seconds() < 40, "it did not sleep out the ten minutes"
    rows = rows_by_key(outbox_db)
    assert all(r.next_attempt_at >= start + timedelta(seconds=599) and r.attempts == 0 for r in rows.values())
    manual_clock.at = start + timedelta(seconds=601)
    assert make_dispatcher({"telegram": sender}).deliver().sent == 3
