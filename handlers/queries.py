"""Reads that several handlers need: a member's dues, upcoming meetings (a fund's figures are
services.reports.fund_figures, shared with the committee's reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.dues import DuesStatus, dues_status
from models import ChatAccount, Claim, ClaimStatus, CommitteeRole, Meeting, Member, Payment
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


@dataclass(frozen=True)
class LedgerLine:
    """One entry of a member's own payment history, as the member reads it."""

    payment: Payment
    reversed_on: date | None  # the day its reversal was dated, when this payment was reversed
    reverses_on: date | None  # for a reversal: the date of the payment it corrects
    recorder: Recorder


@dataclass(frozen=True)
class Recorder:
    """Who wrote an entry, as the committee lets members see it: a role and a first name for an
    entry made in the chat; the fund's books for an imported one."""

    role: str | None  # treasurer | committee | admin, or None
    name: str | None  # the committee member's first name
    imported: bool


_ROLE_ORDER = ("treasurer", "committee", "admin")


def member_ledger(session: Session, member: Member, limit: int = 12) -> tuple[list[LedgerLine], int]:
    """The member's latest `limit` ledger entries, newest first, and how many there are in all."""
    count = session.scalar(select(func.count(Payment.id)).where(Payment.member_id == member.id)) or 0
    rows = list(session.scalars(select(Payment).where(Payment.member_id == member.id)
                                .order_by(Payment.paid_on.desc(), Payment.id.desc()).limit(limit)))
    ids = [p.id for p in rows]
    reversed_on = dict(session.execute(select(Payment.reverses_id, Payment.paid_on)
                                       .where(Payment.reverses_id.in_(ids))).all()) if ids else {}
    targets = [p.reverses_id for p in rows if p.reverses_id is not None]
    reverses_on = dict(session.execute(select(Payment.id, Payment.paid_on)
                                       .where(Payment.id.in_(targets))).all()) if targets else {}
    recorders = _recorders(session, member.fund_id, {p.recorded_by for p in rows})
    return [LedgerLine(p, reversed_on.get(p.id), reverses_on.get(p.reverses_id) if p.reverses_id else None,
                       recorders[p.recorded_by]) for p in rows], int(count)


def _recorders(session: Session, fund_id: int, actors: set[str]) -> dict[str, Recorder]:
    accounts = {int(a[5:]): a for a in actors if a.startswith("chat:") and a[5:].isdigit()}
    people = dict(session.execute(select(ChatAccount.id, Member.id)
                                  .join(Member, Member.id == ChatAccount.member_id)
                                  .where(ChatAccount.id.in_(list(accounts)))).all()) if accounts else {}
    names = dict(session.execute(select(Member.id, Member.first_name)
                                 .where(Member.id.in_(list(people.values())))).all()) if people else {}
    roles: dict[int, set[str]] = {}
    if people:
        for member_id, role in session.execute(select(CommitteeRole.member_id, CommitteeRole.role).where(
                CommitteeRole.member_id.in_(list(people.values())),
                or_(CommitteeRole.fund_id == fund_id, CommitteeRole.role == "admin"))):
            roles.setdefault(member_id, set()).add(role)
    found: dict[str, Recorder] = {}
    for actor in actors:
        if actor not in accounts.values():
            found[actor] = Recorder(None, None, imported=True)
            continue
        person = people.get(int(actor[5:]))
        held = roles.get(person, set()) if person is not None else set()
        role = next((r for r in _ROLE_ORDER if r in held), None)
        found[actor] = Recorder(role, names.get(person) if person is not None else None, imported=False)
    return found


# A claim uses up the yearly allowance from the day it is submitted: one still being checked or
# approved and not yet paid will be paid from the same cap, so telling the member more is left than
# will be would mislead. A rejected claim uses nothing.
ALLOWANCE_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID)


def claims_in_year(session: Session, member_id: int, year: int) -> dict[str, list[tuple[date, Decimal]]]:
    """The member's claims that count against a yearly cap, `(event_on, amount)` by benefit code.

    The year is the event's (the stay, the disaster), as the fund's "per year" reads."""
    rows = session.execute(
        select(Claim.benefit_code, Claim.event_on, Claim.amount).where(
            Claim.member_id == member_id, Claim.status.in_(ALLOWANCE_STATUSES),
            Claim.event_on >= date(year, 1, 1), Claim.event_on <= date(year, 12, 31)))
    found: dict[str, list[tuple[date, Decimal]]] = {}
    for code, on, amount in rows:
        found.setdefault(code, []).append((on, amount))
    return found
