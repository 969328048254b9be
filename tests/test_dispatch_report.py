"""`kongtun outbox` data: counts per channel and state, the oldest waiting row, the quota; failed
rows retried; counts per announcement or job run."""

from __future__ import annotations

from datetime import timedelta

from messaging.sender import Delivery, Outcome, Quota
from models import OutboxMessage
from scheduler.outbox_report import counts_by_source, retry_failed, status
from services import outbox
from tests.dispatch_fixtures import BANGKOK, QuotaLineSender, RecordingSender, add_row, rows_by_key


def test_status_counts_per_channel_and_state_with_the_oldest_waiting_row(outbox_db, manual_clock):
    now = manual_clock()
    add_row(outbox_db, "a", created_at=now - timedelta(hours=2))
    add_row(outbox_db, "b", status=outbox.UNCONFIRMED, created_at=now - timedelta(days=3))
    add_row(outbox_db, "c", channel="telegram", user="42", created_at=now - timedelta(minutes=5))
    with outbox_db() as session:
        found = status(session, now, BANGKOK, line_quota=Quota(300, 120))
    assert found.counts == {"line": {"pending": 1, "unconfirmed": 1}, "telegram": {"pending": 1}}
    assert found.oldest_age == timedelta(hours=2) and found.oldest_waiting.tzinfo == BANGKOK
    assert (found.line_quota.used, found.line_quota.left, found.waiting) == (120, 180, 2)


def test_status_shows_the_quota_the_last_dispatch_read_and_a_hold(outbox_db, manual_clock, make_dispatcher):
    from messaging.sender import QUOTA_EXHAUSTED

    add_row(outbox_db, "a")
    add_row(outbox_db, "b", user="U2")
    sender = QuotaLineSender(manual_clock, limit=300, used=41)
    sender.will(Delivery(Outcome.RETRY, reason=QUOTA_EXHAUSTED))
    make_dispatcher({"line": sender}).deliver()
    with outbox_db() as session:
        found = status(session, manual_clock(), BANGKOK)
    assert (found.line_quota.limit, found.line_quota.used) == (300, 41)
    assert found.quota_read_at is not None and set(found.holds) == {"line"}
    assert found.counts == {"line": {"held": 2}}


def test_retry_failed_starts_failed_rows_again_but_not_unreachable_or_expired_ones(
        outbox_db, manual_clock, make_dispatcher):
    add_row(outbox_db, "refused", channel="telegram", user="1")
    add_row(outbox_db, "blocked", channel="telegram", user="2")
    add_row(outbox_db, "stale", channel="telegram", user="3",
            expires_at=manual_clock() + timedelta(minutes=5))
    sender = RecordingSender("telegram", manual_clock)
    sender.will(Delivery(Outcome.REFUSED, reason="400"), Delivery(Outcome.BLOCKED, reason="403"),
                Delivery(Outcome.REFUSED, reason="400"))
    make_dispatcher({"telegram": sender}).deliver()
    manual_clock.advance(minutes=10)
    with outbox_db() as session, session.begin():
        assert retry_failed(session, manual_clock()) == 1
    rows = rows_by_key(outbox_db)
    assert (rows["refused"].status, rows["refused"].attempts) == ("pending", 0)
    assert (rows["blocked"].status, rows["stale"].status) == ("unreachable", "failed")
    assert make_dispatcher({"telegram": sender}).deliver().sent == 1


def test_counts_by_source_for_the_committees_reports(outbox_db, manual_clock, make_dispatcher):
    for i in range(4):
        add_row(outbox_db, f"news:{i}", channel="telegram", user=f"{i}", source="announcement:12")
    add_row(outbox_db, "other", channel="telegram", user="9", source="run:40")
    sender = RecordingSender("telegram", manual_clock)
    sender.will(Delivery(Outcome.SENT), Delivery(Outcome.BLOCKED, reason="403"))
    make_dispatcher({"telegram": sender}).deliver()
    with outbox_db() as session:
        assert counts_by_source(session, "announcement:12") == {"sent": 3, "sent_push": 3, "unreachable": 1}
        assert counts_by_source(session, "run:40") == {"sent": 1, "sent_push": 1}
        assert session.query(OutboxMessage).count() == 5
