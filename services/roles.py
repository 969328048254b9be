"""Committee roles per fund: committee, treasurer; admin for the whole network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CommitteeRole, Fund, Member, MemberStatus, audit
from services.errors import NotFound, ServiceError

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
    if member.status != MemberStatus.ACTIVE:  # such a role would never count (powers_of): refuse it now
        raise ServiceError(f"member {member_no} of {fund_code} is {member.status.value}: "
                           "only an active member holds a committee role")
    exists = session.scalar(select(CommitteeRole.id).where(
        CommitteeRole.member_id == member.id, CommitteeRole.fund_id == fund.id, CommitteeRole.role == role))
    if exists is not None:
        return Grant(member, fund, role, created=False)
    session.add(CommitteeRole(member_id=member.id, fund_id=fund.id, role=role, granted_at=at))
    audit(session, actor, "role.grant", "member", member.id, fund=fund_code, role=role)
    return Grant(member, fund, role, created=True)


def revoke(session: Session, *, fund_code: str, member_no: str, role: str, actor: str) -> bool:
    """Take a role away; False (and nothing audited) when the member did not have it."""
    if role not in ROLES:
        raise ValueError(f"not a role: {role!r}")
    fund = session.scalar(select(Fund).where(Fund.code == fund_code))
    if fund is None:
        raise NotFound(f"no fund with code {fund_code}")
    member = session.scalar(select(Member).where(Member.fund_id == fund.id, Member.member_no == member_no))
    if member is None:
        raise NotFound(f"no member {member_no} in {fund_code}")
    row = session.scalar(select(CommitteeRole).where(
        CommitteeRole.member_id == member.id, CommitteeRole.fund_id == fund.id, CommitteeRole.role == role))
    if row is None:
        return False
    session.delete(row)
    audit(session, actor, "role.revoke", "member", member.id, fund=fund_code, role=role)
    return True


@dataclass(frozen=True)
class Holder:
    """One role held, as `kongtun roles list` prints it (a name is shown to the operator only)."""

    fund: str
    member_no: str
    name: str
    role: str
    granted_at: datetime


def holders(session: Session, fund_code: str | None = None) -> list[Holder]:
    query = (select(CommitteeRole, Member, Fund).join(Member, Member.id == CommitteeRole.member_id)
             .join(Fund, Fund.id == CommitteeRole.fund_id)
             .order_by(Fund.code, Member.member_no, CommitteeRole.role))
    if fund_code is not None:
        query = query.where(Fund.code == fund_code)
    return [Holder(fund.code, member.member_no or "-", member.full_name, row.role, row.granted_at)
            for row, member, fund in session.execute(query).all()]


@dataclass(frozen=True)
class Powers:
    """What a member may do as committee: the roles held in their fund, and admin of the network."""

    member_id: int
    fund_id: int  # the member's own fund, the one their committee roles are for
    roles: frozenset[str]

    @property
    def admin(self) -> bool:
        return "admin" in self.roles

    @property
    def any(self) -> bool:
        return bool(self.roles)

    def may(self, allowed: tuple[str, ...], fund_id: int | None) -> bool:
        """Whether one of `allowed` roles covers acting on `fund_id` (None: the whole network).
        An admin acts on every fund and the network; committee and treasurer on their own fund."""
        if self.admin:
            return True
        return fund_id == self.fund_id and bool(self.roles & set(allowed))


def powers_of(session: Session, member: Member | None) -> Powers | None:
    """None for a chat that is no active member: a lapsed or resigned member keeps no committee role."""
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    roles = frozenset(session.scalars(select(CommitteeRole.role).where(
        CommitteeRole.member_id == member.id, CommitteeRole.fund_id == member.fund_id)))
    return Powers(member.id, member.fund_id, roles)
