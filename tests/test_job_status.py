"""Status upkeep: members whose dues say the membership has ended are marked lapsed, set-wise and
audited without personal data, and told kindly what they can do; once."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, Member, MemberStatus
from scheduler.jobs import JOBS
from tests.conftest import BANGKOK
from tests.factories import make_fund, make_member
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox, text_of

STATUS = next(job for job in JOBS if job.name == "status")


def test_lapsed_members_are_marked_and_told_once(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s, name_th="เทศบาลตำบลป่าคลอก")
        ended = member_with_chat(s, fund, joined_on=JOINED, months_paid=8, first_name="สมปอง")  # paid to Aug
        warned = member_with_chat(s, fund, joined_on=JOINED, months_paid=9)  # two behind: not yet
        silent = make_member(s, fund, joined_on=JOINED, months_paid=8)  # ended, no chat to tell
        ids = {"ended": ended.id, "warned": warned.id, "silent": silent.id}
    assert STATUS.run(jobs_db, at(2026, 12, 1, 8, 30), BANGKOK) == 1
    with jobs_db() as s:
        status = dict(s.execute(select(Member.id, Member.status)).all())
        (log,) = s.scalars(select(AuditLog).where(AuditLog.action == "member.lapse"))
    assert status[ids["ended"]] == status[ids["silent"]] == MemberStatus.LAPSED
    assert status[ids["warned"]] == MemberStatus.ACTIVE
    assert sorted(log.detail["members"]) == sorted([ids["ended"], ids["silent"]])
    assert "สมปอง" not in str(log.detail) and log.actor == "scheduler"
    (row,) = outbox(jobs_db)
    text = text_of(row)
    assert row.member_id == ids["ended"] and row.kind == "status"
    assert "เทศบาลตำบลป่าคลอก" in text and "3 เดือน" in text and "กลับมาเป็นสมาชิก" in text and "ค่ะ" in text
    assert STATUS.run(jobs_db, at(2026, 12, 2, 8, 30), BANGKOK) == 0
    assert len(outbox(jobs_db)) == 1
