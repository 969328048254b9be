"""The fund's report for its committee and assembly, and the network's table: pure reads returning
dataclasses, one set of figures for the chat, `kongtun report` (CSV/XLSX) and `kongtun stats`.

Members count as *members* when ACTIVE: a pending application, a lapsed, resigned or deceased
member is shown by status but not in the coverage (the seed's figures count registered members,
which the demo seeds as active ones). Arrears follow `domain.dues.dues_status` on the fund's dues,
from one aggregate of the ledger (payments less reversals), never one query per member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from domain.balance import FundBalance, coverage_percent, fund_balance
from domain.dues import dues_status
from messaging.sender import Quota
from models import (
    ExpenseKind,
    Fund,
    FundExpense,
    FundIncome,
    Member,
    MemberStatus,
    OutboxMessage,
    Payment,
    SendPace,
)
from services import outbox

STATUSES = (
    MemberStatus.ACTIVE,
    MemberStatus.LAPSED,
    MemberStatus.PENDING,
    MemberStatus.RESIGNED,
    MemberStatus.DECEASED,
)
# What the report calls problems of delivery: for good (failed, unreachable, expired, unconfirmed)
# or waiting for quota (held).
DELIVERY_STATES = (outbox.FAILED, outbox.UNREACHABLE, outbox.HELD, outbox.EXPIRED, outbox.UNCONFIRMED)
PAGE = 10


# --- money: balance by source and benefits this year (also the member's fund card) ---------------


@dataclass(frozen=True)
class FundFigures:
    fund: Fund
    active_members: int
    coverage: Decimal | None
    balance: FundBalance
    benefits_this_year: Decimal
    claims_paid_this_year: int


def fund_figures(session: Session, fund: Fund, on: date) -> FundFigures:
    """`on` is the day in the fund's zone: "this year" is its calendar year."""
    active = (
        session.scalar(
            select(func.count()).where(Member.fund_id == fund.id, Member.status == MemberStatus.ACTIVE)
        )
        or 0
    )
    dues = session.scalar(  # the whole ledger: a reversal is a negative entry
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


# --- dues: who is in arrears, who is near lapse ---------------------------------------------------


@dataclass(frozen=True)
class Owing:
    """One active member behind with their dues: what the treasurer needs to call on them."""

    member_id: int
    member_no: str
    short_name: str  # "สมศรี ใ.": enough to recognise, not a full name in a list
    months: int
    amount: Decimal
    lapse_on: date | None
    near_lapse: bool


def short_name(first_name: str, last_name: str) -> str:
    last = last_name.strip()
    return f"{first_name.strip()} {last[0]}." if last else first_name.strip()


def owing(session: Session, fund: Fund, on: date) -> list[Owing]:
    """Active members in arrears on `on`, most months first, then by member number."""
    paid = dict(
        session.execute(
            select(Payment.member_id, func.sum(Payment.amount))
            .join(Member)
            .where(Member.fund_id == fund.id, Member.status == MemberStatus.ACTIVE)
            .group_by(Payment.member_id)
        ).all()
    )
    found = []
    for member_id, member_no, first, last, joined in session.execute(
        select(Member.id, Member.member_no, Member.first_name, Member.last_name, Member.joined_on).where(
            Member.fund_id == fund.id, Member.status == MemberStatus.ACTIVE
        )
    ):
        status = dues_status(
            joined_on=joined,
            total_paid=Decimal(paid.get(member_id) or 0),
            dues_per_month=fund.dues_per_month,
            lapse_after_missed_months=fund.lapse_after_missed_months,
            on=on,
        )
        if status.arrears_months > 0:
            found.append(
                Owing(
                    member_id,
                    member_no or "",
                    short_name(first, last),
                    status.arrears_months,
                    status.arrears_baht,
                    status.lapse_on,
                    status.lapse_warning,
                )
            )
    return sorted(found, key=lambda o: (-o.months, o.member_no))


@dataclass(frozen=True)
class Page:
    items: list[Owing]
    page: int  # from 0
    pages: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 0


def page_of(items: list[Owing], page: int, size: int = PAGE) -> Page:
    pages = max((len(items) + size - 1) // size, 1)
    page = min(max(page, 0), pages - 1)
    return Page(items[page * size : (page + 1) * size], page, pages, len(items))


# --- delivery: the fund's members' messages that did not go, and the LINE quota -------------------


def delivery_problems(session: Session, fund: Fund) -> dict[str, int]:
    """Outbox rows to the fund's members by problem state (only the states that occur)."""
    rows = session.execute(
        select(OutboxMessage.status, func.count())
        .join(Member, OutboxMessage.member_id == Member.id)
        .where(Member.fund_id == fund.id, OutboxMessage.status.in_(DELIVERY_STATES))
        .group_by(OutboxMessage.status)
    )
    return {state: n for state, n in rows}


def remembered_line_quota(session: Session) -> tuple[Quota, datetime] | None:
    """The LINE quota as the last delivery read it: what `kongtun outbox status` shows. Read from
    the rows `scheduler.quota_memory.remember_quota` writes (services may not import the
    scheduler; tests/test_cm_reports_figures.py checks both agree)."""
    names = ("quota:line:limit", "quota:line:used", "quota:line:read_at")
    values = dict(
        session.execute(select(SendPace.name, SendPace.next_at).where(SendPace.name.in_(names))).all()
    )
    if len(values) < len(names):
        return None
    limit = int(values[names[0]])
    return Quota(None if limit < 0 else limit, int(values[names[1]])), datetime.fromtimestamp(
        values[names[2]], UTC
    )


# --- the whole report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FundReport:
    fund: Fund
    on: date
    by_status: dict[MemberStatus, int]
    money: FundFigures
    arrears: list[Owing]
    delivery: dict[str, int]
    quota: Quota | None
    quota_read_at: datetime | None

    @property
    def active(self) -> int:
        return self.by_status.get(MemberStatus.ACTIVE, 0)

    @property
    def coverage(self) -> Decimal | None:
        return coverage_percent(self.active, self.fund.population)

    @property
    def arrears_amount(self) -> Decimal:
        return sum((o.amount for o in self.arrears), Decimal(0))

    @property
    def near_lapse(self) -> list[Owing]:
        return [o for o in self.arrears if o.near_lapse]


def fund_report(session: Session, fund: Fund, on: date) -> FundReport:
    counts = dict(
        session.execute(
            select(Member.status, func.count()).where(Member.fund_id == fund.id).group_by(Member.status)
        ).all()
    )
    by_status = {status: counts.get(status, 0) for status in STATUSES}
    remembered = remembered_line_quota(session)
    return FundReport(
        fund,
        on,
        by_status,
        fund_figures(session, fund, on),
        owing(session, fund, on),
        delivery_problems(session, fund),
        remembered[0] if remembered else None,
        remembered[1] if remembered else None,
    )


# --- the report as rows: the exported file and the chat read the same list -----------------------

Value = int | Decimal | None  # None: not known (a population, the LINE quota)


def sections(report: FundReport) -> list[tuple[str, str, Value]]:
    """(section, label key, value) in the order the assembly reads them; amounts in baht."""
    money = report.money
    quota = report.quota
    rows: list[tuple[str, str, Value]] = [("members", s.value, report.by_status[s]) for s in STATUSES]
    rows += [
        ("members", "population", report.fund.population),
        ("members", "coverage", report.coverage),
        ("arrears", "in_arrears", len(report.arrears)),
        ("arrears", "arrears_amount", report.arrears_amount),
        ("arrears", "near_lapse", len(report.near_lapse)),
        ("money", "balance", money.balance.balance),
    ]
    rows += [("money", f"source_{s}", v) for s, v in money.balance.income_by_source.items()]
    rows += [
        ("money", "benefits_paid", money.balance.benefits_paid),
        ("money", "costs", money.balance.costs),
        ("money", "benefits_this_year_count", money.claims_paid_this_year),
        ("money", "benefits_this_year_amount", money.benefits_this_year),
    ]
    rows += [("delivery", state, report.delivery.get(state, 0)) for state in DELIVERY_STATES]
    rows += [
        ("delivery", "line_quota_used", quota.used if quota else None),
        ("delivery", "line_quota_left", quota.left if quota and quota.limit is not None else None),
    ]
    return rows
