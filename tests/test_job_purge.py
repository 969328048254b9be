"""Purge: old dialogs, link failures past the linking window, old event ids, and delivered or
expired outbox rows past 90 days go; everything younger, and anything still to be sent, stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models import DialogState, LinkFailure, OutboxMessage, ProcessedEvent
from scheduler.jobs import JOBS
from services.linking import FAILURE_WINDOW
from tests.conftest import BANGKOK
from tests.jobs_fixtures import at, job_runs

PURGE = next(job for job in JOBS if job.name == "purge")
NOW = at(2026, 12, 2, 3, 30)


def _count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def test_what_is_old_goes_and_what_is_young_or_waiting_stays(jobs_db):
    with jobs_db() as s, s.begin():
        for age, user in ((timedelta(days=2), "old"), (timedelta(hours=2), "young")):
            s.add(DialogState(channel="line", external_user_id=user, state="reg.x", updated_at=NOW - age))
        for age in (FAILURE_WINDOW + timedelta(minutes=1), FAILURE_WINDOW - timedelta(minutes=1)):
            s.add(LinkFailure(channel="line", id_hash="h", at=NOW - age))
        for n, age in enumerate((timedelta(days=8), timedelta(days=6))):
            s.add(ProcessedEvent(channel="line", event_id=f"e{n}", processed_at=NOW - age))
        for n, (status, age) in enumerate((("sent", 91), ("expired", 91), ("pending", 91), ("failed", 91),
                                           ("sent", 89))):
            s.add(OutboxMessage(key=f"k{n}", channel="line", external_user_id="U", payload=[],
                                status=status, created_at=NOW - timedelta(days=age)))
    assert PURGE.run(jobs_db, NOW, BANGKOK) == 0
    with jobs_db() as s:
        assert [d.external_user_id for d in s.scalars(select(DialogState))] == ["young"]
        assert _count(s, LinkFailure) == 1 and _count(s, ProcessedEvent) == 1
        assert sorted(s.scalars(select(OutboxMessage.key))) == ["k2", "k3", "k4"]
    assert job_runs(jobs_db) == []  # it decided no messages
