"""Which benefits a member may claim on a date, and from when."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.dates import add_months, full_years


class Eligibility(enum.StrEnum):
    ELIGIBLE = "eligible"
    FROM_DATE = "from_date"  # will be eligible on `from_date` if the membership stays in good standing
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Tier:
    min_years: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Rule:
    """A benefit rule as plain data (built from `models.BenefitRule`)."""

    code: str
    amount: Decimal | None
    per: str = "event"
    max_per_event: Decimal | None = None
    max_per_year: Decimal | None = None
    min_age: int | None = None
    max_age: int | None = None
    min_years: Decimal | None = None
    waiting_days: int | None = None
    tiers: tuple[Tier, ...] = ()


@dataclass(frozen=True)
class Verdict:
    status: Eligibility
    from_date: date | None = None
    amount: Decimal | None = None  # the amount that applies now (or from `from_date`)
    reason: str | None = None  # a locale key suffix: not_member, waiting, age, too_old, years
    next_tier_on: date | None = None
    next_tier_amount: Decimal | None = None


def years_to_date(start: date, years: Decimal) -> date:
    """The date `years` of membership are reached (0.5 years is six months)."""
    return add_months(start, int((years * 12).to_integral_value()))


def tier_amount(rule: Rule, joined_on: date, on: date) -> Decimal | None:
    amount = None
    for tier in sorted(rule.tiers, key=lambda t: t.min_years):
        if years_to_date(joined_on, tier.min_years) <= on:
            amount = tier.amount
    return amount


def evaluate(
    rule: Rule,
    *,
    active: bool,
    lapsed: bool = False,
    joined_on: date,
    birth_date: date,
    fund_waiting_days: int,
    on: date,
) -> Verdict:
    """What `rule` means for a member on `on`.

    `active` is the roster's status; `lapsed` says the dues record has ended the membership (too
    many unpaid months) before the committee has marked it: then nothing can be claimed either.
    """
    if lapsed:
        return Verdict(Eligibility.NOT_APPLICABLE, reason="lapsed")
    if not active:
        return Verdict(Eligibility.NOT_APPLICABLE, reason="not_member")
    if rule.max_age is not None and full_years(birth_date, on) > rule.max_age:
        return Verdict(Eligibility.NOT_APPLICABLE, reason="too_old")

    # Each condition gives the date it is met; the benefit starts when the last one is.
    waiting = rule.waiting_days if rule.waiting_days is not None else fund_waiting_days
    starts: list[tuple[date, str]] = [(joined_on + timedelta(days=waiting), "waiting")]
    if rule.min_years is not None:
        starts.append((years_to_date(joined_on, rule.min_years), "years"))
    if rule.min_age is not None:
        starts.append((add_months(birth_date, 12 * rule.min_age), "age"))
    if rule.tiers:
        lowest = min(t.min_years for t in rule.tiers)
        starts.append((years_to_date(joined_on, lowest), "years"))
    from_date, reason = max(starts, key=lambda s: s[0])
    if rule.max_age is not None and from_date > on and full_years(birth_date, from_date) > rule.max_age:
        # The other conditions are met only after the member has passed the age limit: never eligible.
        return Verdict(Eligibility.NOT_APPLICABLE, reason="too_old")

    when = max(from_date, on)
    amount = tier_amount(rule, joined_on, when) if rule.tiers else rule.amount
    next_on = next_amount = None
    for tier in sorted(rule.tiers, key=lambda t: t.min_years):
        reached = years_to_date(joined_on, tier.min_years)
        if reached > when:
            next_on, next_amount = reached, tier.amount
            break
    if from_date <= on:
        return Verdict(Eligibility.ELIGIBLE, amount=amount, next_tier_on=next_on,
                       next_tier_amount=next_amount)
    return Verdict(Eligibility.FROM_DATE, from_date=from_date, amount=amount, reason=reason,
                   next_tier_on=next_on, next_tier_amount=next_amount)
