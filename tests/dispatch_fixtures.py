"""Fixtures for the outbox dispatcher's tests: a manual clock, senders that record what they were
given (and when, on that clock), and rows written through `services.outbox.enqueue`.

The recording senders stand in for a platform where a test scripts its answers (a 5xx, a block, a
429): the platforms themselves are covered by their loopback fakes in the tests that use the real
LINE and Telegram senders.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from messaging.sender import Delivery, Outcome, Quota
from messaging.values import Reply, Text
from models import OutboxMessage, make_sessionmaker
from scheduler.clock import ManualClock, QuietHours
from scheduler.dispatcher import DeliverySettings, Dispatcher
from services import outbox

BANGKOK = ZoneInfo("Asia/Bangkok")
# A Wednesday at 10:00 in Bangkok: outside quiet hours.
START = datetime(2026, 12, 2, 10, 0, tzinfo=BANGKOK)


@dataclass(frozen=True)
class Call:
    to: tuple[str, ...]
    texts: tuple[str, ...]
    key: str
    at: datetime


class RecordingSender:
    """A `Sender` that keeps every call and answers what the test scripted (else: sent)."""

    def __init__(self, channel: str, clock: Callable[[], datetime]) -> None:
        self.channel = channel
        self.clock = clock
        self.calls: list[Call] = []
        self.script: deque[Delivery] = deque()
        self.before_call: Callable[[Call], None] | None = None

    def will(self, *deliveries: Delivery) -> None:
        self.script.extend(deliveries)

    def _call(self, to: Sequence[str], replies: Sequence[Reply], key: str) -> Delivery:
        call = Call(tuple(to), tuple(r.text for r in replies), key, self.clock())
        if self.before_call:
            self.before_call(call)
        self.calls.append(call)
        return self.script.popleft() if self.script else Delivery(Outcome.SENT, len(replies))

    def deliver(self, to: str, replies: Sequence[Reply], key: str) -> Delivery:
        return self._call([to], replies, key)

    def texts_to(self, chat: str) -> list[str]:
        return [t for c in self.calls for t in c.texts if chat in c.to]


class QuotaLineSender(RecordingSender):
    """A LINE-like sender: multicasts, and a monthly quota that each delivered request spends
    (one unit per recipient per five messages), read back through `quota()`."""

    max_recipients = 500

    def __init__(self, clock: Callable[[], datetime], limit: int | None = 300, used: int = 0) -> None:
        super().__init__("line", clock)
        self.limit = limit
        self.used = used
        self.readable = True

    def quota(self) -> Quota | None:
        return Quota(self.limit, self.used) if self.readable else None

    def _call(self, to: Sequence[str], replies: Sequence[Reply], key: str) -> Delivery:
        delivery = super()._call(to, replies, key)
        if delivery.ok:
            self.used += len(to) * max(-(-len(replies) // 5), 1)
        return delivery

    def deliver_many(self, to: Sequence[str], replies: Sequence[Reply], key: str) -> Delivery:
        return self._call(to, replies, key)


def add_row(outbox_db, key: str, *, channel: str = "line", user: str = "U1", texts: Sequence[str] = ("hi",),
            kind: str = "notice", member_id: int | None = None, content_key: str | None = None,
            expires_at: datetime | None = None, source: str | None = None,
            created_at: datetime | None = None, status: str = outbox.PENDING) -> int:
    """One outbox row through the real enqueue; committed. Its id."""
    with outbox_db() as session, session.begin():
        assert outbox.enqueue(session, key=key, channel=channel, user_id=user,
                              replies=[Text(t) for t in texts], member_id=member_id, kind=kind,
                              content_key=content_key, source=source, expires_at=expires_at, status=status)
        row = session.query(OutboxMessage).filter_by(key=key).one()
        if created_at is not None:
            row.created_at = created_at
        return row.id


def rows_by_key(outbox_db) -> dict[str, OutboxMessage]:
    with outbox_db() as session:
        return {r.key: r for r in session.query(OutboxMessage)}


def settings(**overrides: object) -> DeliverySettings:
    values: dict[str, object] = {"tz": BANGKOK, "quiet_hours": QuietHours.parse("21:00-08:00"),
                                 "line_quota_reserve": "0"}
    values.update(overrides)
    return DeliverySettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def outbox_db(engine, clean_db):
    """A sessionmaker on the test database, emptied first (SQLite, or PostgreSQL if configured)."""
    return make_sessionmaker(engine)


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock(START.astimezone(UTC))


@pytest.fixture
def make_dispatcher(outbox_db, manual_clock):
    """Dispatcher(senders, **settings) on the test database and the manual clock."""

    def make(senders: dict, *, owner: str = "d1", db=None, **overrides: object) -> Dispatcher:
        import random

        return Dispatcher(db or outbox_db, senders, settings(**overrides), clock=manual_clock,
                          sleep=manual_clock.sleep, owner=owner, rng=random.Random(7))

    return make
