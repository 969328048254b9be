"""Reads that several handlers need: a member's dues, a fund's figures, upcoming meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import Session

from domain.balance import FundBalance, coverage_percent, fund_balance
from domain.dues import DuesStatus, dues_status
from models import (
    Claim,
    ExpenseKind,
    Fund,
    FundExpense,
    FundIncome,
    Meeting,
    Member,
    MemberStatus,
    Payment,
)
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


@dataclass(frozen=True)
class FundFigures:
    fund: Fund
    active_members: int
    coverage: Decimal | None
    balance: FundBalance
    benefits_this_year: Decimal
    claims_paid_this_year: int


def fund_figures(session: Session, fund: Fund, on: date) -> FundFigures:
    active = session.scalar(
        select(func.count()).where(Member.fund_id == fund.id, Member.status == MemberStatus.ACTIVE)
    ) or 0
    dues = session.scalar(
        select(func.sum(Payment.amount)).join(Member).where(Member.fund_id == fund.id)
    ) or Decimal(0)
    income = {"members": Decimal(dues)}
    for source, amount in session.execute(
        select(FundIncome.source, func.sum(FundIncome.amount))
        .where(FundIncome.fund_id == fund.id)
        .group_by(FundIncome.source)
    ):
        income[source.value] = income.get(source.value, Decimal(0)) + Decimal(amount)
    spent = {kind: Decimal(0) for kind in ExpenseKind}
    for kind, amount in session.execute(
        select(FundExpense.kind, func.sum(FundExpense.amount))
        .where(FundExpense.fund_id == fund.id)
        .group_by(FundExpense.kind)
    ):
        spent[kind] = Decimal(amount)
    this_year = session.execute(
        select(func.count(), func.sum(FundExpense.amount)).where(
            FundExpense.fund_id == fund.id,
            FundExpense.kind == ExpenseKind.BENEFIT,
            extract("year", FundExpense.spent_on) == on.year,
        )
    ).one()
    return FundFigures(
        fund=fund,
        active_members=active,
        coverage=coverage_percent(active, fund.population),
        balance=fund_balance(income, spent[ExpenseKind.BENEFIT], spent[ExpenseKind.COST]),
        benefits_this_year=Decimal(this_year[1] or 0),
        claims_paid_this_year=this_year[0] or 0,
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
