"""Month arithmetic on plain dates."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(d: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_index(d: date) -> int:
    """Months since year 0, so that consecutive months differ by one."""
    return d.year * 12 + d.month - 1


def month_from_index(index: int) -> tuple[int, int]:
    year, month = divmod(index, 12)
    return year, month + 1


def first_of_month(index: int) -> date:
    year, month = month_from_index(index)
    return date(year, month, 1)


def full_years(start: date, on: date) -> int:
    """Whole years from `start` to `on` (an age, or years of membership)."""
    years = on.year - start.year
    if (on.month, on.day) < (start.month, start.day):
        years -= 1
    return years
