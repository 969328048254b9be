"""Pure rules of domain/benefits.py the benefits answers rest on: the yearly allowance left, which
benefits are cover rather than a claim, and waiting only for the fund's own period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.benefits import (
    Allowance,
    Eligibility,
    Rule,
    Verdict,
    is_protection,
    shared_wait_start,
    used_in_year,
    waits_only_for_fund,
    yearly_allowance,
)

HOSPITAL = Rule(code="hospital", amount=Decimal(200), per="night", max_per_event=Decimal(600),
                max_per_year=Decimal(1000))
BIRTH = Rule(code="birth", amount=Decimal(1000))


def test_used_in_year_counts_only_that_calendar_year():
    claims = [(date(2026, 1, 1), Decimal(200)), (date(2026, 12, 31), Decimal(400)),
              (date(2025, 12, 31), Decimal(600)), (date(2027, 1, 1), Decimal(50))]
    assert used_in_year(claims, 2026) == Decimal(600)
    assert used_in_year([], 2026) == Decimal(0)


def test_600_used_of_1000_leaves_400():
    allowance = yearly_allowance(HOSPITAL, [(date(2026, 6, 3), Decimal(600))], 2026)
    assert allowance == Allowance(Decimal(1000), Decimal(600))
    assert allowance.left == Decimal(400)


def test_more_used_than_the_cap_leaves_nothing_not_a_debt():
    assert Allowance(Decimal(1000), Decimal(1200)).left == Decimal(0)


def test_no_yearly_cap_no_allowance():
    assert yearly_allowance(BIRTH, [(date(2026, 6, 3), Decimal(1000))], 2026) is None


def test_death_is_cover_other_benefits_are_claims():
    assert is_protection(Rule(code="death", amount=None))
    assert not is_protection(BIRTH) and not is_protection(HOSPITAL)


def test_waiting_only_for_the_funds_period():
    joined = date(2026, 9, 1)
    ends = shared_wait_start(joined, 180)
    assert ends == date(2027, 2, 28)
    assert waits_only_for_fund(Verdict(Eligibility.FROM_DATE, from_date=ends, reason="waiting"), joined, 180)
    # A benefit with its own longer wait, or another reason, says its own date.
    longer = Verdict(Eligibility.FROM_DATE, from_date=shared_wait_start(joined, 365), reason="waiting")
    assert not waits_only_for_fund(longer, joined, 180)
    assert not waits_only_for_fund(Verdict(Eligibility.FROM_DATE, from_date=ends, reason="age"), joined, 180)
    assert not waits_only_for_fund(Verdict(Eligibility.ELIGIBLE), joined, 180)
