"""The drain as a whole: progress, leases kept through a long batch, held rows coming back, a
sender that raises, and the Telegram fallback through the real TelegramSender."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from models import ChatAccount, OutboxMessage
from scheduler import claim as claiming
from scheduler.dispatcher import Dispatcher
from tests.dispatch_fixtures import QuotaLineSender, RecordingSender, add_row, rows_by_key, settings
from tests.factories import make_fund, make_member


def test_progress_counts_rows_done_out_of_those_due(outbox_db, manual_clock, make_dispatcher):
    for i in range(7):
        add_row(outbox_db, f"k{i}", channel="simulator", user=f"s{i}")
    seen: list[tuple[int, int]] = []
    make_dispatcher({"simulator": RecordingSender("simulator", manual_clock)}, batch_size=3).deliver(
        lambda done, total: seen.append((done, total)))
    assert seen == [(i, 7) for i in range(1, 8)]


def test_a_long_batch_keeps_its_lease(outbox_db, manual_clock, make_dispatcher):
    for i in range(6):  # one Telegram chat: a message a second, so the batch outlasts a 3 s lease
        add_row(outbox_db, f"k{i}", channel="telegram", user="42")
    sender = RecordingSender("telegram", manual_clock)
    thief: list[list[str]] = []

    def steal(call) -> None:  # another dispatcher tries to claim meanwhile
        with outbox_db() as session:
            thief.append([r.key for r in claiming.claim(session, manual_clock(), owner="thief", limit=10,
                                                        lease_seconds=3, channels={"telegram"})])

    sender.before_call = steal
    report = make_dispatcher({"telegram": sender}, lease_seconds=3.0).deliver()
    assert report.sent == 6 and thief == [[]] * 6
    assert (sender.calls[-1].at - sender.calls[0].at).total_seconds() >= 5


def test_held_rows_go_when_the_quota_comes_back(outbox_db, manual_clock, make_dispatcher):
    from scheduler.line_delivery import next_line_month

    add_row(outbox_db, "dues", kind="dues_reminder", expires_at=manual_clock() + timedelta(days=60))
    sender = QuotaLineSender(manual_clock, limit=300, used=300)
    dispatcher = make_dispatcher({"line": sender})
    assert dispatcher.deliver().held == 1
    manual_clock.advance(minutes=20)
    assert dispatcher.deliver().total == 0, "no room: held rows are not even claimed"
    manual_clock.at = next_line_month(manual_clock()) + timedelta(hours=11)  # 1 January, 09:00 in Bangkok
    sender.used = 0  # LINE's month turned
    assert dispatcher.deliver().sent == 1
    assert sender.used == 1 and rows_by_key(outbox_db)["dues"].sent_via == "push"


def test_dispatchers_share_the_months_units_and_never_spend_past_the_quota(outbox_db, manual_clock,
                                                                          make_dispatcher):
    """LINE's count lags: the second dispatcher still reads 10 left after the first spent them."""
    for i in range(12):
        add_row(outbox_db, f"dues:{i}", user=f"U{i}", kind="dues_reminder")
    first = QuotaLineSender(manual_clock, limit=300, used=290)
    second = QuotaLineSender(manual_clock, limit=300, used=290)  # the same figure, not yet updated
    assert make_dispatcher({"line": first}, owner="a").deliver().sent == 10
    for i in range(12, 20):
        add_row(outbox_db, f"dues:{i}", user=f"U{i}", kind="dues_reminder")
    report = make_dispatcher({"line": second}, owner="b").deliver()
    assert (len(second.calls), report.sent, report.held) == (0, 0, 8)


def test_identical_content_goes_as_pushes_when_the_sender_cannot_multicast(outbox_db, manual_clock,
                                                                           make_dispatcher):
    for i in range(3):
        add_row(outbox_db, f"news:{i}", user=f"U{i}", kind="announcement", content_key="announcement:3")
    sender = RecordingSender("line", manual_clock)  # no deliver_many, no quota()
    assert make_dispatcher({"line": sender}).deliver().sent == 3
    assert sorted(c.to for c in sender.calls) == [("U0",), ("U1",), ("U2",)]
    assert len({c.key for c in sender.calls}) == 3


