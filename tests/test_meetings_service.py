"""The meetings service: scheduling, moving and cancelling are audited (no personal data), and the
notice of a change is written in the same transaction as the change itself."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditLog, Meeting
from services import meetings
from services.errors import ServiceError
from tests.conftest import BANGKOK
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox


def _meeting(Session) -> int:
    with Session() as s, s.begin():
        fund = make_fund(s)
        member_with_chat(s, fund, joined_on=JOINED)
        meeting = meetings.schedule(s, fund_id=fund.id, title_th="ประชุมกรรมการ", title_en="Committee meeting",
                                    starts_at=at(2026, 12, 20, 10), place_th="ศาลา", place_en="Hall",
                                    actor="cli", at=at(2026, 12, 1, 10))
        return meeting.id


def test_schedule_move_and_cancel_are_audited(jobs_db):
    meeting_id = _meeting(jobs_db)
    with jobs_db() as s, s.begin():
        meeting = s.get(Meeting, meeting_id)
        meetings.move(s, meeting, at(2026, 12, 21, 10), actor="chat:7", at=at(2026, 12, 2, 10), tz=BANGKOK)
        meetings.cancel(s, meeting, actor="chat:7", at=at(2026, 12, 3, 10), tz=BANGKOK)
    with jobs_db() as s:
        actions = [(a.action, a.actor) for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
        meeting = s.get(Meeting, meeting_id)
    assert actions == [("meeting.schedule", "cli"), ("meeting.move", "chat:7"), ("meeting.cancel", "chat:7")]
    assert meeting.status == "cancelled" and meeting.previous_starts_at == at(2026, 12, 20, 10)
    assert len(outbox(jobs_db, kind="meeting_change")) == 2  # moved, then cancelled


def test_a_change_rolled_back_leaves_no_notice(jobs_db):
    meeting_id = _meeting(jobs_db)
    with jobs_db() as s, s.begin():
        meetings.move(s, s.get(Meeting, meeting_id), at(2026, 12, 21, 10), actor="cli",
                      at=at(2026, 12, 2, 10), tz=BANGKOK)
        s.rollback()
    assert outbox(jobs_db) == []
    with jobs_db() as s:
        assert s.get(Meeting, meeting_id).starts_at == at(2026, 12, 20, 10)


def test_refusals(jobs_db):
    meeting_id = _meeting(jobs_db)
    with jobs_db() as s, s.begin():
        meeting = s.get(Meeting, meeting_id)
        with pytest.raises(ServiceError):
            meetings.move(s, meeting, at(2026, 11, 1, 10), actor="cli", at=at(2026, 12, 2, 10), tz=BANGKOK)
        meetings.cancel(s, meeting, actor="cli", at=at(2026, 12, 2, 10), tz=BANGKOK)
        with pytest.raises(ServiceError):
            meetings.move(s, meeting, at(2026, 12, 28, 10), actor="cli", at=at(2026, 12, 2, 10), tz=BANGKOK)
        assert meetings.cancel(s, meeting, actor="cli", at=at(2026, 12, 2, 11), tz=BANGKOK) == 0
        with pytest.raises(ServiceError):
            meetings.schedule(s, fund_id=None, title_th="x", title_en="x", starts_at=at(2026, 1, 1, 10),
                              place_th="y", place_en="y", actor="cli", at=at(2026, 12, 2, 10))


def test_a_cancelled_meeting_is_no_longer_listed_in_the_chat(app, db, chat, clock):
    from tests.factories import link_chat

    clock.now = at(2026, 12, 1, 10)
    with db() as s, s.begin():
        fund = make_fund(s)
        member = member_with_chat(s, fund, joined_on=JOINED)
        link_chat(s, "U-test-1", member)
        meeting = meetings.schedule(s, fund_id=fund.id, title_th="ประชุมกรรมการ", title_en="Committee meeting",
                                    starts_at=at(2026, 12, 20, 10), place_th="ศาลา", place_en="Hall",
                                    actor="cli", at=at(2026, 12, 1, 10))
    chat.press("meet")
    assert "ประชุมกรรมการ" in chat.text
    with db() as s, s.begin():
        meetings.cancel(s, s.get(Meeting, meeting.id), actor="cli", at=at(2026, 12, 2, 10), tz=BANGKOK)
    chat.press("meet")
    assert "ประชุมกรรมการ" not in chat.text
