"""Which benefits a member may claim on a date, and from when."""

from __future__ import annotations

import enum
from collections.abc import Iterable
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


# Benefits that protect rather than pay the member: told as cover in force ("คุ้มครองแล้ว"), never
# as something the member can claim now. Rule codes are the fund's own; "death" is the one the
# funds' tables use for the benefit paid to the named beneficiary.
PROTECTION_CODES = frozenset({"death"})


def is_protection(rule: Rule) -> bool:
    return rule.code in PROTECTION_CODES


def used_in_year(claims: Iterable[tuple[date, Decimal]], year: int) -> Decimal:
    """What the claims `(event_on, amount)` whose event falls in calendar `year` add up to."""
    return sum((amount for on, amount in claims if on.year == year), Decimal(0))


@dataclass(frozen=True)
class Allowance:
    """A yearly cap and what is left of it."""

    cap: Decimal
    used: Decimal

    @property
    def left(self) -> Decimal:
        return max(self.cap - self.used, Decimal(0))


def yearly_allowance(rule: Rule, claims: Iterable[tuple[date, Decimal]], year: int) -> Allowance | None:
    """The rule's yearly cap against this member's claims of that year; None without a cap."""
    if rule.max_per_year is None:
        return None
    return Allowance(rule.max_per_year, used_in_year(claims, year))


def shared_wait_start(joined_on: date, fund_waiting_days: int) -> date:
    """The day the fund's own waiting period ends: one date the benefits list tells once."""
    return joined_on + timedelta(days=fund_waiting_days)


def waits_only_for_fund(verdict: Verdict, joined_on: date, fund_waiting_days: int) -> bool:
    """Whether the benefit is not yet available only because of the fund's waiting period."""
    return (verdict.status == Eligibility.FROM_DATE and verdict.reason == "waiting"
            and verdict.from_date == shared_wait_start(joined_on, fund_waiting_days))
