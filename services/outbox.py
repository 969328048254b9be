"""Messages the bot starts by itself: one outbox row per recipient chat, unique by key.

Writing a row is all a feature does; the dispatcher (the scheduler's) delivers it. A key chosen by
the caller makes a notice idempotent: deciding the same thing twice writes nothing new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, bindparam, cast, column, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from messaging.values import Reply, reply_to_dict
from models import ChatAccount, CommitteeRole, Member, OutboxMessage, utcnow

# A notice in the recipient's own language: locale -> replies.
Compose = Callable[[str], Sequence[Reply]]

KEY_LENGTH = 200

# Row states (models.chat.OutboxMessage).
PENDING = "pending"
SENDING = "sending"  # leased by one dispatcher until lease_until
SENT = "sent"
RETRY = "retry"  # again at next_attempt_at
HELD = "held"  # no LINE quota for it: given with the next reply, on Telegram, or next month
FAILED = "failed"  # refused for good, or out of attempts
UNREACHABLE = "unreachable"  # the person blocked or unfollowed the bot
EXPIRED = "expired"  # its moment passed before it could go (a reminder for a meeting begun)
# An answer that may have reached the member already (its delivery timed out): kept with its
# reason, but not `pending`, so the dispatcher does not send it again by itself.
UNCONFIRMED = "unconfirmed"
WAITING = (PENDING, RETRY, HELD)

# What goes first when the LINE quota cannot carry everything (lower first). Answers a member is
# waiting for, then what is urgent (may spend the reserve), then the rest.
PRIORITY = {
    "answer": 0,
    "notice": 1,
    "lapse_warning": 1,
    "meeting_change": 1,
    "meeting_reminder": 2,
    "dues_reminder": 3,
    "receipt": 3,
    "status": 3,
    "announcement": 4,
}
URGENT = 1  # rows of this priority or lower may use the quota reserve


def answer_key(channel: str, event_id: str) -> str:
    """The key of the answer to one event: the same event always gives the same key, within
    KEY_LENGTH whatever the platform's id looks like."""
    key = f"answer:{channel}:{event_id}"
    if len(key) <= KEY_LENGTH:
        return key
    return f"answer:{channel}:sha256:{hashlib.sha256(event_id.encode('utf-8', 'replace')).hexdigest()}"


def enqueue(session: Session, *, key: str, channel: str, user_id: str, replies: Sequence[Reply],
            member_id: int | None = None, kind: str = "notice", reason: str | None = None,
            status: str = PENDING, content_key: str | None = None, source: str | None = None,
            expires_at: datetime | None = None) -> bool:
    """One row for one chat. False when a row with this key exists already (decided before)."""
    if len(key) > KEY_LENGTH:
        raise ValueError("outbox key too long")
    exists = session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(OutboxMessage(
                key=key, channel=channel, external_user_id=user_id, member_id=member_id,
                payload=[reply_to_dict(r) for r in replies], kind=kind, last_error=reason,
                status=status, priority=PRIORITY.get(kind, 5), content_key=content_key, source=source,
                expires_at=expires_at))
        return True
    except IntegrityError:  # the same decision taken by a concurrent worker
        return False


# What a row given to `enqueue_many` may carry besides key, channel, external_user_id and payload.
_ROW_DEFAULTS = {"member_id": None, "kind": "notice", "content_key": None, "source": None,
                 "expires_at": None, "last_error": None}


def enqueue_many(session: Session, rows: Sequence[dict]) -> int:
    """Many rows in one INSERT ... ON CONFLICT (key) DO NOTHING: what was decided before (the same
    key) is left alone. Rows are dicts with key, channel, external_user_id, payload (serialised
    replies) and optionally member_id, kind, content_key, source, expires_at. Rows written."""
    if not rows:
        return 0
    now = utcnow()
    values = []
    for row in rows:
        if len(row["key"]) > KEY_LENGTH:
            raise ValueError("outbox key too long")
        value = {**_ROW_DEFAULTS, **row, "status": PENDING, "attempts": 0, "created_at": now}
        value["priority"] = PRIORITY.get(value["kind"], 5)
        values.append(value)
    if session.get_bind().dialect.name == "postgresql":
        return _insert_postgresql(session, values, now)
    statement = (sqlite.insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["key"])
                 .returning(OutboxMessage.__table__.c.id))
    # One statement for the batch (SQLAlchemy's insertmanyvalues); RETURNING counts what went in.
    return len(session.execute(statement, values).all())


