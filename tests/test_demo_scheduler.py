"""`kongtun demo` runs the scheduler in-process into the simulator inbox: quiet hours off unless
asked for, the preset chat demo-somsri linked to the member in arrears, a meeting soon, and the
first dispatcher tick puts her lapse warning and meeting reminder where the page polls."""

from __future__ import annotations

import csv
import shutil
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import create_app, get_core, senders
from bot.demo import live
from bot.demo.seed import PACKAGED_DATA, seed_demo
from models import AuditLog, ChatAccount, CommitteeRole, Meeting, OutboxMessage, make_sessionmaker
from scheduler.clock import ManualClock
from tests.conftest import SECRET

BANGKOK = ZoneInfo("Asia/Bangkok")
TODAY_10AM = datetime(2026, 11, 29, 10, 0, tzinfo=BANGKOK)
WAIT = 30  # seconds the test waits for the scheduler's thread at most


def small_demo(folder, engine) -> None:
    """The demo seed of one fund, Pa Khlok with 20 members (สมศรี among them), as of TODAY_10AM."""
    folder.mkdir()
    shutil.copy(PACKAGED_DATA / "fund_rules_example.toml", folder)
    with (PACKAGED_DATA / "phuket_funds.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["code"] == live.DEMO_FUND)
    with (folder / "phuket_funds.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow({**row, "seed_members": "20", "seed_coverage_pct": ""})
    with make_sessionmaker(engine)() as session:
        seed_demo(session, id_key=SECRET, today=TODAY_10AM.date(), data_dir=folder)


@pytest.mark.parametrize("env, quiet", [({}, "off"), ({"KONGTUN_QUIET_HOURS": "22:00-07:00"}, "22:00-07:00")])
def test_the_demo_turns_quiet_hours_off_unless_they_are_set(env, quiet):
    config = live.demo_config({"KONGTUN_SECRET_KEY": SECRET, **env})
    assert config.simulator and config.quiet_hours == quiet
    line = live.start_line(config)
    assert ("quiet hours are off in the demo" in line) == (quiet == "off")
    assert "every 10 s" in line


def test_the_demo_links_its_chat_and_schedules_a_meeting_once(engine, clean_db, tmp_path):
    small_demo(tmp_path / "data", engine)
    Session = make_sessionmaker(engine)
    with Session() as session:
        done = live.prepare(session, now=TODAY_10AM, tz=BANGKOK)
        assert len(done) == 3 and "demo-somsri" in done[0] and "demo-committee" in done[1]
        assert live.prepare(session, now=TODAY_10AM, tz=BANGKOK) == []  # a restart adds nothing
        chat = session.scalars(select(ChatAccount).where(
            ChatAccount.external_user_id == live.DEMO_CHAT)).one()
        assert chat.member.first_name == "สมศรี" and chat.consent_at is not None
        meeting = session.scalars(select(Meeting).where(Meeting.title_th == live.MEETING_TITLE_TH)).one()
        assert meeting.starts_at == datetime(2026, 12, 2, 13, 30, tzinfo=BANGKOK)
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action.in_(("member.link", "meeting.schedule")))) == 3


def test_the_demo_committee_chat_is_the_funds_treasurer_and_opens_the_committee_menu(
        engine, clean_db, tmp_path, database_url):
    from bot.app import create_app
    from bot.config import Config
    from tests.conftest import SECRET
    from tests.drivers import SimulatorChat

    small_demo(tmp_path / "data", engine)
    with make_sessionmaker(engine)() as session:
        live.prepare(session, now=TODAY_10AM, tz=BANGKOK)
        chat = session.scalars(select(ChatAccount).where(
            ChatAccount.external_user_id == live.DEMO_COMMITTEE_CHAT)).one()
        held = {r.role for r in session.scalars(select(CommitteeRole).where(
            CommitteeRole.member_id == chat.member_id))}
        assert held == {"treasurer", "committee"} and chat.member.fund.code == live.DEMO_FUND
    app = create_app(Config.from_env(env={"KONGTUN_SECRET_KEY": SECRET, "DATABASE_URL": database_url},
                                     simulator=True))
    committee = SimulatorChat(app.test_client(), live.DEMO_COMMITTEE_CHAT)
    committee.say("เมนู")
    committee.tap("เมนูกรรมการ")
    assert {"ประกาศ", "รับเงิน", "รายงาน"} <= {b.label for b in committee.buttons()}
    app.extensions["kongtun"].engine.dispose()


def test_a_chat_someone_registered_as_her_is_left_alone(engine, clean_db, tmp_path):
    small_demo(tmp_path / "data", engine)
    Session = make_sessionmaker(engine)
    demo_chat = select(ChatAccount).where(ChatAccount.external_user_id == live.DEMO_CHAT)
    with Session() as session:
        assert live.prepare(session, now=TODAY_10AM, tz=BANGKOK)
        session.scalars(demo_chat).one().external_user_id = "U-registered-as-her"  # her link moved
        session.commit()
        assert live.prepare(session, now=TODAY_10AM, tz=BANGKOK) == []
        assert session.scalar(demo_chat) is None


def test_the_first_tick_puts_her_reminders_in_the_inbox_the_page_polls(engine, clean_db, tmp_path,
                                                                        database_url):
    small_demo(tmp_path / "data", engine)
    config = live.demo_config({"KONGTUN_SECRET_KEY": SECRET, "DATABASE_URL": database_url})
    clock = ManualClock(TODAY_10AM)
    app = create_app(config, clock=clock)
    core = get_core(app)
    with core.Session() as session:
        live.prepare(session, now=clock(), tz=BANGKOK)
    scheduler = live.start_clock(core.Session, senders(app), config, clock=clock, sleep=clock.sleep)
    client = app.test_client()
    try:
        messages, waited = [], threading.Event()
        for _ in range(WAIT * 20):  # the page polls the same route
            messages = client.get(f"/simulator/api/inbox?user={live.DEMO_CHAT}").get_json()["messages"]
            if len(messages) >= 2:
                break
            waited.wait(0.05)
        with core.Session() as session:
            waiting = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.external_user_id == live.DEMO_CHAT, OutboxMessage.status != "sent"))
    finally:
        scheduler.shutdown(wait=True)
        core.engine.dispose()
    texts = [reply["text"] for message in messages for reply in message["replies"]]
    assert any("ค้างเงินสัจจะ 2 เดือน" in text and "สมาชิกภาพจะสิ้นสุด" in text for text in texts), texts
    assert any("อีก 3 วันจะมีการประชุม" in text and live.MEETING_TITLE_TH in text for text in texts), texts
    assert all(message["sent_at"].startswith("2026-11-29T10:00") for message in messages)
    assert waiting == 0
