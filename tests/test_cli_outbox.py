"""`kongtun outbox status` (counts per channel and state, the oldest waiting message, the LINE quota
read from LINE) and `kongtun outbox retry-failed` (failed back to pending; unreachable stays)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bot.cli import main
from messaging.values import Text
from models import OutboxMessage, make_sessionmaker
from services.outbox import enqueue
from tests.conftest import SECRET
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import ACCESS_TOKEN


@pytest.fixture
def kongtun(database_url, clean_db):
    runner = CliRunner()

    def invoke(*args: str, **env: str):
        env = {"DATABASE_URL": database_url, "KONGTUN_SECRET_KEY": SECRET,
               "LINE_CHANNEL_ACCESS_TOKEN": "", **env}
        return runner.invoke(main, list(args), env=env)

    return invoke


@pytest.fixture
def rows(engine, clean_db):
    """Two LINE rows waiting (the older since three hours), one sent; a failed and an
    unreachable simulator row."""
    now = datetime.now(UTC)
    states = [("line", "pending", 3), ("line", "retry", 1), ("line", "sent", 5),
              ("simulator", "failed", 2), ("simulator", "unreachable", 2)]
    with make_sessionmaker(engine)() as session, session.begin():
        for i, (channel, state, hours) in enumerate(states):
            enqueue(session, key=f"dues:{i}:2026-12:1", channel=channel, user_id=wh.user_id(),
                    replies=[Text("แจ้งเตือนค่าสัจจะค่ะ")], kind="dues_reminder")
            failed = state == "failed"
            session.execute(update(OutboxMessage).where(OutboxMessage.key == f"dues:{i}:2026-12:1").values(
                status=state, created_at=now - timedelta(hours=hours), attempts=8 if failed else 0,
                last_error="400: The property, 'to', in the request body is invalid" if failed else None))


def status_table(output: str) -> dict[str, dict[str, str]]:
    lines = output.splitlines()
    header = lines[0].split()
    table = {}
    for line in lines[1:]:
        cells = line.split()
        if len(cells) != len(header):
            break
        table[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return table


def test_status_counts_per_channel_and_state_and_names_the_oldest_waiting(kongtun, rows):
    result = kongtun("outbox", "status")
    assert result.exit_code == 0, result.output
    table = status_table(result.output)
    assert table["line"]["pending"] == "1" and table["line"]["retry"] == "1" and table["line"]["sent"] == "1"
    assert table["simulator"]["failed"] == "1" and table["simulator"]["unreachable"] == "1"
    assert table["total"]["total"] == "5"
    assert "Oldest waiting: since" in result.output and "(3 h 0 min ago)" in result.output
    assert "LINE quota" not in result.output  # LINE is not configured


def test_status_of_an_empty_outbox(kongtun):
    result = kongtun("outbox", "status")
    assert result.exit_code == 0, result.output
    assert "The outbox is empty." in result.output and "Nothing waits." in result.output


def test_status_reads_the_line_quota_from_line(kongtun, rows, fake_line):
    fake_line.quota_limit, fake_line.consumption = 300, 276
    result = kongtun("outbox", "status", LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
                     LINE_API_BASE_URL=fake_line.url)
    assert result.exit_code == 0, result.output
    assert "LINE quota this month: 276 used, 24 left of 300." in result.output
    assert [c.operation for c in fake_line.requests] == ["getMessageQuota", "getMessageQuotaConsumption"]


def test_retry_failed_puts_failed_rows_back_and_leaves_the_unreachable(kongtun, rows, engine):
    result = kongtun("outbox", "retry-failed")
    assert result.exit_code == 0, result.output
    assert "1 failed message(s) put back to pending." in result.output
    with make_sessionmaker(engine)() as session:
        states = dict(session.execute(select(OutboxMessage.key, OutboxMessage.status)).all())
        retried = session.scalars(select(OutboxMessage).where(OutboxMessage.key == "dues:3:2026-12:1")).one()
    assert states["dues:3:2026-12:1"] == "pending" and retried.attempts == 0
    assert states["dues:4:2026-12:1"] == "unreachable"
    assert "No failed messages." in kongtun("outbox", "retry-failed").output


def test_status_tells_what_became_of_the_last_runs(kongtun, engine, clean_db):
    from models import JobRun

    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session, session.begin():
        run = JobRun(job="dues", at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC), decided=3, finished_at=now)
        session.add(run)
        session.flush()
        for i, (state, via) in enumerate([("sent", "push"), ("sent", "telegram"), ("held", None)]):
            enqueue(session, key=f"dues:{i}:2026-12:1", channel="line", user_id=wh.user_id(),
                    replies=[Text("แจ้งเตือนค่าสัจจะค่ะ")], kind="dues_reminder", source=f"run:{run.id}")
            session.execute(update(OutboxMessage).where(OutboxMessage.key == f"dues:{i}:2026-12:1")
                            .values(status=state, sent_via=via))
    result = kongtun("outbox", "status")
    assert result.exit_code == 0, result.output
    assert "2026-12-01 09:00  dues: 3 decided: 2 sent (1 push, 1 telegram), 1 held" in result.output
