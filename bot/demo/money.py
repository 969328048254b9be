"""The money of a demo fund: each member's dues history (the ledger dues_status reads), the matching
income and donations the fund received, and its running costs."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import insert

from bot.demo.context import (
    CLAIM_YEARS,
    HISTORY_MONTHS,
    RECORDED_BY,
    SEED,
    FundContext,
    month_end,
    month_start,
    random_date,
)
from bot.demo.people import Person
from domain.dates import first_of_month, month_index
from domain.thai import BE_OFFSET
from models import ExpenseKind, FundExpense, FundIncome, IncomeSource, MemberStatus, Payment

# --- dues ----------------------------------------------------------------------------------------

def insert_payments(ctx: FundContext, people: list[Person]) -> tuple[int, dict[int, Decimal]]:
    """Every member's payments; returns how many, and the dues received in each calendar year."""
    rows: list[dict[str, Any]] = []
    dues_by_year: dict[int, Decimal] = defaultdict(Decimal)
    dues = ctx.fund.dues_per_month
    for p in people:
        rng = random.Random(f"{SEED}:demo:{p.demo.key}") if p.demo else ctx.rng
        for start, end, paid_on in _payment_plan(ctx, p, rng):
            months = end - start + 1
            rows.append({"member_id": p.id, "amount": dues * months, "months_covered": months,
                         "paid_on": paid_on, "recorded_by": RECORDED_BY, "reverses_id": None,
                         "note": None, "created_at": ctx.now})
            dues_by_year[paid_on.year] += dues * months
    if rows:
        ctx.session.execute(insert(Payment.__table__), rows)
    return len(rows), dues_by_year


def _payment_plan(ctx: FundContext, p: Person, rng: random.Random) -> list[tuple[int, int, date]]:
    """Consecutive (first month, last month, paid on) entries of 1-12 months each, from the
    month of joining to the paid-through month; their total is what dues_status reads."""
    first = month_index(p.joined_on)
    if p.last_paid is None or p.last_paid < first:
        return []
    limit = min(ctx.today, p.end_on or ctx.today)
    chunks = _chunks(rng, first, p.last_paid, ctx.current, p.habit, ctx.current - HISTORY_MONTHS)
    plan, previous = [], first
    for start, end in chunks:
        paid_month = start
        if p.habit == 0 and start >= ctx.current - HISTORY_MONTHS:
            paid_month += rng.choice((0, 0, 1, 2))  # irregular payers are sometimes late
        paid_month = max(previous, min(paid_month, month_index(limit)))
        previous = paid_month
        plan.append((start, end, _paid_on(ctx, rng, paid_month, p.joined_on, limit)))
    return plan


def _chunks(rng: random.Random, first: int, last: int, current: int, habit: int,
            history_from: int) -> list[tuple[int, int]]:
    """Split months first..last into payments of 1-12 months. Before `history_from` one entry per
    calendar year (as a paper book would be typed in); a payment ahead is made by the current month."""
    tail = None
    end = last
    if last > current:
        start = rng.randint(max(first, last - 11), current)
        tail, end = (start, last), start - 1
    chunks = []
    month = first
    while month <= end:
        if month < history_from:
            size = 12 - month % 12  # to December
        elif habit == 0:
            size = rng.randint(1, 4)
        else:
            size = habit
        chunk_end = min(month + size - 1, end)
        chunks.append((month, chunk_end))
        month = chunk_end + 1
    if tail:
        chunks.append(tail)
    return chunks


def _paid_on(ctx: FundContext, rng: random.Random, month: int, joined_on: date, limit: date) -> date:
    """Mostly the fund's meeting day (dues are collected in cash there), within bounds."""
    start = month_start(month)
    lo = max(start, joined_on)
    hi = min(month_end(month), limit)
    meeting = start.replace(day=ctx.meeting_day)
    if lo <= meeting <= hi and rng.random() < 0.65:
        return meeting
    return random_date(rng, lo, hi)


# --- the fund's other money ----------------------------------------------------------------------

