"""The last quota a dispatcher read, kept for `kongtun outbox status` without asking LINE again.

Kept in the `send_pacing` table under `quota:<channel>:…` names (numbers, like the send slots), so
no table of its own is needed: the limit (-1 when unlimited), the units used and when it was read.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from messaging.sender import Quota
from models import SendPace


def _names(channel: str) -> tuple[str, str, str]:
    return f"quota:{channel}:limit", f"quota:{channel}:used", f"quota:{channel}:read_at"


def remember_quota(session: Session, channel: str, quota: Quota, at: datetime) -> None:
    """Stored with the caller's next commit."""
    limit, used, read_at = _names(channel)
    for name, value in ((limit, -1 if quota.limit is None else quota.limit), (used, quota.used),
                        (read_at, at.timestamp())):
        session.merge(SendPace(name=name, next_at=float(value)))


def last_quota(session: Session, channel: str) -> tuple[Quota, datetime] | None:
    """The quota last read and when, or None if no dispatcher has read it yet."""
    names = _names(channel)
    rows = session.execute(select(SendPace.name, SendPace.next_at).where(SendPace.name.in_(names)))
    values = dict(rows.all())
    if len(values) < len(names):
        return None
    limit = int(values[names[0]])
    quota = Quota(None if limit < 0 else limit, int(values[names[1]]))
    return quota, datetime.fromtimestamp(values[names[2]], UTC)
