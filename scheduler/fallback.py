"""Where a held LINE row can go instead: the member's reachable Telegram chat, unless the same
notice has a Telegram row of its own already (a notice is written once per linked chat,
`services.outbox.notify_member`), which would make the fallback a second copy."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ChatAccount, OutboxMessage
from scheduler.claim import Claimed
from services import outbox

PER_CHAT_KEY = re.compile(r"^(?P<stem>.+):[a-z]+:\d+$")  # notify_member: "<key>:<channel>:<account>"
NO_COPY = (outbox.FAILED, outbox.UNREACHABLE, outbox.EXPIRED)  # a copy that will never arrive


def fallback_chats(session: Session, rows: Sequence[Claimed], channel: str) -> dict[int, str]:
    """member -> their reachable chat on `channel`."""
    members = {r.member_id for r in rows if r.member_id is not None}
    if not members:
        return {}
    found = session.execute(select(ChatAccount.member_id, ChatAccount.external_user_id).where(
        ChatAccount.channel == channel, ChatAccount.member_id.in_(members),
        ChatAccount.unreachable_at.is_(None)))
    return {member: chat for member, chat in found if member is not None}


def _stem(key: str) -> str | None:
    match = PER_CHAT_KEY.match(key)
    return match.group("stem") if match else None


def with_own_copy(session: Session, rows: Sequence[Claimed], channel: str) -> set[int]:
    """Ids of the rows whose notice has a row of its own on `channel` for the same member: the
    same key but for its chat suffix, or the same decision (source) and kind."""
    members = {r.member_id for r in rows if r.member_id is not None}
    if not members:
        return set()
    copies = session.execute(select(OutboxMessage.member_id, OutboxMessage.key, OutboxMessage.source,
                                    OutboxMessage.kind).where(
        OutboxMessage.channel == channel, OutboxMessage.member_id.in_(members),
        OutboxMessage.status.not_in(NO_COPY))).all()
    stems = {(m, _stem(k)) for m, k, _, _ in copies if _stem(k)}
    decisions = {(m, s, kind) for m, _, s, kind in copies if s}
    return {r.id for r in rows if (r.member_id, _stem(r.key)) in stems
            or (r.source and (r.member_id, r.source, r.kind) in decisions)}
