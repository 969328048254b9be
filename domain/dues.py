"""A member's contribution record: paid-through month, arrears, lapse.

Dues are owed from the month the member joined. Each month's dues fall due within that month, so a
month is *in arrears* once it has ended unpaid. The paid-through month follows from the total paid
(payments less reversals) divided by the monthly dues, so a partial payment is carried as credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from domain.dates import first_of_month, month_from_index, month_index


@dataclass(frozen=True)
class DuesStatus:
    total_paid: Decimal
    months_paid: int
    paid_through: tuple[int, int] | None  # (year, month); None when not even the first month is paid
    credit: Decimal  # paid beyond whole months
    arrears_months: int  # ended months left unpaid
    arrears_baht: Decimal
    due_this_month: bool  # the current month is not yet paid (and not yet late)
    lapse_on: date | None  # the day membership ends if nothing is paid; None when paid up
    lapsed: bool
    lapse_warning: bool  # one more missed month ends the membership


def months_covered(amount: Decimal, dues_per_month: Decimal) -> int:
    if dues_per_month <= 0:
        return 0
    return int((amount / dues_per_month).to_integral_value(rounding=ROUND_FLOOR))


def dues_status(
    *,
    joined_on: date,
    total_paid: Decimal,
    dues_per_month: Decimal,
    lapse_after_missed_months: int,
    on: date,
) -> DuesStatus:
    months_paid = max(months_covered(total_paid, dues_per_month), 0)
    credit = total_paid - dues_per_month * months_paid if months_paid else max(total_paid, Decimal(0))
    first = month_index(joined_on)
    last_paid = first + months_paid - 1  # index of the paid-through month
    current = month_index(on)
    arrears = max(current - 1 - last_paid, 0)
    due_now = last_paid < current
    lapse_on = None
    if due_now:
        # The membership ends when the Nth unpaid month ends (N = lapse_after_missed_months).
        lapse_on = first_of_month(last_paid + lapse_after_missed_months + 1)
    lapsed = lapse_on is not None and on >= lapse_on
    return DuesStatus(
        total_paid=total_paid,
        months_paid=months_paid,
        paid_through=month_from_index(last_paid) if months_paid else None,
        credit=credit,
        arrears_months=arrears,
        # What brings the member up to date: a partial credit already counts towards it.
        arrears_baht=max(dues_per_month * arrears - credit, Decimal(0)) if arrears else Decimal(0),
        due_this_month=due_now,
        lapse_on=lapse_on,
        lapsed=lapsed,
        lapse_warning=(not lapsed) and lapse_on is not None and arrears >= lapse_after_missed_months - 1,
    )


def last_day_before(d: date) -> date:
    return d - timedelta(days=1)
