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

Rows come back as plain result rows (the columns sending needs, read from `RETURNING`), not ORM
objects: an announcement drains 100,000 of them, and nothing writes through them (outcomes are
set-based `UPDATE`s by id). Where the rows taken include identical content for a channel that
multicasts (`fanout`), the claim takes more rows of that `content_key`, several multicasts' worth,
so one claim and one commit of retry keys serve several requests.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Text,
    and_,
    cast,
    exists,
    false,
    func,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from models import ChatAccount, OutboxMessage
from services import outbox

CLAIM_LOCK = 0x6B6F6E67  # "kong": one claim at a time on PostgreSQL (pg_advisory_xact_lock)
M = OutboxMessage
T = OutboxMessage.__table__


@dataclass(frozen=True, slots=True)
class Claimed:
    """One claimed outbox row, read-only: what sending it needs."""

    id: int
    key: str
    channel: str
    external_user_id: str
    member_id: int | None
    payload: list
    status: str
    kind: str
    priority: int
    content_key: str | None
    source: str | None
    attempts: int
    retry_key: str | None
    lease_owner: str | None
    created_at: datetime


# The payload comes as its JSON text, decoded once per distinct text: the 5,000 rows of an
# announcement carry the same one.
COLUMNS = [cast(T.c.payload, Text).label("payload") if name == "payload" else T.c[name]
           for name in Claimed.__slots__]
PAYLOAD = Claimed.__slots__.index("payload")


def _claimed(rows: Iterable[Row]) -> list[Claimed]:
    decoded: dict[str, list] = {}
    found = []
    for row in rows:
        values = list(row)
        raw = values[PAYLOAD]
        if isinstance(raw, str):
            if raw not in decoded:
                decoded[raw] = json.loads(raw)
            values[PAYLOAD] = decoded[raw]
        found.append(Claimed(*values))
    return found


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


def _lease(session: Session, ids: Select, lease: dict[str, object], postgres: bool) -> list[Claimed]:
    """The rows `ids` selects, leased in one statement (rows another claim locked are skipped)."""
    if postgres:
        found = list(session.scalars(ids.with_for_update(skip_locked=True)))
        if not found:
            return []
        return _claimed(session.execute(update(T).where(T.c.id.in_(found)).values(**lease)
                                        .returning(*COLUMNS)))
    return _claimed(session.execute(update(T).where(T.c.id.in_(ids.scalar_subquery())).values(**lease)
                                    .returning(*COLUMNS)))


def claim(session: Session, now: datetime, *, owner: str, lease_seconds: float, limit: int,
          channels: Collection[str], answers_only: bool = False, held: Sequence[HeldRoom] = (),
          ready_by: datetime | None = None, fanout: tuple[str, int] | None = None) -> list[Claimed]:
    """Lease up to `limit` due rows (more when a group is completed), most urgent first, and
    commit. With `fanout` (channel, rows): when the rows taken include fresh identical content on
    that channel, up to that many rows in all of the commonest such `content_key`. The rows come
    back in sending order: priority, then age."""
    if not channels:
        return []
    lease = {"status": outbox.SENDING, "lease_owner": owner,
             "lease_until": now + timedelta(seconds=lease_seconds)}
    condition = due(now, channels, answers_only=answers_only, held=held, ready_by=ready_by)
    order = (M.priority, M.created_at, M.id)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})
    taken = _lease(session, select(M.id).where(condition).order_by(*order).limit(limit), lease, postgres)
    if fanout is not None and len(taken) < fanout[1]:
        channel, most = fanout
        shared = Counter(r.content_key for r in taken
                         if r.channel == channel and r.content_key and not r.retry_key)
        if shared:
            content_key = shared.most_common(1)[0][0]
            # In id order alone: rows of one content are one kind (one priority) and were written
            # together, and walking the ids lets the database stop at the limit instead of sorting
            # every waiting row again.
            more = select(M.id).where(condition, M.channel == channel, M.content_key == content_key,
                                      M.retry_key.is_(None)).order_by(M.id).limit(most - len(taken))
            taken += _lease(session, more, lease, postgres)
    keys = {row.retry_key for row in taken if row.retry_key}
    if keys:
        taken += _claimed(session.execute(update(T).where(_group_mates(now, keys)).values(**lease)
                                          .returning(*COLUMNS)))
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
