"""What an announcement will do, before anyone confirms it: the message as members will see it, how
many get it on each channel and how many cannot be reached, what it costs in LINE quota against what
is left this month, and what will wait (beyond the quota, or for quiet hours to end).

Pure reading, no writes. The figures follow the dispatcher's rules (services may not import the
scheduler, so the few lines that read its settings are repeated here, and tested against it):
one LINE unit per recipient (an announcement is one message object; a multicast costs as many units
as it has recipients); LINE_QUOTA_RESERVE is kept back for urgent notices, never for announcements;
nothing is pushed inside KONGTUN_QUIET_HOURS, what falls there waits for its end.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import Announcement, ChatAccount, Member, SendPace
from services import announcements
from services.recipients import CHANNEL_ORDER

LINE_MONTH = ZoneInfo("Asia/Tokyo")  # LINE's month starts at midnight Japan time


@dataclass(frozen=True)
class Preview:
    messages: list[dict]  # serialised replies, exactly as a member in the asker's language gets them
    audience: int  # members it is for (active, not opted out of announcements)
    line: int
    telegram: int
    simulator: int
    quota_known: bool  # a dispatcher has read the LINE quota at least once
    quota_limit: int | None  # None: unlimited (or unknown)
    quota_left: int | None  # units left this month; None: unlimited (or unknown)
    reserve: int  # units kept back for urgent notices
    line_now: int  # LINE recipients the quota carries now
    line_held: int  # LINE recipients held for next month's quota (or a Telegram chat they have)
    quiet_until: datetime | None  # the send moment is in quiet hours: it waits until then

    @property
    def reachable(self) -> int:
        return self.line + self.telegram + self.simulator

    @property
    def unreachable(self) -> int:
        """In the audience, but with no chat the bot can write to (never linked, or blocked it)."""
        return self.audience - self.reachable

    @property
    def line_units(self) -> int:
        return self.line


def reserve_units(setting: str, limit: int | None) -> int:
    """LINE_QUOTA_RESERVE as units, as scheduler.quota.reserve_units reads it ("10%" or "30")."""
    text = (setting or "").strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text)
    if match:
        return 0 if limit is None else math.ceil(limit * float(match.group(1)) / 100)
    return int(text) if text.isdigit() else 0


def quiet_until(local: datetime, setting: str) -> datetime | None:
    """The end of the quiet hours `local` falls in ("21:00-08:00"; "off"), as scheduler.clock.QuietHours
    reads them; None outside them."""
    text = (setting or "").strip().lower()
    if text in ("", "off", "none"):
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        return None
    now = local.timetz().replace(tzinfo=None)
    inside = start <= now < end if start <= end else (now >= start or now < end)
    if not inside:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return until if until > local else until + timedelta(days=1)


def line_quota(session: Session, now: datetime) -> tuple[int | None, int] | None:
    """(limit, used this month) as the dispatchers last saw it (scheduler.quota_memory's numbers:
    LINE's own count, or the dispatchers' shared counter when it is ahead); None if never read."""
    names = ("quota:line:limit", "quota:line:used", "quota:line:read_at")
    month = now.astimezone(LINE_MONTH).strftime("%Y-%m")
    spent_name = f"quota:line:spent:{month}"
    values = dict(session.execute(select(SendPace.name, SendPace.next_at)
                                  .where(SendPace.name.in_((*names, spent_name)))).all())
    if any(name not in values for name in names):
        return None
    limit = int(values[names[0]])
    read_month = datetime.fromtimestamp(values[names[2]], UTC).astimezone(LINE_MONTH).strftime("%Y-%m")
    used = int(values[names[1]]) if read_month == month else 0  # a new month starts from nothing
    used = max(used, int(values.get(spent_name, 0)))
    return (None if limit < 0 else limit), used


def by_channel(session: Session, where) -> tuple[int, dict[str, int]]:
    """(members in the audience, {channel: members written to on it}): each member on ONE chat, the
    first reachable in recipients.CHANNEL_ORDER, counted in SQL however large the audience."""
    total = session.scalar(select(func.count()).select_from(Member).where(*where)) or 0
    rank = case({channel: n for n, channel in enumerate(CHANNEL_ORDER)}, value=ChatAccount.channel, else_=9)
    best = (select(ChatAccount.member_id, func.min(rank).label("rank"))
            .join(Member, Member.id == ChatAccount.member_id)
            .where(*where, ChatAccount.unreachable_at.is_(None))
            .group_by(ChatAccount.member_id).subquery())
    counts = {CHANNEL_ORDER[r] if r < len(CHANNEL_ORDER) else "other": n for r, n in session.execute(
        select(best.c.rank, func.count()).group_by(best.c.rank))}
    return total, counts


def preview(session: Session, announcement: Announcement, *, locale: str, send_at: datetime, tz: tzinfo,
            quiet_hours: str, reserve_setting: str) -> Preview:
    """`announcement` may be a draft not yet stored (the chat keeps the text until confirmed); `tz`
    is the funds' zone, whose clock the quiet hours and the months in arrears follow."""
    local = send_at.astimezone(tz)
    total, counts = by_channel(session, announcements.audience(announcement, local.date()))
    line = counts.get("line", 0)
    quota = line_quota(session, send_at)
    limit, left, reserve, fits = None, None, 0, line
    if quota is not None and quota[0] is not None:
        limit, used = quota
        left = max(limit - used, 0)
        reserve = reserve_units(reserve_setting, limit)
        fits = min(line, max(left - reserve, 0))  # an announcement never spends the reserve
    return Preview(announcements.message(session, announcement, locale), total, line,
                   counts.get("telegram", 0), counts.get("simulator", 0), quota is not None, limit, left,
                   reserve, fits, line - fits, quiet_until(local, quiet_hours))