def insert_income(ctx: FundContext, dues_by_year: dict[int, Decimal]) -> None:
    """Matching from CODI and the local government, paid on the previous year's dues, plus an
    occasional merit-making donation; shares near the seed's national figures (65/24/3)."""
    rng, today = ctx.rng, ctx.today
    codi_ratio = Decimal(str(round(rng.uniform(0.25, 0.5), 2)))
    local_ratio = Decimal(str(round(rng.uniform(0.03, 0.2), 2)))
    rows = []
    years = sorted(dues_by_year)
    for year in range(years[0] + 1 if years else today.year + 1, today.year + 1):
        base = dues_by_year.get(year - 1, Decimal(0))
        be = year - 1 + BE_OFFSET
        for source, ratio, on, text in (
            (IncomeSource.LOCAL_GOVERNMENT, local_ratio, date(year, 2, 10),
             f"เงินสมทบจาก{ctx.fund.name_th} ตามยอดเงินสัจจะปี {be}"),
            (IncomeSource.CODI, codi_ratio, date(year, 6, 15),
             f"เงินสมทบจากรัฐบาลผ่าน พอช. (สถาบันพัฒนาองค์กรชุมชน) ตามยอดเงินสัจจะปี {be}"),
        ):
            amount = _round_to(base * ratio, 100)
            if on <= today and amount > 0:
                rows.append(_income(ctx, source, amount, on, text))
        donation_on = date(year, 11, rng.randint(1, 28))
        if rng.random() < 0.35 and donation_on <= today:
            rows.append(_income(ctx, IncomeSource.OTHER, Decimal(rng.randrange(5000, 40001, 500)),
                                donation_on, "เงินบริจาคจากงานทอดผ้าป่าสามัคคีเพื่อกองทุน"))
    if rows:
        ctx.session.execute(insert(FundIncome.__table__), rows)


def _round_to(value: Decimal, step: int) -> Decimal:
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _income(ctx: FundContext, source: IncomeSource, amount: Decimal, on: date,
            text: str) -> dict[str, Any]:
    return {"fund_id": ctx.fund.id, "source": source, "amount": amount, "received_on": on,
            "description": text, "recorded_by": RECORDED_BY}


def insert_costs(ctx: FundContext, people: list[Person]) -> None:
    """Small running costs: meeting refreshments, stationery, the annual meeting, wreaths."""
    rng = ctx.rng
    rows = []
    for index in range(ctx.current - CLAIM_YEARS * 12, ctx.current + 1):
        meeting = first_of_month(index).replace(day=ctx.meeting_day)
        if meeting > ctx.today:
            continue
        rows.append(_cost(ctx, Decimal(rng.randrange(300, 1201, 10)), meeting,
                          "ค่าอาหารว่างและเครื่องดื่ม ประชุมประจำเดือน"))
        if meeting.month % 3 == 0:
            rows.append(_cost(ctx, Decimal(rng.randrange(200, 901, 10)), meeting,
                              "ค่าเครื่องเขียนและถ่ายเอกสาร"))
        if meeting.month == 3:
            rows.append(_cost(ctx, Decimal(rng.randrange(3000, 12001, 100)), meeting,
                              "ค่าจัดประชุมใหญ่สามัญประจำปี"))
    for p in people:
        if p.status == MemberStatus.DECEASED and p.end_on:
            rows.append(_cost(ctx, Decimal(rng.choice((500, 700, 1000))),
                              min(p.end_on + timedelta(days=2), ctx.today),
                              f"ค่าพวงหรีดงานศพสมาชิกเลขที่ {p.member_no}"))
    if rows:
        ctx.session.execute(insert(FundExpense.__table__), rows)


def _cost(ctx: FundContext, amount: Decimal, on: date, text: str) -> dict[str, Any]:
    return {"fund_id": ctx.fund.id, "kind": ExpenseKind.COST, "amount": amount, "spent_on": on,
            "claim_id": None, "description": text, "recorded_by": RECORDED_BY}
