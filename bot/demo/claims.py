"""Benefit claims in a demo fund, each at the stage it has reached (submitted, approved, paid or
refused), and the benefit expense of every paid one. Who qualifies, and for how much, is decided by
the fund's rules through the domain (domain.benefits), as the app decides it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from bot.demo.context import CLAIM_YEARS, RECORDED_BY, FundContext, random_date
from bot.demo.people import Person
from domain.benefits import Eligibility, evaluate
from models import Claim, ClaimStatus, ExpenseKind, FundExpense, Member, MemberStatus


@dataclass
class Claimed:
    """A claim with the expense it caused, before the claim has an id."""

    row: dict[str, Any]
    expense: str | None  # description of the benefit expense, when paid


def insert_claims(ctx: FundContext, people: list[Person]) -> int:
    """Claims of the members who would have made them; returns how many."""
    claimed: list[Claimed] = []
    for p in people:
        if p.demo is not None:
            if p.demo.hospital_claim:
                claimed.append(_demo_hospital_claim(ctx, p))
        elif p.status == MemberStatus.ACTIVE:
            claimed += _random_claims(ctx, p)
        elif p.status == MemberStatus.DECEASED:
            claimed += _death_claim(ctx, p)
    if not claimed:
        return 0
    ctx.session.execute(insert(Claim.__table__), [c.row for c in claimed])
    # A member has at most one claim per benefit and event date, which identifies it.
    ids = {(m, code, on): claim_id for claim_id, m, code, on in ctx.session.execute(
        select(Claim.id, Claim.member_id, Claim.benefit_code, Claim.event_on)
        .join(Member, Member.id == Claim.member_id).where(Member.fund_id == ctx.fund.id))}
    expenses = [{
        "fund_id": ctx.fund.id, "kind": ExpenseKind.BENEFIT, "amount": c.row["amount"],
        "spent_on": c.row["paid_on"], "description": c.expense, "recorded_by": RECORDED_BY,
        "claim_id": ids[c.row["member_id"], c.row["benefit_code"], c.row["event_on"]],
    } for c in claimed if c.expense]
    if expenses:
        ctx.session.execute(insert(FundExpense.__table__), expenses)
    return len(claimed)


def _claim(ctx: FundContext, p: Person, code: str, amount: Decimal, event_on: date, *,
           nights: int | None = None, status: ClaimStatus | None = None,
           dates: tuple[date, date | None, date | None] | None = None,
           note: str | None = None) -> Claimed:
    if status is None:
        status, dates, note = _claim_progress(ctx, event_on)
    assert dates is not None
    submitted, decided, paid = dates
    row = {"member_id": p.id, "benefit_code": code, "amount": amount, "nights": nights,
           "status": status, "event_on": event_on, "submitted_on": submitted,
           "decided_on": decided, "paid_on": paid, "note": note}
    rule_name = next(r.name_th for r in ctx.fund.benefits if r.code == code)
    expense = f"สวัสดิการ{rule_name} สมาชิกเลขที่ {p.member_no}" if status == ClaimStatus.PAID else None
    return Claimed(row, expense)


def _claim_progress(ctx: FundContext, event_on: date) -> tuple[ClaimStatus, tuple, str | None]:
    """How far a claim has come: recent ones wait, older ones were paid or (a few) refused."""
    rng, today = ctx.rng, ctx.today
    submitted = min(event_on + timedelta(days=rng.randint(1, 14)), today)
    age = (today - submitted).days
    if age < 5:
        return ClaimStatus.SUBMITTED, (submitted, None, None), None
    decided = submitted + timedelta(days=rng.randint(1, 4))
    if age < 15:
        return ClaimStatus.APPROVED, (submitted, decided, None), None
    if rng.random() < 0.05:
        reason = rng.choice(("เอกสารไม่ครบ: ไม่มีสำเนาเอกสารรับรอง", "ยื่นเกินกำหนด 90 วันหลังเกิดเหตุ"))
        return ClaimStatus.REJECTED, (submitted, decided, None), reason
    paid = min(decided + timedelta(days=rng.randint(0, 7)), today)
    return ClaimStatus.PAID, (submitted, decided, paid), None


def _amount(ctx: FundContext, p: Person, code: str, on: date) -> Decimal | None:
    """The rule's amount if the member qualifies on that date (the domain decides)."""
    verdict = evaluate(ctx.rules[code], active=True, joined_on=p.joined_on,
                       birth_date=p.birth_date, fund_waiting_days=ctx.fund.waiting_days, on=on)
    return verdict.amount if verdict.status == Eligibility.ELIGIBLE else None


