"""How much to pay now (domain/dues.py pay_now), as pure rules: everything unpaid up to and including
the current month; the least that keeps the membership (one month, less any credit) and its last day,
the day before the membership would end; nothing for months paid ahead, an applicant, a membership
that has ended on the roster, or one the dues record has already ended."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.dues import Standing, dues_status, pay_now

DUES = Decimal(30)
JOINED = date(2026, 1, 10)  # owes from January 2026
ON = date(2026, 11, 29)  # November 2026 is the current month


def plan(total_paid, on: date = ON, *, lapse_after: int = 3, pending: bool = False, ended: bool = False,
         joined_on: date = JOINED):
    dues = dues_status(joined_on=joined_on, total_paid=Decimal(total_paid), dues_per_month=DUES,
                       lapse_after_missed_months=lapse_after, on=on)
    return pay_now(dues, joined_on=joined_on, dues_per_month=DUES, on=on, pending=pending, ended=ended)


def test_only_this_month_due_pays_one_month_and_the_least_is_all_of_it():
    p = plan(30 * 10)  # January .. October
    assert p.standing is Standing.DUE
    assert (p.clear_months, p.clear_baht, p.least_baht) == (1, Decimal(30), Decimal(30))
    assert not p.least_is_less
    assert p.least_by == date(2027, 1, 31)  # November to January unpaid would end it on 1 February


def test_one_month_overdue_pays_two_and_the_least_keeps_it_until_the_end_of_december():
    p = plan(30 * 9)  # through September: October ended unpaid
    assert (p.clear_months, p.clear_baht) == (2, Decimal(60))
    assert p.least_is_less and p.least_baht == Decimal(30)
    assert p.least_by == date(2026, 12, 31)


def test_two_months_overdue_the_last_day_is_the_end_of_this_month():
    p = plan(30 * 8)  # through August: September and October ended unpaid
    assert (p.clear_months, p.clear_baht, p.least_baht) == (3, Decimal(90), Decimal(30))
    assert p.least_by == date(2026, 11, 30)


def test_a_partial_credit_counts_towards_both_amounts():
    p = plan(30 * 8 + 10)  # through August and 10 baht towards September
    assert (p.clear_months, p.clear_baht, p.least_baht) == (3, Decimal(80), Decimal(20))
    assert p.least_by == date(2026, 11, 30)


def test_paying_the_least_moves_the_last_day_a_month_on():
    before, after = plan(30 * 8), plan(30 * 9)
    assert after.least_by == date(2026, 12, 31) and before.least_by == date(2026, 11, 30)


def test_nothing_paid_yet_owes_every_month_since_joining():
    p = plan(0, date(2026, 2, 15))  # joined in January: January ended unpaid, February due
    assert (p.clear_months, p.clear_baht, p.least_baht) == (2, Decimal(60), Decimal(30))
    assert p.least_by == date(2026, 3, 31)


def test_this_month_paid_is_paid_up():
    p = plan(30 * 11)  # through November
    assert p.standing is Standing.PAID_UP
    assert (p.clear_baht, p.least_baht, p.least_by, p.ahead_months) == (0, 0, None, 0)


def test_months_paid_ahead_are_counted():
    p = plan(30 * 14)  # through February 2027
    assert p.standing is Standing.PAID_UP and p.ahead_months == 3 and p.clear_baht == 0


def test_past_the_lapse_limit_there_is_no_amount_that_keeps_it():
    p = plan(30 * 7)  # through July: August to October ended unpaid
    assert p.standing is Standing.LAPSED
    assert (p.clear_baht, p.least_baht, p.least_by) == (0, 0, None)


@pytest.mark.parametrize(("pending", "ended", "standing"), [
    (True, False, Standing.PENDING), (False, True, Standing.ENDED)])
def test_an_applicant_or_an_ended_membership_owes_nothing_payable(pending, ended, standing):
    p = plan(0, pending=pending, ended=ended)  # the record alone would say eleven months
    assert p.standing is standing
    assert (p.clear_months, p.clear_baht, p.least_baht, p.least_by) == (0, 0, 0, None)


def test_a_fund_that_ends_membership_after_two_months():
    p = plan(30 * 9, lapse_after=2)  # through September; October ended unpaid
    assert (p.clear_baht, p.least_baht, p.least_by) == (Decimal(60), Decimal(30), date(2026, 11, 30))


def test_across_the_year_end():
    p = plan(30 * 11, date(2027, 1, 5))  # through November 2026; December ended unpaid
    assert (p.clear_months, p.clear_baht, p.least_by) == (2, Decimal(60), date(2027, 2, 28))
