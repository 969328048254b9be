"""What the announcement screens share: the draft kept in the dialog, the preview's figures in words,
the audience's name, a moment typed and shown back (Buddhist Era in Thai)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from domain.moments import parse_moment
from domain.thai import format_number
from handlers import buttons as B
from handlers.base import Button, Context, Reply, Text, reply_from_dict
from handlers.formatting import format_day, format_time, shorten
from models import Announcement, AnnouncementState, Audience, Fund
from services import announcements
from services.announcement_preview import Preview, preview

DIALOG = "cm.ann"
MAX_TESTS = 3  # tests to my own chat per draft: enough to check, not a way to spam oneself


def cancel_button(ctx: Context) -> Button:
    return ctx.button("menu.btn_cancel", B.CANCEL)


def back_button(ctx: Context) -> Button:
    return ctx.button("committee.btn_back", B.COMMITTEE)


def draft_of(data: dict[str, Any]) -> Announcement:
    """The draft the dialog keeps, as an announcement not stored (nothing is written until confirmed)."""
    return Announcement(fund_id=data.get("fund"), audience=Audience(data.get("audience", "members")),
                        district_th=data.get("district"), text_th=data.get("text", ""), text_en=None,
                        state=AnnouncementState.DRAFT)


def districts(ctx: Context) -> list[tuple[str, str]]:
    """(Thai, English) names of the districts the funds are in, in a stable order (the buttons carry
    the index)."""
    rows = ctx.session.execute(select(Fund.district_th, func.min(Fund.district_en))
                               .group_by(Fund.district_th).order_by(Fund.district_th))
    return [(th, en) for th, en in rows]


def district_name(ctx: Context, district_th: str | None) -> str:
    if ctx.locale != "en":
        return district_th or ""
    found = ctx.session.scalar(select(Fund.district_en).where(Fund.district_th == district_th).limit(1))
    return found or district_th or ""


def audience_text(ctx: Context, item: Announcement) -> str:
    if item.audience == Audience.DISTRICT:
        return ctx.t("cm_announce.aud_district_of", district=district_name(ctx, item.district_th))
    if item.fund_id is None:
        return ctx.t("cm_announce.aud_network_long")
    fund = ctx.session.get(Fund, item.fund_id)
    name = fund.name(ctx.locale) if fund else ""
    key = "cm_announce.aud_arrears_of" if item.audience == Audience.ARREARS else "cm_announce.aud_members_of"
    return ctx.t(key, fund=name)


def moment_text(ctx: Context, moment: datetime) -> str:
    local = moment.astimezone(ctx.now.tzinfo)
    return ctx.t("cm_announce.moment", day=format_day(local.date(), ctx.locale),
                 time=format_time(local, ctx.locale))


def read_moment(ctx: Context, text: str | None) -> datetime | str:
    """The moment typed, in the fund's zone, or the message key saying what is wrong with it."""
    found = parse_moment(text or "", ctx.today)
    if found.problem == "no_date" and found.at is not None:
        found = parse_moment(f"วันนี้ {text}", ctx.today)  # "14:00" alone: today
    if found.problem or found.day is None or found.at is None:
        return {"no_time": "cm_announce.when_no_time", "ambiguous_year": "cm_announce.when_year"}.get(
            found.problem or "", "cm_announce.when_bad")
    moment = datetime.combine(found.day, found.at, tzinfo=ctx.now.tzinfo)
    if moment <= ctx.now:
        return "cm_announce.when_past"
    return moment


def preview_of(ctx: Context, item: Announcement, send_at: datetime) -> Preview:
    return preview(ctx.session, item, locale=ctx.locale, send_at=send_at, tz=ctx.now.tzinfo or UTC,
                   quiet_hours=str(ctx.extras.get("quiet_hours", "21:00-08:00")),
                   reserve_setting=str(ctx.extras.get("line_quota_reserve", "10%")))


def n(value: int) -> str:
    return format_number(value)


def figures(ctx: Context, found: Preview) -> str:
    """Who gets it on which channel, who cannot be reached, the LINE quota, and what waits."""
    t = ctx.t
    lines = [t("cm_announce.fig_audience", n=n(found.audience)),
             t("cm_announce.fig_line", n=n(found.line)), t("cm_announce.fig_telegram", n=n(found.telegram))]
    if found.simulator:
        lines.append(t("cm_announce.fig_simulator", n=n(found.simulator)))
    lines.append(t("cm_announce.fig_unreachable", n=n(found.unreachable)))
    if not found.quota_known:
        lines.append(t("cm_announce.quota_unknown", units=n(found.line_units)))
    elif found.quota_left is None:
        lines.append(t("cm_announce.quota_unlimited", units=n(found.line_units)))
    else:
        lines.append(t("cm_announce.quota", units=n(found.line_units), left=n(found.quota_left),
                       limit=n(found.quota_limit or 0), reserve=n(found.reserve)))
        if found.line_held:
            lines.append(t("cm_announce.quota_held", now=n(found.line_now), held=n(found.line_held)))
    if found.quiet_until is not None:
        lines.append(t("cm_announce.quiet", until=moment_text(ctx, found.quiet_until)))
    return "\n".join(lines)


def as_members_see_it(found: Preview) -> list[Reply]:
    return [reply_from_dict(message) for message in found.messages]


def snippet(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return shorten(flat, limit)


def check_text(ctx: Context, text: str | None) -> str | list[Reply]:
    """The text to announce, or the reply refusing it (the step stays open)."""
    cleaned = (text or "").strip()
    if not cleaned:
        return [Text(ctx.t("cm_announce.text_empty"), (cancel_button(ctx),))]
    if len(cleaned) > announcements.MAX_TEXT:
        return [Text(ctx.t("cm_announce.text_long", max=n(announcements.MAX_TEXT), length=n(len(cleaned))),
                     (cancel_button(ctx),))]
    return cleaned
