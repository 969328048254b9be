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
    """Whole years from `start` to `on` (an age, or years of membership).

    The nth anniversary is `add_months(start, 12 * n)`, the same date the benefit rules use, so a
    29 February start has its anniversary on 28 February in common years.
    """
    years = on.year - start.year
    if add_months(start, 12 * years) > on:
        years -= 1
    return years
