"""Scheduled announcements whose time has come, expanded into one outbox row per recipient.

State scheduled -> sending -> done (with `recipients`). A run that dies while sending leaves it
`sending`; the next run resumes it, and the unique keys (`announcement:<id>:<member>`) keep the rows
written before from being written twice. A cancelled announcement never goes.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from scheduler.jobs.recording import RunRecord
from services import announcements


def decide(Session: sessionmaker, at: datetime, tz: ZoneInfo, record: RunRecord) -> int:
    with Session() as session:
        due = announcements.due(session, at)
    written = 0
    for announcement_id in due:
        n = announcements.expand(Session, announcement_id, at, tz=tz)
        record.count(n)
        written += n
    return written
