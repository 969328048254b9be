"""`kongtun jobs run [--at]`: every job due at that moment, then the delivery, on a clock started
there; a summary; exit 0 unless something could not run. Here into the simulator inbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from models import SimulatorMessage, make_sessionmaker
from tests.conftest import SECRET
from tests.factories import link_chat, make_fund, make_member

BANGKOK = ZoneInfo("Asia/Bangkok")
MONTHS_TO_NOVEMBER_2026 = 105  # joined March 2018: paid through November 2026


@pytest.fixture
def kongtun(database_url, clean_db):
    runner = CliRunner()

    def invoke(*args: str, **env: str):
        env = {"DATABASE_URL": database_url, "KONGTUN_SECRET_KEY": SECRET, "KONGTUN_SIMULATOR": "1",
               "KONGTUN_TIMEZONE": "Asia/Bangkok", "KONGTUN_QUIET_HOURS": "21:00-08:00", **env}
        return runner.invoke(main, list(args), env=env)

    return invoke


@pytest.fixture
def members(engine, clean_db):
    """Two members of one fund on the simulator: one owes December 2026, one has paid it."""
    with make_sessionmaker(engine)() as session, session.begin():
        fund = make_fund(session)
        owes = make_member(session, fund, joined_on=date(2018, 3, 1), months_paid=MONTHS_TO_NOVEMBER_2026)
        paid = make_member(session, fund, joined_on=date(2018, 3, 1), first_name="สมหญิง",
                           months_paid=MONTHS_TO_NOVEMBER_2026 + 1)
        link_chat(session, "sim-owes", owes)
        link_chat(session, "sim-paid", paid)


def inbox(engine, user: str) -> list[SimulatorMessage]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(SimulatorMessage).where(
            SimulatorMessage.external_user_id == user)))


def summary(output: str) -> dict[str, str]:
    """The per-job lines: name -> count (or "failed")."""
    lines = output.split("Decided at", 1)[1].splitlines()[1:]
    out = {}
    for line in lines:
        if not line.startswith("  "):
            break
        name, _, value = line.strip().rpartition(" ")
        if value == "log)":
            name, value = line.strip().split()[0], "failed"
        out[name.strip()] = value
    return out


def test_a_dues_reminder_at_9_on_the_1st_reaches_who_owes_once(kongtun, members, engine):
    result = kongtun("jobs", "run", "--at", "2026-12-01T09:00")  # no offset: read in Bangkok
    assert result.exit_code == 0, result.output
    assert "Decided at 2026-12-01 09:00 (Asia/Bangkok):" in result.output
    decided = summary(result.output)
    assert decided["dues"] == "1" and decided["in all"] == "1"
    assert "Delivered: 1 sent, 0 retried, 0 held, 0 failed, 0 unreachable, 0 expired." in result.output
    (message,) = inbox(engine, "sim-owes")
    assert "ธันวาคม 2569" in message.payload[0]["text"]  # the month in Buddhist Era, in Thai
    at = datetime(2026, 12, 1, 9, 0, tzinfo=BANGKOK)
    assert at <= message.delivered_at < at + timedelta(minutes=1)  # on the clock --at started
    assert inbox(engine, "sim-paid") == []

    again = kongtun("jobs", "run", "--at", "2026-12-01T09:00+07:00")
    assert again.exit_code == 0, again.output
    assert summary(again.output)["in all"] == "0" and "Delivered: 0 sent" in again.output
    assert len(inbox(engine, "sim-owes")) == 1


def test_at_night_it_waits_for_quiet_hours_to_end(kongtun, members, engine):
    night = kongtun("jobs", "run", "--at", "2026-12-01T22:00")
    assert night.exit_code == 0, night.output
    assert summary(night.output)["dues"] == "1"
    assert "0 sent" in night.output and "1 waiting for quiet hours to end" in night.output
    assert inbox(engine, "sim-owes") == []

    morning = kongtun("jobs", "run", "--at", "2026-12-02T08:00", "--allow-future")
    assert morning.exit_code == 0, morning.output
    assert summary(morning.output)["in all"] == "0" and "Delivered: 1 sent" in morning.output
    (message,) = inbox(engine, "sim-owes")
    assert message.delivered_at.astimezone(BANGKOK).strftime("%d %H") == "02 08"


@pytest.mark.parametrize("moment", ["yesterday", "2026-13-01T09:00", "01/12/2569"])
def test_a_moment_that_is_not_one_is_a_clear_error(kongtun, moment):
    result = kongtun("jobs", "run", "--at", moment)
    assert result.exit_code == 2
    assert "Invalid value for --at" in result.output and "2026-12-01T09:00+07:00" in result.output


def test_messages_for_a_channel_not_configured_here_are_pointed_out(kongtun, members, engine):
    result = kongtun("jobs", "run", "--at", "2026-12-01T09:00", KONGTUN_SIMULATOR="")
    assert result.exit_code == 0, result.output
    assert "Delivered: 0 sent" in result.output
    assert "1 message(s) wait for simulator, which is not configured here" in result.output
    assert inbox(engine, "sim-owes") == []
    delivered = kongtun("jobs", "run", "--at", "2026-12-01T09:00")
    assert "Delivered: 1 sent" in delivered.output and "not configured here" not in delivered.output


def test_a_moment_ahead_of_now_is_refused_unless_asked_for(kongtun, engine):
    from datetime import datetime, timedelta

    ahead = (datetime.now(BANGKOK) + timedelta(days=200)).strftime("%Y-%m-%dT%H:%M")
    refused = kongtun("jobs", "run", "--at", ahead)
    assert refused.exit_code == 2
    assert "in the future" in refused.output and "--allow-future" in refused.output
    assert "Decided at" not in refused.output  # nothing ran
    allowed = kongtun("jobs", "run", "--at", ahead, "--allow-future")
    assert allowed.exit_code == 0, allowed.output
    assert "Decided at" in allowed.output


def test_a_database_that_cannot_be_reached_exits_1_in_one_line(kongtun, tmp_path):
    result = kongtun("jobs", "run", "--at", "2026-12-01T09:00",
                     DATABASE_URL=f"sqlite:///{tmp_path / 'no' / 'such' / 'kongtun.db'}")
    assert result.exit_code == 1
    assert "failed  (see the log)" in result.output
    assert "Error: the outbox could not be delivered: OperationalError" in result.output
    assert "Traceback" not in result.output


def test_on_a_terminal_it_shows_a_progress_bar(kongtun, members, monkeypatch):
    plain = kongtun("jobs", "run", "--at", "2026-12-01T09:00")
    assert plain.exit_code == 0 and "Delivering" not in plain.output  # no bar in a log or a cron mail
    monkeypatch.setattr("bot.cli_jobs.on_terminal", lambda: True)
    # Still unpaid on the 25th: reminded again.
    shown = kongtun("jobs", "run", "--at", "2026-12-25T09:00", "--allow-future")
    assert shown.exit_code == 0, shown.output
    assert summary(shown.output)["dues"] == "1" and "Delivering" in shown.output