def _hospital(ctx: FundContext, p: Person, event_on: date, nights: int) -> Decimal | None:
    per_night = _amount(ctx, p, "hospital", event_on)
    if per_night is None:
        return None
    rule = ctx.rules["hospital"]
    total = per_night * nights
    return min(total, rule.max_per_event) if rule.max_per_event is not None else total


def _random_claims(ctx: FundContext, p: Person) -> list[Claimed]:
    rng, today = ctx.rng, ctx.today
    window = today - timedelta(days=CLAIM_YEARS * 365)
    out: list[Claimed] = []
    if rng.random() < 0.14:
        event = random_date(rng, window, today - timedelta(days=1))
        nights = rng.randint(1, 6)
        amount = _hospital(ctx, p, event, nights)
        if amount is not None:
            out.append(_claim(ctx, p, "hospital", amount, event, nights=nights))
    age = today.year - p.birth_date.year
    for code, chance, low, high in (("birth", 0.05, 20, 42), ("scholarship", 0.05, 32, 55),
                                    ("disaster", 0.01, 0, 200)):
        if low <= age <= high and rng.random() < chance:
            event = random_date(rng, window, today - timedelta(days=1))
            if code == "scholarship":  # results come at the end of the school year
                event = date(event.year, 3, 31) if date(event.year, 3, 31) < today else event
            amount = _amount(ctx, p, code, event)
            if amount is not None:
                out.append(_claim(ctx, p, code, amount, event))
    out += _elderly_claims(ctx, p)
    return out


def _elderly_claims(ctx: FundContext, p: Person) -> list[Claimed]:
    """The yearly elderly allowance, paid at the fund's Elderly Day (13 April) event."""
    out = []
    for year in range(ctx.today.year - CLAIM_YEARS + 1, ctx.today.year + 1):
        day = date(year, 4, 13)
        if day > ctx.today:
            continue
        amount = _amount(ctx, p, "elderly", day)
        if amount is not None:
            out.append(_claim(ctx, p, "elderly", amount, day, status=ClaimStatus.PAID,
                              dates=(day, day, day), note="จ่ายในงานวันผู้สูงอายุ 13 เมษายน"))
    return out


def _death_claim(ctx: FundContext, p: Person) -> list[Claimed]:
    assert p.end_on is not None
    amount = _amount(ctx, p, "death", p.end_on)
    if amount is None or not p.beneficiaries:
        return []
    status, dates, _ = _claim_progress(ctx, p.end_on)
    if status == ClaimStatus.REJECTED:  # a death claim with a beneficiary is not refused
        status, dates = ClaimStatus.APPROVED, (dates[0], dates[1], None)
    name, relation, _share = p.beneficiaries[0]
    return [_claim(ctx, p, "death", amount, p.end_on, status=status, dates=dates,
                   note=f"จ่ายให้ผู้รับผลประโยชน์: {name} ({relation})")]


def _demo_hospital_claim(ctx: FundContext, p: Person) -> Claimed:
    event = ctx.today - timedelta(days=120)
    amount = _hospital(ctx, p, event, 3)
    assert amount is not None, "the demo member qualifies for the hospital benefit"
    dates = (event + timedelta(days=3), event + timedelta(days=6), event + timedelta(days=10))
    return _claim(ctx, p, "hospital", amount, event, nights=3, status=ClaimStatus.PAID,
                  dates=dates)
