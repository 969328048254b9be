"""What became of one request, written to its rows and committed right after the call.

Each write is guarded by this dispatcher's lease (`lease_owner`, status `sending`): a dispatcher
that lost its rows to another one (its lease ran out) cannot overwrite what the other recorded.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, update
from sqlalchemy.orm import Session

from messaging.sender import QUOTA_EXHAUSTED, RATE_LIMITED, Delivery, Outcome
from messaging.values import Reply, reply_from_dict
from models import OutboxMessage
from scheduler.backoff import backoff_seconds
from scheduler.claim import Claimed
from services import outbox
from services.accounts import set_reachable

M = OutboxMessage
# Outcomes are written with Core statements on the table: they touch no loaded object, so the
# ORM's UPDATE path (its session synchronisation and entity bookkeeping) is work for nothing.
T = OutboxMessage.__table__
LONG_DIGITS = re.compile(r"\d[\d\s-]{5,}\d")  # an ID or a phone in an error text: never kept
MAX_ERROR = 200


@dataclass
class DeliveryReport:
    """Rows by what became of them in one `Dispatcher.deliver`; `waiting_quiet` were due but
    wait for the quiet hours to end."""

    sent: int = 0
    retried: int = 0
    held: int = 0
    failed: int = 0
    unreachable: int = 0
    expired: int = 0
    waiting_quiet: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retried + self.held + self.failed + self.unreachable + self.expired

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def replies_of(row: Claimed | OutboxMessage) -> list[Reply]:
    return [reply_from_dict(item) for item in row.payload]


def short_error(reason: str | None) -> str:
    """The platform's reason, short, with long digit runs (IDs, phones) masked."""
    return LONG_DIGITS.sub("…", reason or "unknown")[:MAX_ERROR]


class Recorder:
    """Writes outcomes for one dispatcher and keeps its report."""

    def __init__(self, session: Session, report: DeliveryReport, *, owner: str,
                 clock: Callable[[], datetime], max_attempts: int, rng: random.Random,
                 done: Callable[[int], None] = lambda n: None) -> None:
        self.session = session
        self.report = report
        self.owner = owner
        self.clock = clock
        self.max_attempts = max_attempts
        self.rng = rng
        self.done = done

    def _mine(self, ids: Sequence[int]) -> ColumnElement[bool]:
        return and_(T.c.id.in_(list(ids)), T.c.lease_owner == self.owner, T.c.status == outbox.SENDING)

    def _update(self, ids: Sequence[int], **values: object) -> list[str]:
        if not ids:
            return []
        statuses = list(self.session.scalars(update(T).where(self._mine(ids)).values(
            lease_owner=None, lease_until=None, **values).returning(T.c.status)))
        self.session.commit()
        self.done(len(statuses))
        return statuses

    def _count(self, ids: Sequence[int], **values: object) -> int:
        """`_update` where every row gets the same status: how many were still this dispatcher's
        (the row count, without reading back a status per row)."""
        if not ids:
            return 0
        count = self.session.execute(update(T).where(self._mine(ids)).values(
            lease_owner=None, lease_until=None, **values)).rowcount or 0
        self.session.commit()
        self.done(count)
        return count

    def record(self, rows: Sequence[Claimed], delivery: Delivery, *, via: str) -> str:
        """Write `delivery` to the rows of one request; the outcome's name for the caller."""
        ids = [r.id for r in rows]
        if delivery.outcome is Outcome.SENT:
            self.sent(ids, via=via)
            return "sent"
        if delivery.outcome is Outcome.BLOCKED and len({r.external_user_id for r in rows}) == 1:
            self.unreachable(rows)
            return "unreachable"
        # A block can only be one person's: one said of a multicast is refused, blocking no one.
        if delivery.outcome in (Outcome.REFUSED, Outcome.BLOCKED):
            self.report.failed += len(self._update(ids, status=outbox.FAILED, attempts=T.c.attempts + 1,
                                                   last_error=short_error(delivery.reason)))
            return "failed"
        if delivery.reason == QUOTA_EXHAUSTED:
            return QUOTA_EXHAUSTED  # the caller holds the channel
        self.retry(rows, delivery)
        return RATE_LIMITED if delivery.reason == RATE_LIMITED else "retry"

    def sent(self, ids: Sequence[int], *, via: str) -> None:
        self.report.sent += self._count(ids, status=outbox.SENT, sent_at=self.clock(), sent_via=via,
                                        attempts=T.c.attempts + 1, next_attempt_at=None, last_error=None)

    def retry(self, rows: Sequence[Claimed], delivery: Delivery) -> None:
        """Again later: at `retry_after` when the platform gave one, else after a backoff. The rows
        of one request share the moment, so they are claimed (and sent) together again. A rate
        limit is the platform's pace, not the row's fault: it costs no attempt."""
        ids = [r.id for r in rows]
        attempts = max((r.attempts for r in rows), default=0)
        limited = delivery.reason == RATE_LIMITED
        wait = delivery.retry_after if delivery.retry_after is not None else \
            backoff_seconds(attempts + (0 if limited else 1), self.rng)
        next_attempt = self.clock() + timedelta(seconds=wait)
        if limited:
            statuses = self._update(ids, status=outbox.RETRY, next_attempt_at=next_attempt,
                                    last_error=short_error(delivery.reason))
        else:
            statuses = self._update(
                ids, attempts=T.c.attempts + 1, next_attempt_at=next_attempt,
                last_error=short_error(delivery.reason),
                status=case((T.c.attempts + 1 >= self.max_attempts, outbox.FAILED), else_=outbox.RETRY))
        self.report.retried += statuses.count(outbox.RETRY)
        self.report.failed += statuses.count(outbox.FAILED)

    def not_tried(self, ids: Sequence[int], seconds: float, reason: str) -> None:
        """Back to waiting without an attempt (nothing was sent on a guess)."""
        self.report.retried += len(self._update(
            ids, status=outbox.RETRY, next_attempt_at=self.clock() + timedelta(seconds=seconds),
            last_error=reason))

    def unreachable(self, rows: Sequence[Claimed]) -> None:
        """The person blocked the bot: the chat is marked, and nothing more is pushed to it."""
        now = self.clock()
        chats = {(r.channel, r.external_user_id) for r in rows}
        for channel, chat in chats:
            set_reachable(self.session, channel, chat, False, at=now)
        count = len(self._update([r.id for r in rows], status=outbox.UNREACHABLE, attempts=T.c.attempts + 1))
        for channel, chat in chats:
            others = self.session.execute(update(M).where(
                M.channel == channel, M.external_user_id == chat, M.status.in_(outbox.WAITING))
                .values(status=outbox.UNREACHABLE, lease_owner=None, lease_until=None),
                execution_options={"synchronize_session": False})
            count += others.rowcount or 0
        self.session.commit()
        self.report.unreachable += count

    def held(self, ids: Sequence[int], *, look_again: datetime | None, keep_key: bool = False) -> None:
        """No quota for them: they wait for a reply to carry them, a fallback chat, or the month's
        end. The retry key goes unless the request may have been accepted in part."""
        values: dict[str, object] = {"status": outbox.HELD, "next_attempt_at": look_again}
        if not keep_key:
            values["retry_key"] = None
        self.report.held += len(self._update(ids, **values))
