"""Small pieces the notices share: a moment as a member reads it, and a channel's name."""

from __future__ import annotations

from datetime import datetime

from domain.thai import format_date
from locales import DEFAULT_LOCALE, translate
from locales import channel_name as _channel_name


def channel_name(channel: str, locale: str = DEFAULT_LOCALE) -> str:
    """The channel's name in `locale` (the names are in the locales, `common.channel_*`)."""
    return _channel_name(locale, channel)


def when(locale: str, until: datetime, now: datetime) -> str:
    """"from 16:00" today, or "from 30 November 2569 at 00:05": in the time zone of `now` (the fund's)."""
    local = until.astimezone(now.tzinfo)
    time = local.strftime("%H:%M")
    if local.date() == now.astimezone(now.tzinfo).date():
        return translate(locale, "register.when_today", time=time)
    return translate(locale, "register.when_date", date=format_date(local.date(), locale), time=time)
