"""Running the jobs: `run_due` runs every job, a failing one is logged in one line and kept as a
JobRun with its error while the others still run; `enqueue_many` writes a batch in one statement and
counts only the rows that were new."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import event

from scheduler import jobs
from scheduler.jobs import JOBS, Job, recorded, run_due
from services.outbox import PRIORITY, enqueue_many
from tests.conftest import BANGKOK
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, job_runs, member_with_chat, outbox


def test_the_jobs_and_their_clock_fields():
    assert [job.name for job in JOBS] == ["dues", "meetings", "announcements", "status", "purge"]
    assert all(isinstance(job.cron, dict) and job.cron for job in JOBS)


def test_a_failing_job_is_logged_in_one_line_and_the_others_still_run(jobs_db, monkeypatch, caplog):
    with jobs_db() as s, s.begin():
        member_with_chat(s, make_fund(s), joined_on=JOINED, months_paid=11)

    def broken(Session, at, tz, record):
        raise RuntimeError("the database went away\nsecond line")

    monkeypatch.setattr(jobs, "JOBS", (Job("broken", {"minute": "0"}, recorded("broken", broken)), *JOBS))
    with caplog.at_level(logging.ERROR, logger="scheduler.jobs"):
        failed_names: set[str] = set()
        written = run_due(jobs_db, at(2026, 12, 1, 9), BANGKOK, failed_names)
    assert written["broken"] == 0 and written["dues"] == 1
    assert failed_names == {"broken"}  # what `kongtun jobs run` reports as failed
    (line,) = [r.getMessage() for r in caplog.records]
    assert "broken" in line and "\n" not in line
    (failed,) = job_runs(jobs_db, "broken")
    assert "RuntimeError" in failed.error and failed.finished_at is not None
    (dues,) = job_runs(jobs_db, "dues")
    assert dues.decided == 1 and dues.error is None


def test_enqueue_many_is_one_insert_and_counts_only_new_rows(jobs_db, engine):
    rows = [{"key": f"t:{n}", "channel": "line", "external_user_id": f"U{n}", "payload": [{"text": "x"}],
             "kind": "announcement"} for n in range(50)]
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with jobs_db() as s, s.begin():
            assert enqueue_many(s, rows[:30]) == 30
        inserts = [st for st in statements if st.lstrip().upper().startswith("INSERT")]
        assert len(inserts) == 1
        with jobs_db() as s, s.begin():
            assert enqueue_many(s, rows) == 20  # the first 30 were decided before
    finally:
        event.remove(engine, "before_cursor_execute", count)
    written = outbox(jobs_db)
    assert len(written) == 50 and {r.priority for r in written} == {PRIORITY["announcement"]}
    assert {r.status for r in written} == {"pending"}


def test_a_run_failing_in_the_page_that_created_its_record_is_still_recorded(jobs_db, monkeypatch):
    from scheduler.jobs.recording import RunRecord

    with jobs_db() as s, s.begin():
        member_with_chat(s, make_fund(s), joined_on=JOINED, months_paid=11)
    real = RunRecord.write

    def write_then_fail(self, session, rows):
        real(self, session, rows)  # creates the JobRun in this page, which the failure rolls back
        raise RuntimeError("lost the connection")

    monkeypatch.setattr(RunRecord, "write", write_then_fail)
    dues = next(job for job in JOBS if job.name == "dues")
    with pytest.raises(RuntimeError):
        dues.run(jobs_db, at(2026, 12, 1, 9), BANGKOK)
    (failed,) = job_runs(jobs_db, "dues")
    assert "lost the connection" in failed.error and failed.finished_at is not None
    assert outbox(jobs_db) == []  # the page's rows went with it
