"""Taking outbox rows to send: each row goes to one dispatcher only, for the length of a lease.

Due now: `pending`; `retry` whose time has come; `sending` whose lease ran out (its dispatcher was
killed); `held` whose look-again time has come, where the channel has quota again (or a fallback
chat exists: `HeldRoom`). Never `unconfirmed`, never a row past `expires_at` (`expire` marks those).

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED LIMIT n`, then `UPDATE` those rows to `sending` with
this dispatcher's lease. SQLite: one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`, atomic
because SQLite has one writer at a time. Rows sent together earlier share a retry key and must go
again together (LINE answers a repeated key 409, "sent", for whatever the request now carries), so
a claim also takes the rest of each such group, and claims are serialised on PostgreSQL with a
transaction lock so two dispatchers never split a group between them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, text, true, update
from sqlalchemy.orm import Session

from models import ChatAccount, OutboxMessage
from services import outbox

CLAIM_LOCK = 0x6B6F6E67  # "kong": one claim at a time on PostgreSQL (pg_advisory_xact_lock)
M = OutboxMessage
# Rows come back as entities refreshed from RETURNING, whatever the session held of them before.
_RETURNING = {"synchronize_session": False, "populate_existing": True}


@dataclass(frozen=True)
class HeldRoom:
    """Which held rows of a channel may be looked at again: all of them (quota left beyond the
    reserve), urgent ones (only the reserve left), or only those a fallback chat could carry."""

    channel: str
    max_priority: int | None  # None: any priority; -1: none on quota grounds
    fallback_channel: str | None = None  # rows whose member has a reachable chat there


def _not_expired(now: datetime) -> ColumnElement[bool]:
    return or_(M.expires_at.is_(None), M.expires_at > now)


def _held(now: datetime, rooms: Sequence[HeldRoom]) -> ColumnElement[bool]:
    clauses = []
    for room in rooms:
        ok: list[ColumnElement[bool]] = []
        if room.max_priority is None:
            ok.append(true())
        elif room.max_priority >= 0:
            ok.append(M.priority <= room.max_priority)
        if room.fallback_channel:
            ok.append(exists().where(ChatAccount.member_id == M.member_id,
                                     ChatAccount.channel == room.fallback_channel,
                                     ChatAccount.unreachable_at.is_(None)))
        if ok:
            clauses.append(and_(M.channel == room.channel, or_(*ok)))
    if not clauses:
        return false()
    return and_(M.status == outbox.HELD, or_(M.next_attempt_at.is_(None), M.next_attempt_at <= now),
                or_(*clauses))


def due(now: datetime, channels: Collection[str], *, answers_only: bool = False,
        held: Sequence[HeldRoom] = (), ready_by: datetime | None = None) -> ColumnElement[bool]:
    """Rows a dispatcher with senders for `channels` may take now. Retries and held rows whose time
    comes after `ready_by` (a drain's start: what it put back itself) wait for the next drain."""
    ready = ready_by or now
    waiting = or_(
        M.status == outbox.PENDING,
        and_(M.status == outbox.RETRY, or_(M.next_attempt_at.is_(None), M.next_attempt_at <= ready)),
        and_(M.status == outbox.SENDING, M.lease_until < now),
        _held(ready, held),
    )
    condition = and_(waiting, M.channel.in_(list(channels)), _not_expired(now))
    if answers_only:  # quiet hours: only answers to a member's own question go
        condition = and_(condition, M.kind == "answer")
    return condition


def _group_mates(now: datetime, keys: Collection[str]) -> ColumnElement[bool]:
    """The other waiting rows of requests made before (whatever their priority or hold)."""
    return and_(M.retry_key.in_(list(keys)), _not_expired(now), or_(
        M.status.in_(outbox.WAITING), and_(M.status == outbox.SENDING, M.lease_until < now)))


def claim(session: Session, now: datetime, *, owner: str, lease_seconds: float, limit: int,
          channels: Collection[str], answers_only: bool = False, held: Sequence[HeldRoom] = (),
          ready_by: datetime | None = None) -> list[OutboxMessage]:
    """Lease up to `limit` due rows (more when a group is completed), most urgent first, and
    commit. The rows come back in sending order: priority, then age."""
    if not channels:
        return []
    lease = {"status": outbox.SENDING, "lease_owner": owner,
             "lease_until": now + timedelta(seconds=lease_seconds)}
    first = (select(M.id).where(due(now, channels, answers_only=answers_only, held=held, ready_by=ready_by))
             .order_by(M.priority, M.created_at, M.id).limit(limit))
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})
        ids = list(session.scalars(first.with_for_update(skip_locked=True)))
        taken = list(session.scalars(update(M).where(M.id.in_(ids)).values(**lease).returning(M),
                                     execution_options=_RETURNING)) if ids else []
    else:
        taken = list(session.scalars(update(M).where(M.id.in_(first.scalar_subquery()))
                                     .values(**lease).returning(M),
                                     execution_options=_RETURNING))
    keys = {row.retry_key for row in taken if row.retry_key}
    if keys:
        taken += session.scalars(update(M).where(_group_mates(now, keys)).values(**lease).returning(M),
                                 execution_options=_RETURNING)
    session.commit()
    return sorted(taken, key=lambda r: (r.priority, r.created_at, r.id))


def expire(session: Session, now: datetime) -> int:
    """Rows whose moment passed before they could go become `expired`, and so do a member's rows to
    a chat no longer linked to them; committed."""
    result = session.execute(update(M).where(
        M.expires_at <= now,
        or_(M.status.in_(outbox.WAITING), and_(M.status == outbox.SENDING, M.lease_until < now)))
        .values(status=outbox.EXPIRED, lease_owner=None, lease_until=None),
        execution_options={"synchronize_session": False})
    unlinked = _withdraw_unlinked(session)
    session.commit()
    return (result.rowcount or 0) + unlinked


def _withdraw_unlinked(session: Session) -> int:
    """A safety net for whatever path forgets to withdraw: a member's message whose chat is no
    longer linked to that member (data deleted, link moved) must not reach whoever has the chat
    now. Rows for no member (answers to guests, link notices) are left alone."""
    linked = exists().where(ChatAccount.channel == M.channel,
                            ChatAccount.external_user_id == M.external_user_id,
                            ChatAccount.member_id == M.member_id)
    return outbox.withdraw(session, M.member_id.is_not(None), ~linked, reason="chat no longer linked")


def count_due(session: Session, now: datetime, channels: Collection[str], **kw: object) -> int:
    if not channels:
        return 0
    return session.scalar(select(func.count()).select_from(M).where(
        due(now, channels, **kw))) or 0  # type: ignore[arg-type]


def renew(session: Session, now: datetime, *, owner: str, lease_seconds: float) -> None:
    """A long batch keeps its rows: their lease runs on from now; committed."""
    session.execute(update(M).where(M.lease_owner == owner, M.status == outbox.SENDING)
                    .values(lease_until=now + timedelta(seconds=lease_seconds)),
                    execution_options={"synchronize_session": False})
    session.commit()
