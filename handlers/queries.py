"""Reads that several handlers need: a member's dues, upcoming meetings (a fund's figures are
services.reports.fund_figures, shared with the committee's reports)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.dues import DuesStatus, dues_status
from models import Claim, Meeting, Member
from services.payments import total_paid


def member_dues(session: Session, member: Member, on: date) -> DuesStatus:
    fund = member.fund
    return dues_status(
        joined_on=member.joined_on,
        total_paid=total_paid(session, member.id),
        dues_per_month=fund.dues_per_month,
        lapse_after_missed_months=fund.lapse_after_missed_months,
        on=on,
    )


def member_claims(session: Session, member_id: int, limit: int = 5) -> list[Claim]:
    return list(
        session.scalars(
            select(Claim)
            .where(Claim.member_id == member_id)
            .order_by(Claim.submitted_on.desc(), Claim.id.desc())
            .limit(limit)
        )
    )


def upcoming_meetings(session: Session, fund_id: int | None, now: datetime, limit: int = 3) -> list[Meeting]:
    """The member's fund's meetings and the network's, soonest first."""
    scope = Meeting.fund_id.is_(None)
    if fund_id is not None:
        scope = or_(scope, Meeting.fund_id == fund_id)
    return list(
        session.scalars(
            select(Meeting).where(scope, Meeting.starts_at >= now, Meeting.status != "cancelled")
            .order_by(Meeting.starts_at).limit(limit)
        )
    )