def test_a_sender_that_raises_costs_that_row_a_retry_and_the_others_still_go(outbox_db, manual_clock,
                                                                            make_dispatcher):
    add_row(outbox_db, "bad", channel="simulator", user="s1", kind="answer")
    add_row(outbox_db, "good", channel="simulator", user="s2")
    sender = RecordingSender("simulator", manual_clock)

    def explode(call) -> None:
        if call.key == "bad":
            raise ConnectionError("token 123:ABC in a URL")

    sender.before_call = explode
    report = make_dispatcher({"simulator": sender}).deliver()
    rows = rows_by_key(outbox_db)
    assert (report.retried, report.sent) == (1, 1)
    assert rows["bad"].status == "retry" and "ABC" not in rows["bad"].last_error


def test_held_rows_reach_a_linked_telegram_chat_through_the_real_sender(tg_app, fake_telegram, manual_clock):
    from bot.app import senders

    db = tg_app.extensions["kongtun"].Session
    with db() as session, session.begin():
        fund = make_fund(session)
        reachable, blocked = make_member(session, fund), make_member(session, fund)
        session.add_all([
            ChatAccount(channel="telegram", external_user_id="5012345678", member_id=reachable.id),
            ChatAccount(channel="telegram", external_user_id="5012345679", member_id=blocked.id),
            ChatAccount(channel="line", external_user_id="Ua", member_id=reachable.id),
            ChatAccount(channel="line", external_user_id="Ub", member_id=blocked.id)])
        ids = (reachable.id, blocked.id)
    add_row(db, "dues:a", user="Ua", member_id=ids[0], kind="dues_reminder", texts=("ค่าสมาชิกเดือนธันวาคมค่ะ",))
    add_row(db, "dues:b", user="Ub", member_id=ids[1], kind="dues_reminder", texts=("ค่าสมาชิกค่ะ",))
    fake_telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", after=1)
    line = QuotaLineSender(manual_clock, limit=300, used=300)
    dispatcher = Dispatcher(db, {"line": line, "telegram": senders(tg_app)["telegram"]}, settings(),
                            clock=manual_clock, sleep=manual_clock.sleep, rng=random.Random(3))
    report = dispatcher.deliver()
    assert (report.sent, report.held) == (1, 1) and line.calls == []
    assert [m["text"] for m in fake_telegram.sent(5012345678)] == ["ค่าสมาชิกเดือนธันวาคมค่ะ"]
    rows = rows_by_key(db)
    assert (rows["dues:a"].status, rows["dues:a"].sent_via) == ("sent", "telegram")
    assert rows["dues:b"].status == "held"
    with db() as session:
        gone = session.scalar(select(ChatAccount).where(ChatAccount.external_user_id == "5012345679"))
        assert gone.unreachable_at is not None
        assert session.query(OutboxMessage).filter_by(status="held").count() == 1
    manual_clock.advance(minutes=20)
    assert dispatcher.deliver().total == 0, "no Telegram left for it: it waits for a reply or the quota"


def test_settings_come_from_the_operators_environment():
    from zoneinfo import ZoneInfo

    from bot.config import Config
    from scheduler.clock import QuietHours
    from scheduler.dispatcher import DeliverySettings

    config = Config.from_env(env={"KONGTUN_SECRET_KEY": "x", "KONGTUN_TIMEZONE": "Asia/Bangkok",
                                  "KONGTUN_QUIET_HOURS": "22:00-07:00", "LINE_QUOTA_RESERVE": "25",
                                  "TELEGRAM_RATE": "10", "LINE_RATE": "50"})
    found = DeliverySettings.from_config(config)
    assert found.tz == ZoneInfo("Asia/Bangkok") and found.quiet_hours == QuietHours.parse("22:00-07:00")
    assert (found.line_quota_reserve, found.telegram_rate, found.line_rate) == ("25", 10.0, 50.0)
    always = Config.from_env(env={"KONGTUN_SECRET_KEY": "x", "KONGTUN_QUIET_HOURS": "off"})
    assert DeliverySettings.from_config(always).quiet_hours is None
