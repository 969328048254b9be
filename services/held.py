"""Held messages given free with the member's next answer.

A LINE push costs quota; a reply does not. A row the dispatcher could not push (no quota left) waits
`held`; when the member next writes in that private chat, the answer carries what fits of it: a short
header in the member's language, then the held messages, oldest of the most urgent first. What does
not fit the platform's one reply (LINE: 5 messages) is announced with a button (`MORE`) whose press
gives the next ones. The rows given are marked sent (`sent_via` "reply") in the event's transaction:
if the reply then fails, the channel keeps the whole answer, held messages included, as an outbox row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from locales import translate
from messaging.values import Button, Reply, Text, reply_from_dict
from models import OutboxMessage
from services.outbox import HELD, SENT

MORE = "held:more"  # the button that gives the held messages that did not fit
VIA_REPLY = "reply"

# Whether an answer fits the one reply the platform allows (LINE: 5 rendered messages).
Fits = Callable[[Sequence[Reply]], bool]


def waiting(session: Session, channel: str, user_id: str, member_id: int,
            now: datetime) -> list[OutboxMessage]:
    """The chat's held rows for this member (or for the chat itself), most urgent and oldest first.

    Rows another transaction has locked (a dispatcher sending them on Telegram) are skipped, not
    waited for (PostgreSQL; SQLite has one writer at a time). Expired rows are the dispatcher's, and
    so are rows that kept a retry key: a push of theirs may have been accepted, and only sending it
    again under that key (LINE answers 409 then) keeps the member from getting it twice."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.channel == channel, OutboxMessage.external_user_id == user_id,
                    OutboxMessage.status == HELD, OutboxMessage.retry_key.is_(None),
                    or_(OutboxMessage.member_id == member_id, OutboxMessage.member_id.is_(None)),
                    or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now))
             .order_by(OutboxMessage.priority, OutboxMessage.created_at, OutboxMessage.id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def with_held(session: Session, rows: Sequence[OutboxMessage], *, locale: str, answer: Sequence[Reply],
              now: datetime, fits: Fits, more: bool = False) -> list[Reply]:
    """`answer` followed by as many of the held `rows` (`waiting`) as fit one reply; those rows are
    marked sent. `more`: the member pressed `MORE` (the answer is then only what is held)."""
    # A row too long for any reply (with the header and the button) would keep the button coming
    # back forever: it waits for the dispatcher instead (Telegram, or a push next month).
    rows = [row for row in rows if fits(compose([], [row], len(rows) + 1, locale, more=True))]
    if not rows:
        return [*answer, Text(translate(locale, "held.none_left"))] if more else list(answer)
    chosen: list[OutboxMessage] = []
    for row in rows:
        if not fits(compose(answer, [*chosen, row], len(rows), locale, more=more)):
            break
        chosen.append(row)
    if not chosen and not fits(compose(answer, [], len(rows), locale, more=more)):
        return list(answer)  # not even the header fits: they wait for the next answer
    given = give(session, chosen, now)
    waiting_count = len(rows) - len(chosen) + len(given)  # rows taken meanwhile are not counted
    return compose(answer, given, waiting_count, locale, more=more)


def compose(answer: Sequence[Reply], rows: Sequence[OutboxMessage], waiting_count: int, locale: str, *,
            more: bool = False) -> list[Reply]:
    """The answer, a header, the rows' messages and, when some stay behind, the button for them.

    The answer's last buttons (its menu) move to the very end, where LINE shows them as quick
    replies; left on the answer they would become a block of buttons in the middle of the reply."""
    menu = answer[-1].buttons if answer else ()
    replies: list[Reply] = [*answer[:-1], replace(answer[-1], buttons=())] if menu else list(answer)
    header = translate(locale, "held.rest_header" if more else "held.header", count=waiting_count)
    replies.append(Text(header))
    for row in rows:
        replies += [reply_from_dict(r) for r in row.payload]
    left = waiting_count - len(rows)
    if left > 0:
        replies.append(Text(translate(locale, "held.more", count=left),
                            (Button(translate(locale, "held.more_button"), MORE),)))
    if menu:
        last = replies[-1]
        extra = tuple(b for b in menu if b not in last.buttons)
        replies[-1] = replace(last, buttons=(*last.buttons, *extra))
    return replies


def give(session: Session, rows: Sequence[OutboxMessage], now: datetime) -> list[OutboxMessage]:
    """Mark rows sent with the reply; only those still held (a dispatcher may have taken one)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    taken = set(session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == HELD)
        .values(status=SENT, sent_via=VIA_REPLY, sent_at=now, lease_owner=None, lease_until=None,
                next_attempt_at=None, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)))
    for row in rows:  # loaded before the update: read again if anything asks
        session.expire(row)
    return [row for row in rows if row.id in taken]
