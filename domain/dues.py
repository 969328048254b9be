"""A member's contribution record: paid-through month, arrears, lapse.

Dues are owed from the month the member joined. Each month's dues fall due within that month, so a
month is *in arrears* once it has ended unpaid. The paid-through month follows from the total paid
(payments less reversals) divided by the monthly dues, so a partial payment is carried as credit.

`pay_now` says what paying now means: every unpaid month up to and including the current one, and
the least that keeps the membership (one month, less credit: it moves the lapse day a month on) by the
day before the membership would end.
"""

from __future__ import annotations

import enum
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


class Standing(enum.StrEnum):
    """What a member can do about paying now."""

    PENDING = "pending"  # an applicant: nothing is owed before the committee approves
    ENDED = "ended"  # lapsed, resigned or deceased on the roster: paying would not bring it back
    LAPSED = "lapsed"  # active on the roster, but the dues record has passed the lapse limit
    PAID_UP = "paid_up"  # this month (and maybe more) is paid: nothing to pay now
    DUE = "due"  # this month, and perhaps ended months before it, are unpaid


@dataclass(frozen=True)
class PayNow:
    """How much to pay now: all of it, and the least that keeps the membership."""

    standing: Standing
    clear_months: int  # the unpaid months up to and including the current one
    clear_baht: Decimal  # what pays them all (a partial credit already counts towards it)
    least_baht: Decimal  # the least that moves the lapse day a month on: one month less credit
    least_by: date | None  # the last day to pay `least_baht`; the day before the membership ends
    ahead_months: int  # months paid beyond the current one

    @property
    def least_is_less(self) -> bool:
        """Whether the least differs from paying everything (it does once a month has ended unpaid)."""
        return self.standing is Standing.DUE and self.least_baht < self.clear_baht


def pay_now(dues: DuesStatus, *, joined_on: date, dues_per_month: Decimal, on: date,
            pending: bool = False, ended: bool = False) -> PayNow:
    """What paying now means for a member whose record is `dues` on the day `on`.

    `pending` is an applicant, `ended` a membership the roster has ended: neither owes anything
    payable now. Otherwise the months from the one after the paid-through month up to the current
    one are due; paying a single month moves the lapse day a month later, so that is the least.
    """
    zero = Decimal(0)
    if pending or ended:
        return PayNow(Standing.PENDING if pending else Standing.ENDED, 0, zero, zero, None, 0)
    last_paid = month_index(joined_on) + dues.months_paid - 1
    current = month_index(on)
    ahead = max(last_paid - current, 0)
    if dues.lapsed:
        return PayNow(Standing.LAPSED, 0, zero, zero, None, 0)
    if last_paid >= current:
        return PayNow(Standing.PAID_UP, 0, zero, zero, None, ahead)
    months = current - last_paid
    credit = max(dues.credit, zero)
    clear = max(dues_per_month * months - credit, zero)
    least = min(max(dues_per_month - credit, zero), clear)
    least_by = last_day_before(dues.lapse_on) if dues.lapse_on else None
    return PayNow(Standing.DUE, months, clear, least, least_by, 0)
