"""The LINE quota as dispatchers see it: the last one read (for `kongtun outbox status`, without
asking LINE again) and the month's units spent, shared by every dispatcher.

Kept in the `send_pacing` table under `quota:<channel>:…` names (numbers, like the send slots), so
no table of its own is needed: the limit (-1 when unlimited), the units used and when it was read.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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


# --- the month's units, shared by every dispatcher ------------------------------------------------
# LINE's own count (`used`) lags behind and every dispatcher reads the same figure, so two of them
# planning on it could together spend it twice. Each request first takes its units from one shared
# counter, atomically and only if they fit under the cap; the counter starts at what LINE says is
# used and never drops below LINE's later figures (pushes made elsewhere: the webhook's fallback).

def _spent_name(channel: str, month: str) -> str:
    return f"quota:{channel}:spent:{month}"


def sync_spent(session: Session, channel: str, month: str, used: int) -> None:
    """The counter is at least what LINE reports used (stored with the caller's commit)."""
    name = _spent_name(channel, month)
    larger = func.greatest if session.get_bind().dialect.name == "postgresql" else func.max
    done = session.execute(update(SendPace).where(SendPace.name == name)
                           .values(next_at=larger(SendPace.next_at, float(used))))
    if not done.rowcount:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(SendPace).values(name=name, next_at=float(used))
                        .on_conflict_do_nothing(index_elements=["name"]))


def take_units(session: Session, channel: str, month: str, units: int, cap: int) -> bool:
    """Take `units` if the month's total stays within `cap`; one atomic UPDATE (caller commits)."""
    name = _spent_name(channel, month)
    taken = session.scalar(update(SendPace).where(SendPace.name == name, SendPace.next_at + units <= cap)
                           .values(next_at=SendPace.next_at + units).returning(SendPace.next_at))
    return taken is not None


def give_back(session: Session, channel: str, month: str, units: int) -> None:
    """A request LINE surely did not take costs nothing (caller commits)."""
    session.execute(update(SendPace).where(SendPace.name == _spent_name(channel, month))
                    .values(next_at=SendPace.next_at - units))
