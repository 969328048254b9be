"""A moment as a member reads it in a notice: today's time, or a date in the reader's language."""

from __future__ import annotations

from datetime import datetime

from domain.thai import format_date
from locales import translate


def when(locale: str, until: datetime, now: datetime) -> str:
    """"from 16:00" today, or "from 30 November 2569 at 00:05": in the time zone of `now` (the fund's)."""
    local = until.astimezone(now.tzinfo)
    time = local.strftime("%H:%M")
    if local.date() == now.astimezone(now.tzinfo).date():
        return translate(locale, "register.when_today", time=time)
    return translate(locale, "register.when_date", date=format_date(local.date(), locale), time=time)
