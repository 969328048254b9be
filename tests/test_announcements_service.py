"""Announcements: a draft scheduled for a moment is expanded by the job into one row per recipient
when its time comes (sending -> done, with the count); a cancelled one never goes; one left half
sent by a crash is resumed without writing anything twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Announcement, AnnouncementState, Audience, AuditLog, CommitteeRole, MemberStatus
from scheduler.jobs import JOBS
from services import announcements
from services.errors import ServiceError
from tests.conftest import BANGKOK
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox, text_of

JOB = next(job for job in JOBS if job.name == "announcements")


def _setup(Session, n: int = 5, fund_id_none: bool = False) -> int:
    with Session() as s, s.begin():
        fund = make_fund(s, name_th="เทศบาลตำบลป่าคลอก", name_en="Pa Khlok")
        for i in range(n):
            member_with_chat(s, fund, joined_on=JOINED, locale="en" if i == 0 else "th")
        quiet = member_with_chat(s, fund, joined_on=JOINED)
        quiet.notify_announcements = False
        draft = announcements.create_draft(s, fund_id=None if fund_id_none else fund.id,
                                           text_th="งดจ่ายเงินวันที่ 5 เพราะวันหยุด",
                                           text_en="No payments on the 5th",
                                           author="chat:1", at=at(2026, 12, 1, 10))
        announcements.schedule(s, draft, at(2026, 12, 2, 9), actor="chat:1", at=at(2026, 12, 1, 10))
        return draft.id


def _state(Session, announcement_id: int) -> Announcement:
    with Session() as s:
        return s.get(Announcement, announcement_id)


def test_expanded_when_its_time_comes_one_row_per_recipient(jobs_db):
    aid = _setup(jobs_db)
    assert JOB.run(jobs_db, at(2026, 12, 2, 8, 59), BANGKOK) == 0
    assert _state(jobs_db, aid).state == AnnouncementState.SCHEDULED
    assert JOB.run(jobs_db, at(2026, 12, 2, 9, 0), BANGKOK) == 5  # not the one who turned them off
    done = _state(jobs_db, aid)
    assert done.state == AnnouncementState.DONE and done.recipients == 5
    rows = outbox(jobs_db, kind="announcement")
    assert {r.source for r in rows} == {f"announcement:{aid}"}
    assert {r.content_key for r in rows} == {f"announcement:{aid}:th", f"announcement:{aid}:en"}
    thai = next(r for r in rows if r.content_key.endswith(":th"))
    assert "ประกาศจากเทศบาลตำบลป่าคลอก" in text_of(thai) and "งดจ่ายเงิน" in text_of(thai)
    assert "No payments" in text_of(next(r for r in rows if r.content_key.endswith(":en")))
    assert JOB.run(jobs_db, at(2026, 12, 2, 9, 1), BANGKOK) == 0  # done: never again


def test_a_cancelled_announcement_never_goes(jobs_db):
    aid = _setup(jobs_db)
    with jobs_db() as s, s.begin():
        announcements.cancel(s, s.get(Announcement, aid), actor="chat:1", at=at(2026, 12, 1, 11))
    assert JOB.run(jobs_db, at(2026, 12, 3, 9), BANGKOK) == 0
    assert outbox(jobs_db) == [] and _state(jobs_db, aid).state == AnnouncementState.CANCELLED
    with jobs_db() as s:
        actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions == ["announcement.create", "announcement.schedule", "announcement.cancel"]


def test_one_left_sending_by_a_crash_is_resumed_without_doubles(jobs_db, monkeypatch):
    aid = _setup(jobs_db, n=7)
    real = announcements.enqueue_many
    calls = {"n": 0}

    def dies_on_the_second_page(session, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(session, rows)

    monkeypatch.setattr(announcements, "enqueue_many", dies_on_the_second_page)
    with pytest.raises(RuntimeError):
        announcements.expand(jobs_db, aid, at(2026, 12, 2, 9), size=3)
    assert _state(jobs_db, aid).state == AnnouncementState.SENDING
    assert len(outbox(jobs_db)) == 3  # the first page was committed
    monkeypatch.setattr(announcements, "enqueue_many", real)
    assert JOB.run(jobs_db, at(2026, 12, 2, 9, 1), BANGKOK) == 4
    done = _state(jobs_db, aid)
    assert done.state == AnnouncementState.DONE and done.recipients == 7
    assert len({r.key for r in outbox(jobs_db)}) == len(outbox(jobs_db)) == 7


def test_a_network_announcement_reaches_every_fund_and_the_committee_audience(jobs_db):
    aid = _setup(jobs_db, n=2, fund_id_none=True)
    with jobs_db() as s, s.begin():
        other = make_fund(s, "KATHU")
        member_with_chat(s, other, joined_on=JOINED)
        boss = member_with_chat(s, other, joined_on=JOINED)
        s.add(CommitteeRole(member_id=boss.id, fund_id=other.id, role="committee"))
        former = member_with_chat(s, other, joined_on=JOINED)  # a role-holder who has since lapsed
        former.status = MemberStatus.LAPSED
        s.add(CommitteeRole(member_id=former.id, fund_id=other.id, role="treasurer"))
        committee = announcements.create_draft(s, fund_id=other.id, text_th="ประชุมกรรมการด่วน",
                                               audience=Audience.COMMITTEE, author="cli", at=at(2026, 12, 1))
        announcements.schedule(s, committee, at(2026, 12, 1), actor="cli", at=at(2026, 12, 1))
        boss_id, committee_id = boss.id, committee.id
    JOB.run(jobs_db, at(2026, 12, 2, 9), BANGKOK)
    assert _state(jobs_db, aid).recipients == 4
    assert [r.member_id for r in outbox(jobs_db, source=f"announcement:{committee_id}")] == [boss_id]


def test_refusals(jobs_db):
    aid = _setup(jobs_db)
    JOB.run(jobs_db, at(2026, 12, 2, 9), BANGKOK)
    with jobs_db() as s, s.begin():
        with pytest.raises(ServiceError):
            announcements.cancel(s, s.get(Announcement, aid), actor="cli", at=at(2026, 12, 3))
        with pytest.raises(ServiceError):
            announcements.create_draft(s, fund_id=None, text_th="  ", author="cli", at=at(2026, 12, 3))
