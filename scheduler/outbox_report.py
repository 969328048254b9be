"""What the outbox holds, for `kongtun outbox status` and the committee's reports, and
`retry_failed` for `kongtun outbox retry-failed`. The caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from messaging.sender import Quota
from models import Announcement, ChannelHold, JobRun, OutboxMessage
from scheduler.quota_memory import last_quota
from services import outbox

M = OutboxMessage
NOT_DONE = (*outbox.WAITING, outbox.SENDING)  # rows still to go (sending: leased right now)


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, dict[str, int]]  # channel -> state -> rows
    oldest_waiting: datetime | None  # local time of the oldest row still to go
    oldest_age: timedelta | None
    line_quota: Quota | None = None  # given, or as the last dispatch read it
    quota_read_at: datetime | None = None  # local time; None when given live
    holds: dict[str, datetime] = field(default_factory=dict)  # channel -> held until (local time)

    @property
    def waiting(self) -> int:
        return sum(n for states in self.counts.values() for state, n in states.items() if state in NOT_DONE)


def status(session: Session, now: datetime, tz: ZoneInfo, line_quota: Quota | None = None) -> OutboxStatus:
    counts: dict[str, dict[str, int]] = {}
    for channel, state, n in session.execute(select(M.channel, M.status, func.count())
                                             .group_by(M.channel, M.status).order_by(M.channel, M.status)):
        counts.setdefault(channel, {})[state] = n
    oldest = session.scalar(select(func.min(M.created_at)).where(M.status.in_(NOT_DONE)))
    if oldest is not None and oldest.tzinfo is None:  # SQLite's min() bypasses the column type
        oldest = oldest.replace(tzinfo=ZoneInfo("UTC"))
    read_at = None
    if line_quota is None and (remembered := last_quota(session, "line")) is not None:
        line_quota, read = remembered
        read_at = read.astimezone(tz)
    holds = {h.channel: h.until.astimezone(tz) for h in session.scalars(select(ChannelHold))
             if h.until > now}
    return OutboxStatus(counts, oldest.astimezone(tz) if oldest else None, now - oldest if oldest else None,
                        line_quota, read_at, holds)


def retry_failed(session: Session, now: datetime) -> int:
    """Failed rows go again from the start (attempts reset); not unreachable ones, nor those whose
    moment has passed. Their retry keys stay: a request LINE took is not sent twice."""
    result = session.execute(update(M).where(
        M.status == outbox.FAILED, or_(M.expires_at.is_(None), M.expires_at > now))
        .values(status=outbox.PENDING, attempts=0, next_attempt_at=None, lease_owner=None, lease_until=None),
        execution_options={"synchronize_session": False})
    return result.rowcount or 0


def counts_by_source(session: Session, source: str) -> dict[str, int]:
    """Rows by state for what decided them ("announcement:12", "run:40"); `sent_<via>` splits the
    sent ones by how they went (push, multicast, telegram, reply)."""
    found: dict[str, int] = {}
    for state, via, n in session.execute(select(M.status, M.sent_via, func.count()).where(
            M.source == source).group_by(M.status, M.sent_via)):
        found[state] = found.get(state, 0) + n
        if state == outbox.SENT and via:
            found[f"sent_{via}"] = found.get(f"sent_{via}", 0) + n
    return found


@dataclass(frozen=True)
class Outcomes:
    """What became of the rows one job run or one announcement decided."""

    label: str  # "dues", "announcement 12"
    at: datetime  # local time it decided for (a run) or was sent at (an announcement)
    counts: dict[str, int]  # counts_by_source


def recent_outcomes(session: Session, tz: ZoneInfo, limit: int = 5) -> list[Outcomes]:
    """The last job runs that decided something and the last announcements sent, newest first,
    each with what became of its rows: sent (and how), held, failed, unreachable."""
    found: list[Outcomes] = []
    for run in session.scalars(select(JobRun).where(JobRun.decided > 0)
                               .order_by(JobRun.id.desc()).limit(limit)):
        found.append(Outcomes(run.job, run.at.astimezone(tz), counts_by_source(session, f"run:{run.id}")))
    for item in session.scalars(select(Announcement).where(Announcement.decided_at.is_not(None))
                                .order_by(Announcement.decided_at.desc()).limit(limit)):
        found.append(Outcomes(f"announcement {item.id}", (item.decided_at or item.created_at).astimezone(tz),
                              counts_by_source(session, f"announcement:{item.id}")))
    return sorted(found, key=lambda o: o.at, reverse=True)[:limit]


__all__ = ["OutboxStatus", "Outcomes", "counts_by_source", "recent_outcomes", "retry_failed", "status"]
