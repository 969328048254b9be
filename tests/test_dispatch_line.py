"""LINE through the dispatcher: the quota planned, retry keys stored before the call and reused,
the monthly limit held, held rows sent on Telegram instead."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from messaging.sender import QUOTA_EXHAUSTED, Delivery, Outcome
from models import ChannelHold, ChatAccount, OutboxMessage
from scheduler.line_delivery import next_line_month
from tests.dispatch_fixtures import QuotaLineSender, RecordingSender, add_row, rows_by_key
from tests.factories import make_fund, make_member


def _members(outbox_db, n: int, telegram: bool = False, fund_code: str = "PAKHLOK") -> list[int]:
    with outbox_db() as session, session.begin():
        fund = make_fund(session, fund_code)
        ids = []
        for i in range(n):
            member = make_member(session, fund)
            if telegram:
                session.add(ChatAccount(channel="telegram", external_user_id=f"{700 + i}",
                                        member_id=member.id))
            ids.append(member.id)
        return ids


def test_pushes_stay_within_what_is_left_less_the_reserve_by_priority_and_bundled(
        outbox_db, manual_clock, make_dispatcher):
    now = manual_clock()
    for i in range(20):  # 20 chats owe dues; 5 of them also have a meeting change waiting
        add_row(outbox_db, f"dues:{i}", user=f"U{i}", kind="dues_reminder",
                created_at=now - timedelta(hours=1))
    for i in range(5):
        add_row(outbox_db, f"change:{i}", user=f"U{i}", kind="meeting_change")
    for i in range(20, 30):
        add_row(outbox_db, f"news:{i}", user=f"U{i}", kind="announcement", content_key="announcement:1")
    sender = QuotaLineSender(manual_clock, limit=300, used=282)  # 18 left
    report = make_dispatcher({"line": sender}, line_quota_reserve="3").deliver()
    assert sender.used - 282 == 15, "18 left less a reserve of 3"
    rows = rows_by_key(outbox_db)
    # The meeting changes went first, each bundled with that chat's dues reminder in one push.
    first = sender.calls[:5]
    assert all(len(c.to) == 1 and len(c.texts) == 2 for c in first)
    assert all(rows[f"change:{i}"].status == "sent" and rows[f"dues:{i}"].status == "sent" for i in range(5))
    assert all(rows[f"news:{i}"].status == "held" for i in range(20, 30)), "announcements go last"
    # 15 pushes: 5 bundles of two rows and 10 lone dues reminders; the other 5 dues wait.
    assert Counter(r.status for r in rows.values()) == {"sent": 20, "held": 15}
    assert (report.sent, report.held) == (20, 15)


def test_urgent_rows_may_spend_the_reserve(outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "lapse", kind="lapse_warning")
    add_row(outbox_db, "dues", user="U2", kind="dues_reminder")
    sender = QuotaLineSender(manual_clock, limit=300, used=295)
    make_dispatcher({"line": sender}, line_quota_reserve="10%").deliver()
    rows = rows_by_key(outbox_db)
    assert (rows["lapse"].status, rows["dues"].status) == ("sent", "held")


def test_identical_content_goes_by_multicast(outbox_db, manual_clock, make_dispatcher):
    for i in range(7):
        add_row(outbox_db, f"news:{i}", user=f"U{i}", kind="announcement", content_key="announcement:9")
    sender = QuotaLineSender(manual_clock, limit=None)
    assert make_dispatcher({"line": sender}).deliver().sent == 7
    assert len(sender.calls) == 1 and len(sender.calls[0].to) == 7
    assert {r.sent_via for r in rows_by_key(outbox_db).values()} == {"multicast"}


def test_the_retry_key_is_stored_before_the_call_and_reused_on_retry(
        outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "a", user="U1", texts=("one",))
    add_row(outbox_db, "b", user="U1", texts=("two",))
    sender = QuotaLineSender(manual_clock, limit=None)
    stored = []

    def check(call) -> None:  # at the moment of the call the key is already committed on both rows
        with outbox_db() as session:
            stored.append(set(session.scalars(select(OutboxMessage.retry_key))))

    sender.before_call = check
    sender.will(Delivery(Outcome.RETRY, reason="LINE answered 500", uncertain=True))
    dispatcher = make_dispatcher({"line": sender})
    assert dispatcher.deliver().retried == 2
    key = sender.calls[0].key
    assert stored[0] == {key}
    rows = rows_by_key(outbox_db)
    assert rows["a"].retry_key == rows["b"].retry_key == key
    assert rows["a"].next_attempt_at == rows["b"].next_attempt_at, "claimed together again"
    manual_clock.at = rows["a"].next_attempt_at
    assert dispatcher.deliver().sent == 2
    assert [c.key for c in sender.calls] == [key, key]
    assert sender.calls[1].texts == ("one", "two"), "the same request as before"


def test_unreadable_quota_pushes_nothing_and_looks_again_in_a_minute(
        outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "k")
    sender = QuotaLineSender(manual_clock)
    sender.readable = False
    report = make_dispatcher({"line": sender}).deliver()
    row = rows_by_key(outbox_db)["k"]
    assert sender.calls == [] and report.retried == 1
    assert row.status == "retry" and row.attempts == 0
    assert row.next_attempt_at == manual_clock() + timedelta(minutes=1)


def test_the_monthly_limit_holds_the_channel_until_lines_month_turns(
        outbox_db, manual_clock, make_dispatcher):
    for i in range(4):
        add_row(outbox_db, f"k{i}", user=f"U{i}")
    sender = QuotaLineSender(manual_clock, limit=300, used=10)
    sender.will(Delivery(Outcome.SENT, 1), Delivery(Outcome.RETRY, reason=QUOTA_EXHAUSTED))
    report = make_dispatcher({"line": sender}).deliver()
    assert (report.sent, report.held, report.retried) == (1, 3, 0)
    assert len(sender.calls) == 2, "nothing more is pushed once LINE says the month is used up"
    with outbox_db() as session:
        hold = session.get(ChannelHold, "line")
        assert hold.until == datetime(2026, 12, 31, 15, 0, tzinfo=UTC)  # 1 January 00:00 in Tokyo
        assert {r.retry_key for r in session.scalars(select(OutboxMessage).where(
            OutboxMessage.status == "held"))} == {None}, "refused unread: no key worth keeping"
    add_row(outbox_db, "later", user="U9")
    manual_clock.advance(hours=1)
    assert make_dispatcher({"line": sender}).deliver().held == 1
    assert len(sender.calls) == 2


def test_lines_month_turns_at_midnight_in_tokyo():
    tokyo = timedelta(hours=9)  # midnight in Tokyo is 15:00 UTC the day before
    assert next_line_month(datetime(2026, 12, 31, 15, 30, tzinfo=UTC)) \
        == datetime(2027, 2, 1, tzinfo=UTC) - tokyo
    assert next_line_month(datetime(2026, 11, 30, 14, 59, tzinfo=UTC)) \
        == datetime(2026, 12, 1, tzinfo=UTC) - tokyo


def test_held_rows_go_on_telegram_when_the_member_has_it(outbox_db, manual_clock, make_dispatcher):
    with_telegram = _members(outbox_db, 2, telegram=True)
    (line_only,) = _members(outbox_db, 1, fund_code="KAMALA")
    with outbox_db() as session, session.begin():  # each row's LINE chat is the member's own
        session.add_all([ChatAccount(channel="line", external_user_id=f"U{i}", member_id=member)
                         for i, member in enumerate([*with_telegram, line_only])])
    for i, member in enumerate([*with_telegram, line_only]):
        add_row(outbox_db, f"dues:{i}", user=f"U{i}", member_id=member, kind="dues_reminder",
                texts=(f"ค่าสมาชิกค่ะ {i}",))
    line = QuotaLineSender(manual_clock, limit=300, used=300)
    telegram = RecordingSender("telegram", manual_clock)
    report = make_dispatcher({"line": line, "telegram": telegram}).deliver()
    rows = rows_by_key(outbox_db)
    assert line.calls == []
    assert [(c.to, c.texts) for c in telegram.calls] == [(("700",), ("ค่าสมาชิกค่ะ 0",)),
                                                          (("701",), ("ค่าสมาชิกค่ะ 1",))]
    assert (rows["dues:0"].status, rows["dues:0"].sent_via) == ("sent", "telegram")
    assert rows["dues:2"].status == "held" and (report.sent, report.held) == (2, 1)
    assert (telegram.calls[1].at - telegram.calls[0].at).total_seconds() >= 1 / 25 - 1e-4, "paced"


def test_a_conflict_on_the_retry_key_is_counted_as_sent(outbox_db, manual_clock, make_dispatcher, fake_line):
    """The real LineSender against the fake LINE: a dispatcher was killed after LINE accepted its
    request and before it recorded it; the next one sends the row with the stored key, LINE
    answers 409, and the row is sent, not sent twice."""
    from bot.channels.line import LineSender
    from bot.channels.line_client import LineClient
    from messaging.values import Text
    from tests.conftest import line_config

    key, user = "5b1a3f0e-8c1d-4d7a-9a53-2f0c6a1b7e01", "U" + "a" * 32
    add_row(outbox_db, "k", user=user, texts=("ประชุมวันศุกร์ค่ะ",))
    with outbox_db() as session:  # as the killed dispatcher left it
        row = session.scalar(select(OutboxMessage))
        row.status, row.retry_key, row.lease_owner = "sending", key, "killed"
        row.lease_until = manual_clock() - timedelta(seconds=1)
        session.commit()
    client = LineClient(line_config("sqlite://", fake_line.url))
    try:
        sender = LineSender(client)
        assert sender.deliver(user, [Text("ประชุมวันศุกร์ค่ะ")], key).ok  # the call LINE took
        assert make_dispatcher({"line": sender}).deliver().sent == 1
    finally:
        client.close()
    assert [r.status for r in fake_line.calls("pushMessage")] == [200, 409]
    row = rows_by_key(outbox_db)["k"]
    assert (row.status, row.sent_via, row.retry_key) == ("sent", "push", key)


def test_no_fallback_copy_when_the_notice_has_its_own_telegram_row(outbox_db, manual_clock, make_dispatcher):
    from messaging.values import Text
    from models import Member
    from services import outbox as outbox_service

    (member,) = _members(outbox_db, 1, telegram=True)
    with outbox_db() as session, session.begin():  # a notice written to each linked chat, as features do
        session.add(ChatAccount(channel="line", external_user_id="Uline", member_id=member))
        session.flush()
        written = outbox_service.notify_member(
            session, session.get(Member, member), key="meeting:7:moved",
            compose=lambda locale: [Text("ย้ายประชุมค่ะ")], kind="meeting_change")
        assert written == 2
    line = QuotaLineSender(manual_clock, limit=300, used=300)
    telegram = RecordingSender("telegram", manual_clock)
    report = make_dispatcher({"line": line, "telegram": telegram}).deliver()
    assert [c.texts for c in telegram.calls] == [("ย้ายประชุมค่ะ",)], "once, by its own row"
    assert (report.sent, report.held) == (1, 1)


class CountingQuotaSender(QuotaLineSender):
    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.reads = 0

    def quota(self):
        self.reads += 1
        return super().quota()


def test_the_quota_is_read_again_only_when_a_batch_could_need_more_than_is_left(
        outbox_db, manual_clock, make_dispatcher):
    for i in range(6):
        add_row(outbox_db, f"news:{i}", user=f"U{i}", kind="announcement", content_key="announcement:7")
    roomy = CountingQuotaSender(manual_clock, limit=300, used=0)
    assert make_dispatcher({"line": roomy}, batch_size=2).deliver().sent == 6
    assert roomy.reads == 1, "three batches of 2 fit in 300: the drain's first reading serves them all"

    for i in range(6):
        add_row(outbox_db, f"more:{i}", user=f"U{i}", kind="announcement", content_key="announcement:8")
    tight = CountingQuotaSender(manual_clock, limit=300, used=297)
    report = make_dispatcher({"line": tight}, batch_size=2).deliver()
    assert (report.sent, report.held) == (3, 3) and tight.used == 300, "never past the limit"
    assert tight.reads > 1, "a batch that could need more than is left reads LINE's figure first"
