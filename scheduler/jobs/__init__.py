"""The jobs: what is due at a moment, decided from the database into outbox rows.

Each job decides set-wise, page by page (a constant number of statements per page, each page in its
own transaction), and keys every row so that a rerun, or a second clock by mistake, writes nothing
new. `Job.run(Session, at, tz)` decides everything due at the aware moment `at` (local time in `tz`)
and returns the outbox rows written; `cron` are APScheduler CronTrigger fields for the clock.
A run that wrote rows (or failed) is recorded as a `JobRun`; its rows carry `source = "run:<id>"`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from scheduler.jobs import announcements, dues, meetings, purge, status
from scheduler.jobs.recording import RunRecord

log = logging.getLogger(__name__)

Decide = Callable[[sessionmaker, datetime, ZoneInfo, RunRecord], int]
Run = Callable[[sessionmaker, datetime, ZoneInfo], int]


@dataclass(frozen=True)
class Job:
    name: str
    cron: dict
    run: Run


def recorded(name: str, decide: Decide) -> Run:
    """`decide` with its JobRun kept: created by the first rows, finished or marked failed."""

    def run(Session: sessionmaker, at: datetime, tz: ZoneInfo) -> int:
        if at.tzinfo is None:
            raise ValueError("a job decides for an aware moment")
        record = RunRecord(name, at)
        try:
            written = decide(Session, at, tz, record)
        except Exception as exc:
            try:
                record.finish(Session, error=f"{type(exc).__name__}: {exc}"[:2000])
            except Exception:  # the database itself is down: the log line is all there is
                log.debug("could not record the failure of %s", name, exc_info=True)
            raise
        record.finish(Session)
        return written

    run.__name__ = f"run_{name}"
    return run


JOBS: tuple[Job, ...] = (
    # On the hour: dues reminders go from 09:00, meeting reminders from 09:00 and 08:00.
    Job("dues", {"minute": "0"}, recorded("dues", dues.decide)),
    Job("meetings", {"minute": "0"}, recorded("meetings", meetings.decide)),
    # An announcement goes at the minute it was scheduled for.
    Job("announcements", {"minute": "*"}, recorded("announcements", announcements.decide)),
    # Lapses fall on the first of a month; told in the morning, when pushes may go.
    Job("status", {"hour": "8", "minute": "30"}, recorded("status", status.decide)),
    Job("purge", {"hour": "3", "minute": "30"}, recorded("purge", purge.decide)),
)


def run_due(Session: sessionmaker, at: datetime, tz: ZoneInfo,
            failed: set[str] | None = None) -> dict[str, int]:
    """Every job at `at`: rows written per job. A failing job is logged in one line (and kept as a
    JobRun with its error), its name added to `failed`; the others still run. A failed job counts 0."""
    written: dict[str, int] = {}
    for job in JOBS:
        try:
            written[job.name] = job.run(Session, at, tz)
        except Exception as exc:
            log.error("job %s failed at %s: %s: %s", job.name, at.isoformat(), type(exc).__name__,
                      str(exc).splitlines()[0][:200] if str(exc) else "")
            written[job.name] = 0
            if failed is not None:
                failed.add(job.name)
    return written
