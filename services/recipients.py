"""Who receives what the bot pushes, decided set-wise: one chat per member, and members by the page.

Every message goes to ONE chat of the member: LINE if linked and reachable (where members are and
the dispatcher can fall back to Telegram when the month's quota is gone), else Telegram, else the
simulator. It is written in that chat's language. A job reads members page by page (keyset on the
member's id, a constant number of queries per page) and writes each page in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from messaging.values import Reply, reply_to_dict
from models import ChatAccount, Member, MemberStatus, Payment

CHANNEL_ORDER = ("line", "telegram", "simulator")
PAGE = 1000  # members per batch: one transaction, a constant number of statements

# Kinds of message a member may turn off (Member.notify_<kind>), and the column of each.
OPT_OUTS = {
    "dues": Member.notify_dues,
    "meetings": Member.notify_meetings,
    "announcements": Member.notify_announcements,
}


@dataclass(frozen=True)
class Chat:
    member_id: int
    channel: str
    user_id: str
    locale: str


def has_chat(after: int = 0) -> ColumnElement[bool]:
    """The member has a reachable chat. `after` repeats the page's lower bound inside: without it
    PostgreSQL merges with every chat from the first, and each page costs more than the last."""
    return exists().where(ChatAccount.member_id == Member.id, ChatAccount.unreachable_at.is_(None),
                          ChatAccount.member_id > after)


# Everything the member has paid, payments less reversals, read in the members' own query.
TOTAL_PAID = (select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.member_id == Member.id)
              .correlate(Member).scalar_subquery())


def choose(accounts: Iterable[tuple[int, str, str, str]]) -> dict[int, Chat]:
    """(member id, channel, user id, locale) rows -> the one chat each member is written on."""
    chosen: dict[int, Chat] = {}
    rank = {channel: n for n, channel in enumerate(CHANNEL_ORDER)}
    for member_id, channel, user_id, locale in accounts:
        current = chosen.get(member_id)
        if current is None or rank.get(channel, 9) < rank.get(current.channel, 9):
            chosen[member_id] = Chat(member_id, channel, user_id, locale or "th")
    return chosen


_CHAT_COLUMNS = (ChatAccount.member_id, ChatAccount.channel, ChatAccount.external_user_id, ChatAccount.locale)


def chats_between(session: Session, first: int, last: int) -> dict[int, Chat]:
    """The chosen chat of every member with an id in [first, last]: one query for a page (a range,
    not a list of a thousand ids)."""
    rows = session.execute(select(*_CHAT_COLUMNS).where(
        ChatAccount.member_id.between(first, last), ChatAccount.unreachable_at.is_(None)))
    return choose(rows.all())


def chats_of(session: Session, member_ids: Sequence[int]) -> dict[int, Chat]:
    """The chosen chat of a few members (a payment's member, a committee)."""
    if not member_ids:
        return {}
    rows = session.execute(select(*_CHAT_COLUMNS).where(
        ChatAccount.member_id.in_(list(member_ids)), ChatAccount.unreachable_at.is_(None)))
    return choose(rows.all())


def active_members(*, fund_id: int | None | Sequence[int], kind: str | None) -> list[ColumnElement[bool]]:
    """Conditions for the active members of a fund (a list of funds; None: every fund) who have not
    turned `kind` off (`pages` adds: who have a reachable chat)."""
    where: list[ColumnElement[bool]] = [Member.status == MemberStatus.ACTIVE]
    if isinstance(fund_id, int):
        where.append(Member.fund_id == fund_id)
    elif fund_id is not None:
        where.append(Member.fund_id.in_(list(fund_id)))
    if kind is not None:
        where.append(OPT_OUTS[kind].is_(True))
    return where


Page = tuple[Session, list[Any], dict[int, Chat]]


def pages(Session: sessionmaker, where: Sequence[ColumnElement[bool]], columns: Sequence[Any] = (),
          size: int | None = None, with_chat: bool = True) -> Iterator[Page]:
    """(session, member rows, their chats) page by page, each page inside its own transaction
    (committed when the caller asks for the next page). A row is (id, *columns); only members with
    a reachable chat unless `with_chat` is False."""
    size = size or PAGE  # read when called, so a test can make pages small
    after = 0
    while True:
        with Session() as session, session.begin():
            page = [*where, Member.id > after, *([has_chat(after)] if with_chat else [])]
            rows = session.execute(select(Member.id, *columns).where(*page)
                                   .order_by(Member.id).limit(size)).all()
            if not rows:
                return
            chats = chats_between(session, rows[0][0], rows[-1][0])
            yield session, rows, chats
        after = rows[-1][0]
        if len(rows) < size:
            return


def outbox_row(chat: Chat, *, key: str, replies: Sequence[Reply] | list[dict], kind: str,
               source: str | None, expires_at: datetime | None = None,
               content_key: str | None = None) -> dict[str, Any]:
    """A row for `services.outbox.enqueue_many`; `replies` may be serialised already (shared)."""
    payload = [r if isinstance(r, dict) else reply_to_dict(r) for r in replies]
    return {"key": key, "channel": chat.channel, "external_user_id": chat.user_id,
            "member_id": chat.member_id, "payload": payload, "kind": kind, "source": source,
            "expires_at": expires_at, "content_key": content_key}


def as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))