# The batch's columns as one JSON document unpacks them on the server.
_RECORD = {"key": String(), "channel": String(), "external_user_id": String(), "member_id": Integer(),
           "payload": JSON(), "kind": String(), "priority": Integer(), "content_key": String(),
           "source": String(), "expires_at": DateTime(timezone=True), "last_error": Text()}


def _insert_postgresql(session: Session, values: list[dict], now: datetime) -> int:
    """INSERT ... SELECT FROM json_to_recordset(<the batch as one JSON text>) ON CONFLICT DO NOTHING:
    one parameter whatever the batch's size. A VALUES list has a dozen per row, and psycopg spends
    more time rewriting their placeholders than the server spends inserting."""
    table = OutboxMessage.__table__
    document = json.dumps([{name: _plain(v[name]) for name in _RECORD} for v in values], ensure_ascii=False)
    record = (func.json_to_recordset(cast(bindparam("rows", document, type_=Text()), JSON))
              .table_valued(*(column(name, kind) for name, kind in _RECORD.items()))
              .render_derived(name="r", with_types=True))
    constant = {"status": PENDING, "attempts": 0, "created_at": now}
    columns = [record.c[name].label(name) for name in _RECORD]
    columns += [cast(bindparam(f"c_{name}", value, type_=table.c[name].type), table.c[name].type).label(name)
                for name, value in constant.items()]
    statement = (postgresql.insert(table).from_select([c.name for c in columns], select(*columns))
                 .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))
    return len(session.execute(statement).all())


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def withdraw(session: Session, *conditions: ColumnElement[bool], reason: str) -> int:
    """Rows still waiting (pending, retry, held) that match `conditions` become `expired` with
    `reason`, in the caller's transaction: what they were about is gone (a meeting cancelled, a
    month paid, a chat no longer the member's), so the dispatcher must not send them. A row being
    sent (`sending`) is left to its dispatcher: it may have reached LINE already. Rows withdrawn."""
    result = session.execute(
        update(OutboxMessage).where(OutboxMessage.status.in_(WAITING), *conditions)
        .values(status=EXPIRED, last_error=reason),
        # "fetch": rows the caller's session holds already show what became of them.
        execution_options={"synchronize_session": "fetch"})
    return result.rowcount or 0


def reachable_chats(session: Session, member_id: int) -> list[ChatAccount]:
    return list(session.scalars(select(ChatAccount).where(
        ChatAccount.member_id == member_id, ChatAccount.unreachable_at.is_(None))
        .order_by(ChatAccount.id)))


def notify_member(session: Session, member: Member, *, key: str, compose: Compose,
                  kind: str = "notice", skip_account_id: int | None = None) -> int:
    """The notice on every chat the member has linked (in each chat's language). Rows written."""
    written = 0
    for account in reachable_chats(session, member.id):
        if account.id == skip_account_id:
            continue
        written += enqueue(session, key=f"{key}:{account.channel}:{account.id}", channel=account.channel,
                           user_id=account.external_user_id, replies=compose(account.locale),
                           member_id=member.id, kind=kind)
    return written


def committee_of(session: Session, fund_id: int) -> list[Member]:
    """Who speaks for the fund: its committee and treasurer, and the network's admins."""
    rows = session.scalars(select(Member).join(CommitteeRole, CommitteeRole.member_id == Member.id).where(
        (CommitteeRole.fund_id == fund_id) | (CommitteeRole.role == "admin")).distinct()
        .order_by(Member.id))
    return list(rows)


def notify_committee(session: Session, fund_id: int, *, key: str, compose: Compose,
                     kind: str = "notice") -> int:
    """The notice to every committee member of the fund, on each chat they have linked."""
    return sum(notify_member(session, member, key=f"{key}:m{member.id}", compose=compose, kind=kind)
               for member in committee_of(session, fund_id))
