"""Committee roles per fund: committee, treasurer; admin for the whole network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CommitteeRole, Fund, Member, audit
from services.errors import NotFound

ROLES = ("committee", "treasurer", "admin")


@dataclass(frozen=True)
class Grant:
    member: Member
    fund: Fund
    role: str
    created: bool  # False when the member already had the role


def grant(session: Session, *, fund_code: str, member_no: str, role: str, actor: str,
          at: datetime) -> Grant:
    """Give a member of a fund a role; granting it again changes nothing and audits nothing."""
    if role not in ROLES:
        raise ValueError(f"not a role: {role!r}")
    fund = session.scalar(select(Fund).where(Fund.code == fund_code))
    if fund is None:
        raise NotFound(f"no fund with code {fund_code}")
    member = session.scalar(select(Member).where(Member.fund_id == fund.id, Member.member_no == member_no))
    if member is None:
        raise NotFound(f"no member {member_no} in {fund_code}")
    exists = session.scalar(select(CommitteeRole.id).where(
        CommitteeRole.member_id == member.id, CommitteeRole.fund_id == fund.id, CommitteeRole.role == role))
    if exists is not None:
        return Grant(member, fund, role, created=False)
    session.add(CommitteeRole(member_id=member.id, fund_id=fund.id, role=role, granted_at=at))
    audit(session, actor, "role.grant", "member", member.id, fund=fund_code, role=role)
    return Grant(member, fund, role, created=True)
