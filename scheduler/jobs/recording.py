"""JobRun rows: one per run that decided something (or failed), named by its outbox rows' source.

The run's row is created by the first batch that writes outbox rows, in that batch's transaction,
so a run that decides nothing (a rerun: every key exists already) leaves no row behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from models import JobRun, utcnow
from services.outbox import enqueue_many


class RunRecord:
    """What one run of a job has written so far, and its JobRun id once it has one."""

    def __init__(self, job: str, at: datetime) -> None:
        self.job, self.at = job, at
        self.started_at = utcnow()
        self.id: int | None = None
        self.decided = 0

    @property
    def source(self) -> str:
        assert self.id is not None
        return f"run:{self.id}"

    def write(self, session: Session, rows: Sequence[dict]) -> int:
        """`rows` in one INSERT, with this run as their source; the run's JobRun is created with the
        first rows and undone in the same transaction if none of them was new."""
        if not rows:
            return 0
        created = self.id is None
        if created:
            run = JobRun(job=self.job, at=self.at, started_at=self.started_at, decided=0)
            session.add(run)
            session.flush()
            self.id = run.id
        for row in rows:
            row["source"] = self.source
        written = enqueue_many(session, rows)
        if created and not written:
            session.delete(run)
            session.flush()
            self.id = None
        self.decided += written
        return written

    def count(self, written: int) -> None:
        """Rows written under another source (an announcement's own)."""
        self.decided += written

    def finish(self, Session: sessionmaker, error: str | None = None) -> None:
        if self.id is None and not error and not self.decided:
            return
        with Session() as session, session.begin():
            updated = 0
            if self.id is not None:  # gone if the page that created it was rolled back by the failure
                updated = session.execute(update(JobRun).where(JobRun.id == self.id).values(
                    finished_at=utcnow(), decided=self.decided, error=error)).rowcount
            if not updated:
                session.add(JobRun(job=self.job, at=self.at, started_at=self.started_at,
                                   finished_at=utcnow(), decided=self.decided, error=error))
