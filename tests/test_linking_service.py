"""services.linking on a real database: the window that counts failures, a lock that ended, phones
compared however they were typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import func, select

from models import AuditLog, ChatAccount, LinkFailure, LinkLock
from services import linking

T0 = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
_serial = count(1)


def _chat(session, user: str, channel: str = "line") -> ChatAccount:
    account = ChatAccount(channel=channel, external_user_id=user, locale="th")
    session.add(account)
    session.flush()
    return account


def _fail(session, n: int, at: datetime, id_hash: str = "h1") -> None:
    """n failed tries, each from a new chat."""
    for _ in range(n):
        linking.record_failure(session, _chat(session, f"u{next(_serial)}"), id_hash, actor="t", at=at)


def test_failures_older_than_the_window_do_not_count(session):
    _fail(session, linking.MAX_TARGET_FAILURES - 1, T0)
    later = T0 + linking.FAILURE_WINDOW + timedelta(minutes=1)
    _fail(session, 1, later)
    assert linking.locked_until(session, "h1", later) is None
    _fail(session, linking.MAX_TARGET_FAILURES - 1, later)
    assert linking.locked_until(session, "h1", later) == later + linking.TARGET_LOCK


def test_a_lock_that_ended_starts_the_count_afresh_and_other_ids_are_not_touched(session):
    _fail(session, linking.MAX_TARGET_FAILURES, T0)
    assert linking.locked_until(session, "h1", T0 + timedelta(hours=5)) is not None
    assert linking.locked_until(session, "h2", T0) is None
    after = T0 + linking.TARGET_LOCK + timedelta(seconds=1)
    assert linking.locked_until(session, "h1", after) is None
    _fail(session, linking.MAX_TARGET_FAILURES - 1, after)
    assert linking.locked_until(session, "h1", after) is None  # the five before the lock are spent
    _fail(session, 1, after)
    lock = session.get(LinkLock, "h1")
    assert lock.locked_until == after + linking.TARGET_LOCK and lock.failures == linking.MAX_TARGET_FAILURES
    assert session.scalar(select(func.count()).select_from(AuditLog)
                          .where(AuditLog.action == "link.locked")) == 2  # one per lock


def test_the_channel_ceiling_counts_the_last_minute_of_one_channel(session):
    session.add_all(LinkFailure(channel="line", id_hash=f"g{i}", at=T0)
                    for i in range(linking.FAILURES_PER_MINUTE))
    session.flush()
    assert linking.channel_busy(session, "line", T0 + timedelta(seconds=59))
    assert not linking.channel_busy(session, "telegram", T0)
    assert not linking.channel_busy(session, "line", T0 + timedelta(seconds=60))


@pytest.mark.parametrize(("typed", "key"), [
    ("0812345678", "812345678"),
    ("081-234-5678", "812345678"),
    ("+66812345678", "812345678"),
    ("+66 (0) 81 234 5678", "812345678"),
    ("66812345678", "812345678"),  # as Telegram shares a contact
    ("๐๘๑๒๓๔๕๖๗๘", "812345678"),
    ("０８１２３４５６７８", "812345678"),
    ("076-123-456", "76123456"),  # a landline on file
    ("+14155550100", None),
    ("081234", None),
    ("โทรมาได้เลย", None),
    ("", None),
])
def test_phones_are_compared_by_their_digits_however_typed(typed, key):
    assert linking.phone_key(typed) == key
