"""A member's contribution record (domain/dues.py) and month arithmetic (domain/dates.py).

Conventions under test (the module docstring of domain/dues.py): dues are owed from the month the member
joined; a month is in arrears once it has ended unpaid; the paid-through month follows from the total
paid (payments less reversals) divided by the monthly dues, a remainder being carried as credit; the
membership lapses on the day after the Nth unpaid month ends.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.dates import add_months, first_of_month, full_years, month_from_index, month_index
from domain.dues import dues_status, last_day_before, months_covered

DUES = Decimal(30)
N = 3  # lapse_after_missed_months of the example rules
JOINED = date(2026, 1, 10)  # owes from January 2026


def status(total_paid, on: date, *, joined_on: date = JOINED, lapse_after: int = N, dues=DUES):
    return dues_status(joined_on=joined_on, total_paid=Decimal(total_paid), dues_per_month=Decimal(dues),
                       lapse_after_missed_months=lapse_after, on=on)


# --- month arithmetic --------------------------------------------------------------------------

@pytest.mark.parametrize(("d", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),   # leap year
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year end
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2027, 1, 15), -1, date(2026, 12, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 1, 10), 0, date(2026, 1, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 1, 1), 120, date(2036, 1, 1)),
])
def test_add_months_clamps_to_the_last_day(d, months, expected):
    assert add_months(d, months) == expected


def test_month_index_is_consecutive_across_the_year_end():
    assert month_index(date(2027, 1, 1)) - month_index(date(2026, 12, 31)) == 1
    assert month_from_index(month_index(date(2026, 12, 5))) == (2026, 12)
    assert month_from_index(month_index(date(2026, 12, 5)) + 1) == (2027, 1)
    assert first_of_month(month_index(date(2026, 12, 5)) + 1) == date(2027, 1, 1)


@pytest.mark.parametrize(("start", "on", "years"), [
    (date(1966, 1, 15), date(2026, 1, 14), 59),
    (date(1966, 1, 15), date(2026, 1, 15), 60),
    (date(1966, 1, 15), date(2026, 12, 31), 60),
    (date(2026, 1, 15), date(2026, 1, 15), 0),
    (date(2024, 2, 29), date(2025, 2, 27), 0),
    # A 29 February anniversary falls on 28 February in common years, as add_months clamps it.
    (date(2024, 2, 29), date(2025, 2, 28), 1),
    (date(2024, 2, 29), date(2028, 2, 28), 3),
    (date(2024, 2, 29), date(2028, 2, 29), 4),
])
def test_full_years(start, on, years):
    assert full_years(start, on) == years


@pytest.mark.parametrize("start", [date(2024, 2, 29), date(2023, 8, 31), date(1966, 1, 15),
                                   date(2025, 12, 31)])
def test_full_years_agrees_with_add_months(start):
    for n in range(0, 9):
        anniversary = add_months(start, 12 * n)
        assert full_years(start, anniversary) == n
        if n:
            assert full_years(start, last_day_before(anniversary)) == n - 1


# --- months covered, paid-through month, credit --------------------------------------------------

@pytest.mark.parametrize(("amount", "months"), [
    (0, 0), (29, 0), (30, 1), (59, 1), (60, 2), (360, 12), (Decimal("89.99"), 2), (-30, -1), (-10, -1),
])
def test_months_covered(amount, months):
    assert months_covered(Decimal(amount), DUES) == months


def test_months_covered_with_no_dues_is_zero():
    assert months_covered(Decimal(100), Decimal(0)) == 0


@pytest.mark.parametrize(("total", "paid_through", "months_paid", "credit"), [
    (30, (2026, 1), 1, 0),
    (90, (2026, 3), 3, 0),
    (100, (2026, 3), 3, 10),     # a partial payment is carried as credit
    (360, (2026, 12), 12, 0),
    (390, (2027, 1), 13, 0),     # December → January
    (29, None, 0, 29),           # not even the first month
    (0, None, 0, 0),
])
def test_paid_through_from_total_and_joined_month(total, paid_through, months_paid, credit):
    s = status(total, on=date(2026, 1, 20))
    assert s.paid_through == paid_through
    assert s.months_paid == months_paid
    assert s.credit == Decimal(credit)
    assert s.total_paid == Decimal(total)


def test_paid_through_depends_on_the_joined_month_not_the_day():
    assert status(60, on=date(2026, 1, 20), joined_on=date(2026, 1, 31)).paid_through == (2026, 2)
    assert status(60, on=date(2026, 1, 20), joined_on=date(2025, 12, 1)).paid_through == (2026, 1)


def test_two_partial_payments_add_up_to_a_month():
    first = status(20, on=date(2026, 1, 20))
    assert first.paid_through is None and first.credit == 20 and first.due_this_month
    both = status(20 + 10, on=date(2026, 1, 20))
    assert both.paid_through == (2026, 1) and both.credit == 0 and not both.due_this_month


def test_reversal_reduces_the_total():
    # Paid 3 months (90), then a 30-baht entry was reversed (-30): paid through February only.
    assert status(Decimal(90), on=date(2026, 3, 5)).paid_through == (2026, 3)
    s = status(sum([Decimal(30), Decimal(30), Decimal(30), Decimal(-30)]), on=date(2026, 3, 5))
    assert s.paid_through == (2026, 2)
    assert s.months_paid == 2
    assert s.due_this_month


def test_reversal_of_everything_leaves_nothing_paid():
    s = status(Decimal(30) - Decimal(30), on=date(2026, 2, 5))
    assert s.paid_through is None
    assert s.months_paid == 0
    assert s.arrears_months == 1


def test_more_reversed_than_paid_counts_as_nothing_paid():
    s = status(-30, on=date(2026, 2, 5))
    assert s.months_paid == 0
    assert s.paid_through is None
    assert s.credit == 0
    assert s.arrears_months == 1
    assert s.total_paid == Decimal(-30)  # reported as is, so a committee can see the ledger is off


# --- arrears ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "on", "arrears", "due_now"), [
    # Nothing paid, joined in January 2026.
    (0, date(2026, 1, 1), 0, True),      # January is due, not yet late
    (0, date(2026, 1, 31), 0, True),     # the last day of the month is still on time
    (0, date(2026, 2, 1), 1, True),      # January has ended unpaid
    (0, date(2026, 3, 15), 2, True),
    # Paid through January.
    (30, date(2026, 1, 31), 0, False),
    (30, date(2026, 2, 1), 0, True),
    (30, date(2026, 2, 28), 0, True),
    (30, date(2026, 3, 1), 1, True),
    (30, date(2026, 4, 1), 2, True),
    # Paid through December 2026: the year end.
    (360, date(2026, 12, 31), 0, False),
    (360, date(2027, 1, 1), 0, True),
    (360, date(2027, 2, 1), 1, True),
    # Paid months ahead.
    (360, date(2026, 3, 10), 0, False),
])
def test_arrears_months_and_due_this_month(total, on, arrears, due_now):
    s = status(total, on)
    assert s.arrears_months == arrears
    assert s.arrears_baht == DUES * arrears
    assert s.due_this_month is due_now


def test_arrears_baht_follows_the_funds_dues():
    s = status(0, date(2026, 4, 1), dues=50)
    assert s.arrears_months == 3
    assert s.arrears_baht == Decimal(150)


def test_arrears_baht_is_what_brings_the_member_up_to_date():
    # Paid 40 (January + 10 credit), now March: February is in arrears, and 20 baht settle it.
    s = status(40, date(2026, 3, 5))
    assert s.arrears_months == 1
    assert s.arrears_baht == Decimal(20)
    assert s.credit == Decimal(10)


def test_member_who_joined_in_the_future_owes_nothing_yet():
    s = status(0, date(2026, 1, 20), joined_on=date(2026, 3, 1))
    assert s.arrears_months == 0
    assert s.due_this_month is False
    assert s.lapse_on is None
    assert not s.lapsed


# --- lapse -----------------------------------------------------------------------------------------

def test_nothing_paid_at_all():
    # Joined January 2026, never paid: January, February and March unpaid; lapses on 1 April 2026.
    s = status(0, date(2026, 1, 10))
    assert s.paid_through is None
    assert s.lapse_on == date(2026, 4, 1)
    assert not s.lapsed
    assert not s.lapse_warning
    s = status(0, date(2026, 3, 31))
    assert s.arrears_months == 2 and s.lapse_warning and not s.lapsed
    s = status(0, date(2026, 4, 1))
    assert s.arrears_months == 3 and s.lapsed and not s.lapse_warning


@pytest.mark.parametrize(("total", "lapse_on"), [
    (30, date(2026, 5, 1)),       # paid through January: February, March, April unpaid
    (90, date(2026, 7, 1)),       # through March
    (300, date(2027, 2, 1)),      # through October: November, December, January unpaid
    (330, date(2027, 3, 1)),      # through November
    (360, date(2027, 4, 1)),      # through December
])
def test_lapse_date_is_the_day_after_the_nth_unpaid_month_ends(total, lapse_on):
    paid_through = status(total, JOINED).paid_through
    assert paid_through is not None
    after_paid = add_months(date(*paid_through, 1), 1)
    s = status(total, after_paid)
    assert s.lapse_on == lapse_on
    # The day before the lapse date is the last day of the Nth unpaid month.
    nth_month = add_months(after_paid, N - 1)
    assert lapse_on.day == 1
    last_day = last_day_before(lapse_on)
    assert (last_day.year, last_day.month) == (nth_month.year, nth_month.month)


@pytest.mark.parametrize("total", [0, 30, 300, 330, 360])
def test_lapsed_on_exactly_the_lapse_date_and_not_the_day_before(total):
    lapse_on = status(total, date(2028, 1, 1)).lapse_on
    assert lapse_on is not None
    before = status(total, last_day_before(lapse_on))
    on = status(total, lapse_on)
    assert not before.lapsed
    assert before.lapse_warning
    assert before.arrears_months == N - 1
    assert on.lapsed
    assert not on.lapse_warning
    assert on.arrears_months == N
    assert on.lapse_on == before.lapse_on == lapse_on


@pytest.mark.parametrize(("on", "arrears", "warning", "lapsed"), [
    # Paid through January 2026; N = 3.
    (date(2026, 2, 1), 0, False, False),
    (date(2026, 2, 28), 0, False, False),
    (date(2026, 3, 1), 1, False, False),
    (date(2026, 3, 31), 1, False, False),
    (date(2026, 4, 1), 2, True, False),     # exactly N-1 months overdue: one more missed month ends it
    (date(2026, 4, 30), 2, True, False),
    (date(2026, 5, 1), 3, False, True),
    (date(2027, 1, 1), 11, False, True),
])
def test_lapse_warning_edge(on, arrears, warning, lapsed):
    s = status(30, on)
    assert s.arrears_months == arrears
    assert s.lapse_warning is warning
    assert s.lapsed is lapsed
    assert s.lapse_on == date(2026, 5, 1)


@pytest.mark.parametrize(("lapse_after", "lapse_on", "warn_from"), [
    (1, date(2026, 3, 1), date(2026, 2, 1)),
    (2, date(2026, 4, 1), date(2026, 3, 1)),
    (6, date(2026, 8, 1), date(2026, 7, 1)),
])
def test_lapse_follows_the_funds_number_of_months(lapse_after, lapse_on, warn_from):
    assert status(30, date(2026, 2, 1), lapse_after=lapse_after).lapse_on == lapse_on
    assert status(30, last_day_before(warn_from), lapse_after=lapse_after).lapse_warning is False
    assert status(30, warn_from, lapse_after=lapse_after).lapse_warning is True
    assert status(30, last_day_before(lapse_on), lapse_after=lapse_after).lapsed is False
    assert status(30, lapse_on, lapse_after=lapse_after).lapsed is True


@pytest.mark.parametrize("on", [date(2026, 1, 15), date(2026, 6, 30), date(2026, 12, 31)])
def test_paid_months_ahead_has_no_lapse_date(on):
    s = status(360, on)  # through December 2026
    assert s.paid_through == (2026, 12)
    assert s.arrears_months == 0
    assert s.arrears_baht == 0
    assert not s.due_this_month
    assert s.lapse_on is None
    assert not s.lapsed
    assert not s.lapse_warning


def test_paying_the_arrears_moves_the_lapse_date():
    before = status(30, date(2026, 4, 10))
    assert before.lapse_warning and before.lapse_on == date(2026, 5, 1)
    after = status(30 + 60, date(2026, 4, 10))  # pays February and March
    assert after.arrears_months == 0
    assert after.due_this_month
    assert after.lapse_on == date(2026, 7, 1)
    assert not after.lapse_warning
