"""What every step of seeding one demo fund shares: the fixed seed, the fund and its day, the fund's
random generator and rules, and small date helpers."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain.benefits import Rule, Tier
from domain.dates import first_of_month, month_index
from models import Fund

BANGKOK = ZoneInfo("Asia/Bangkok")
SEED = "kongtun-phuket-2016"  # fixed: the same `today` must always give the same demo
RECORDED_BY = "demo-seed"
HISTORY_MONTHS = 24  # recent months recorded entry by entry; older dues as one entry per year
CLAIM_YEARS = 3  # benefit claims, costs and meetings over the last three years
YEARS_OF_MEMBERS = 12  # the oldest synthetic members joined about twelve years ago


def rules_by_code(fund: Fund) -> dict[str, Rule]:
    """The fund's benefit rules as domain values, by benefit code."""
    return {
        r.code: Rule(
            code=r.code, amount=r.amount, per=r.per, max_per_event=r.max_per_event,
            max_per_year=r.max_per_year, min_age=r.min_age, max_age=r.max_age,
            min_years=r.min_years, waiting_days=r.waiting_days,
            tiers=tuple(Tier(t.min_years, t.amount) for t in r.tiers),
        )
        for r in fund.benefits
    }


@dataclass
class FundContext:
    """One fund being seeded. Every step draws from the one `rng`, in a fixed order, so the same
    day gives the same fund."""

    session: Session
    fund: Fund
    id_key: str
    today: date
    now: datetime
    used_ids: set[str]  # national IDs already given out, in every fund
    rng: random.Random = field(init=False)
    current: int = field(init=False)  # this month, as a domain.dates month index
    meeting_day: int = field(init=False)  # the fund's monthly meeting day, when dues are collected
    rules: dict[str, Rule] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{SEED}:{self.fund.code}")
        self.current = month_index(self.today)
        self.meeting_day = self.rng.choice((5, 7, 10, 15, 20, 25))
        self.rules = rules_by_code(self.fund)


def random_date(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


@cache
def month_start(index: int) -> date:
    return first_of_month(index)


@cache
def month_end(index: int) -> date:
    start = first_of_month(index)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])
