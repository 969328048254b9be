"""`kongtun applications list|approve|reject`: the same decisions as the committee's chat."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import AuditLog, ChatAccount, Member, MemberStatus, OutboxMessage
from tests.factories import make_fund, make_member, valid_national_id


def _application(session, fund, first_name: str, national_id: str | None = None) -> int:
    member = make_member(session, fund, first_name=first_name, last_name="ใจงาม", status=MemberStatus.PENDING,
                         national_id=national_id, joined_on=date(2026, 11, 20), phone="+66891234567")
    member.member_no = None
    session.add(ChatAccount(channel="line", external_user_id=f"U-{member.id}", member_id=member.id,
                            locale="th"))
    session.flush()
    return member.id


def test_list_approve_and_reject_from_the_command_line(run, session):
    fund = make_fund(session)
    make_member(session, fund, member_no="00124", national_id=valid_national_id(31))
    approved = _application(session, fund, "อรุณ")
    rejected = _application(session, fund, "บุญมี")
    twice = _application(session, fund, "ซ้ำ", national_id=valid_national_id(31))
    session.commit()

    listed = run("applications", "list", "PAKHLOK")
    assert listed.exit_code == 0, listed.output
    assert "อรุณ ใจงาม" in listed.output and "08x-xxx-4567" in listed.output and "+6689" not in listed.output
    assert "DUPLICATE" in listed.output and "the next member number is 00125" in listed.output
    assert run("applications", "list", "NOPE").exit_code != 0

    done = run("applications", "approve", str(approved))
    assert done.exit_code == 0 and "is member number 00125" in done.output
    again = run("applications", "approve", str(approved))
    assert again.exit_code != 0 and "active" in again.output
    refused = run("applications", "approve", str(twice))
    assert refused.exit_code != 0 and "duplicate" in refused.output
    assert run("applications", "reject", str(rejected), "--reason", "other").exit_code != 0
    out = run("applications", "reject", str(rejected), "--reason", "area")
    assert out.exit_code == 0 and "is rejected" in out.output

    session.expire_all()
    assert session.get(Member, approved).member_no == "00125"
    assert session.get(Member, rejected).status == MemberStatus.REJECTED
    assert session.get(Member, twice).status == MemberStatus.PENDING
    actions = session.scalars(select(AuditLog.action).where(AuditLog.actor == "cli")).all()
    assert actions == ["application.approve", "application.approve_refused", "application.reject"]
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.external_user_id == f"U-{rejected}"))
