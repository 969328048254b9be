"""One demo fund, seeded step by step: its people, their dues, beneficiaries and claims, the fund's
income and costs, its committee, how it is paid and its next meeting. The steps share one
`FundContext` and draw from its random generator in this order, which is what makes the same day
give the same fund (how it is paid draws nothing from it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.demo.claims import insert_claims
from bot.demo.committee import insert_meeting, insert_roles
from bot.demo.context import FundContext
from bot.demo.money import insert_costs, insert_income, insert_payments
from bot.demo.paying import set_paying
from bot.demo.people import insert_beneficiaries, insert_members, plan_people
from models import Fund, MemberStatus


@dataclass
class FundResult:
    active: int = 0
    other: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by status
    payments: int = 0
    claims: int = 0


def seed_fund(session: Session, fund: Fund, target_active: int, *, id_key: str, today: date,
              now: datetime, used_ids: set[str]) -> FundResult:
    """Insert one fund's members, ledger, claims, income, expenses, roles and meeting (the fund
    itself is already flushed, with its rules)."""
    ctx = FundContext(session, fund, id_key=id_key, today=today, now=now, used_ids=used_ids)
    people = plan_people(ctx, target_active)
    insert_members(ctx, people)
    payments, dues_by_year = insert_payments(ctx, people)
    insert_beneficiaries(ctx, people)
    claims = insert_claims(ctx, people)
    insert_income(ctx, dues_by_year)
    insert_costs(ctx, people)
    insert_roles(ctx, people)
    set_paying(ctx, _ordinal(ctx.meeting_day))  # names the treasurer just elected
    insert_meeting(ctx)
    result = FundResult(payments=payments, claims=claims)
    for p in people:
        if p.status == MemberStatus.ACTIVE:
            result.active += 1
        else:
            result.other[p.status.value] += 1
    return result


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
