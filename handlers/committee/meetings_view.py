"""What the meetings tool shows and reads: the list of upcoming meetings, the summaries, the date
and time as typed, and the meeting a press names (authorised for its fund). Shared by `meetings`
(the list, creating) and `meetings_change` (moving, cancelling, the confirmation)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.moments import parse_moment
from domain.thai import typed_value
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text
from handlers.committee import guard
from handlers.committee.payments_view import in_quiet_hours
from handlers.formatting import shorten
from models import Fund, Meeting
from services import meetings

DIALOG = "cm.meet"
LIST = "cm.meet.list"  # the list is shown: its buttons, or a hint
SCOPE = "cm.meet.scope"  # an admin chooses: the fund's meeting or a network assembly
TITLE = "cm.meet.title"
WHEN = "cm.meet.when"  # the date and time (what was given of them kept in the data)
PLACE = "cm.meet.place"
AGENDA = "cm.meet.agenda"
CONFIRM = "cm.meet.confirm"  # the new meeting's summary waits for its confirmation
MOVE_WHEN = "cm.meet.move_when"
MOVE_CONFIRM = "cm.meet.move_confirm"
CANCEL_CONFIRM = "cm.meet.cancel_confirm"
SUMMARIES = (CONFIRM, MOVE_CONFIRM, CANCEL_CONFIRM)

# The meetings most funds call: (Thai, English, the button's short label key).
TITLES = (("ประชุมใหญ่สามัญประจำปี", "Annual general meeting", "btn_title_annual"),
          ("ประชุมคณะกรรมการ", "Committee meeting", "btn_title_committee"),
          ("ประชุมสมาชิกประจำเดือน", "Monthly members' meeting", "btn_title_monthly"))
TEXT_MAX = 200  # a title or a place
AGENDA_MAX = 1000
SHOWN = 5  # meetings listed: two buttons each, with "create" and "cancel", fit LINE's 13
_TIME_SHAPED = re.compile(r"\d{1,2}\s*[:.]\s*\d{1,2}\s*(?:น\.?)?")
FAR = timedelta(days=400)  # further ahead than this is most likely a typo in the year


def cancel_button(ctx: Context) -> Button:
    return ctx.button("menu.btn_cancel", B.CANCEL)


def list_button(ctx: Context) -> Button:
    return ctx.button("cm_meetings.btn_list", B.CM_MEETINGS)


def back_buttons(ctx: Context) -> tuple[Button, ...]:
    return (list_button(ctx), ctx.button("committee.btn_back", B.COMMITTEE))


def organiser(ctx: Context, meeting: Meeting | None = None, fund_id: int | None = None) -> str:
    if meeting is not None:
        fund = meeting.fund
    else:
        fund = ctx.session.get(Fund, fund_id) if fund_id is not None else None
    return fund.name(ctx.locale) if fund is not None else ctx.t("cm_meetings.network")


def when_text(ctx: Context, moment: datetime) -> str:
    local = moment.astimezone(ctx.now.tzinfo)
    return ctx.t("cm_meetings.when_value", day=meetings.day_text(local, ctx.locale),
                 time=meetings.time_text(local, ctx.locale))


def list_reply(ctx: Context, acting: guard.Acting, hint: str | None = None) -> list[Reply]:
    """The fund's upcoming meetings and the network's, each with move and cancel where this chat
    may change it (a network assembly: its admins only)."""
    fund = acting.fund
    assert fund is not None
    found = meetings.upcoming(ctx.session, fund.id, ctx.now, limit=SHOWN)
    lines = [ctx.t("cm_meetings.list_head", fund=fund.name(ctx.locale)) if found
             else ctx.t("cm_meetings.list_empty", fund=fund.name(ctx.locale))]
    buttons = [ctx.button("cm_meetings.btn_new", B.CM_MEET_NEW)]
    for n, meeting in enumerate(found, 1):
        lines.append(ctx.t("cm_meetings.list_item", n=n, title=meeting.title(ctx.locale),
                           when=when_text(ctx, meeting.starts_at), place=meeting.place(ctx.locale),
                           who=organiser(ctx, meeting)))
        if acting.powers.may(guard.MEETINGS, meeting.fund_id):
            buttons.append(Button(ctx.t("cm_meetings.btn_move", n=n), f"{B.CM_MEET_MOVE}{meeting.id}"))
            buttons.append(Button(ctx.t("cm_meetings.btn_cancel", n=n), f"{B.CM_MEET_CANCEL}{meeting.id}"))
    if found:
        lines.append(hint or ctx.t("cm_meetings.list_foot"))
    elif hint:
        lines.append(hint)
    ctx.set_state(LIST)
    return [Text("\n\n".join(lines), (*buttons, cancel_button(ctx)))]


def title_question(ctx: Context, hint: str | None = None) -> list[Reply]:
    buttons = [ctx.button(f"cm_meetings.{label}", f"{B.CM_MEET_TITLE}{n}")
               for n, (_, _, label) in enumerate(TITLES)]
    return [Text(hint or ctx.t("cm_meetings.ask_title", max=TEXT_MAX), (*buttons, cancel_button(ctx)))]


def when_question(ctx: Context, text: str) -> list[Reply]:
    return [Text(text, (cancel_button(ctx),))]


@dataclass(frozen=True)
class Read:
    """What a typed date and time gave: both (`starts`), or a part still missing, or a problem."""

    day: date | None = None
    at: time | None = None
    starts: datetime | None = None
    problem: str | None = None  # a cm_meetings message key saying what to type


def read_when(ctx: Context, text: str, data: dict) -> Read:
    """The date and time typed, with what was typed before (`data` "day", "at"): a date alone asks
    for the time, a time alone for the date; the past and the far future are refused."""
    moment = parse_moment(text, ctx.today)
    day = moment.day or (date.fromisoformat(data["day"]) if data.get("day") else None)
    at = moment.at or (time.fromisoformat(data["at"]) if data.get("at") else None)
    if moment.day is None and moment.at is None:
        if moment.problem == "ambiguous_year":
            return Read(problem="bad_year")
        if day is not None or _TIME_SHAPED.fullmatch(typed_value(text)):  # meant as a time: a wrong one
            return Read(day=day, problem="bad_time")
        return Read(day=day, at=at, problem="bad_date")
    if moment.problem == "bad_time":
        return Read(day=day, problem="bad_time")
    if day is not None and day < ctx.today:
        return Read(at=at, problem="past")
    if day is None:
        return Read(at=at, problem="need_date")
    if at is None:
        return Read(day=day, problem="need_time")
    starts = datetime.combine(day, at, tzinfo=ctx.now.tzinfo)
    if starts <= ctx.now:
        return Read(day=day, problem="past_time")
    if starts - ctx.now > FAR:
        return Read(problem="too_far")
    return Read(day, at, starts)


def when_hint(ctx: Context, read: Read) -> str:
    """What to type next, for a `Read` that is not complete."""
    fields = {"day": meetings.day_text(datetime.combine(read.day, time(), ctx.now.tzinfo), ctx.locale)
              if read.day else "", "time": f"{read.at:%H:%M}" if read.at else ""}
    return ctx.t(f"cm_meetings.when_{read.problem}", **fields)


def keep_when(read: Read) -> dict:
    """The parts of a `Read` kept in the dialog for the next answer."""
    return {"day": read.day.isoformat() if read.day else None, "at": read.at.isoformat() if read.at else None}


def draft_rows(ctx: Context, draft: dict) -> list[Row]:
    starts = datetime.fromisoformat(draft["starts"]).astimezone(ctx.now.tzinfo)
    title = draft["title_en"] if ctx.locale == "en" and draft.get("title_en") else draft["title_th"]
    rows = [Row(ctx.t("cm_meetings.row_for"), organiser(ctx, fund_id=draft.get("fund_id"))),
            Row(ctx.t("cm_meetings.row_title"), title),
            Row(ctx.t("cm_meetings.row_day"), meetings.day_text(starts, ctx.locale)),
            Row(ctx.t("cm_meetings.row_time"), meetings.time_text(starts, ctx.locale)),
            Row(ctx.t("cm_meetings.row_place"), draft["place"]),
            Row(ctx.t("cm_meetings.row_agenda"), draft.get("agenda") or ctx.t("cm_meetings.no_agenda"))]
    return rows


def create_summary(ctx: Context, draft: dict, token: str) -> list[Reply]:
    reach = meetings.reach(ctx.session, draft.get("fund_id"))
    footer = ctx.t("cm_meetings.create_footer", count=reach)
    buttons = (ctx.button("cm_meetings.btn_confirm_create", f"{B.CM_MEET_CONFIRM}{token}"),
               cancel_button(ctx))
    return [Card(ctx.t("cm_meetings.create_title"), tuple(draft_rows(ctx, draft)), footer, buttons)]


def meeting_rows(ctx: Context, meeting: Meeting) -> list[Row]:
    return [Row(ctx.t("cm_meetings.row_for"), organiser(ctx, meeting)),
            Row(ctx.t("cm_meetings.row_title"), meeting.title(ctx.locale)),
            Row(ctx.t("cm_meetings.row_place"), meeting.place(ctx.locale))]


def move_summary(ctx: Context, meeting: Meeting, starts: datetime, token: str) -> list[Reply]:
    rows = [*meeting_rows(ctx, meeting),
            Row(ctx.t("cm_meetings.row_old"), when_text(ctx, meeting.starts_at)),
            Row(ctx.t("cm_meetings.row_new"), when_text(ctx, starts))]
    footer = ctx.t("cm_meetings.move_footer", count=meetings.reach(ctx.session, meeting.fund_id),
                   night=night(ctx))
    buttons = (ctx.button("cm_meetings.btn_confirm_move", f"{B.CM_MEET_CONFIRM}{token}"),
               Button(ctx.t("cm_meetings.btn_other_time"), f"{B.CM_MEET_MOVE}{meeting.id}"),
               cancel_button(ctx))
    return [Card(ctx.t("cm_meetings.move_title"), tuple(rows), footer, buttons)]


def cancel_summary(ctx: Context, meeting: Meeting, token: str) -> list[Reply]:
    rows = [*meeting_rows(ctx, meeting),
            Row(ctx.t("cm_meetings.row_when"), when_text(ctx, meeting.starts_at))]
    footer = ctx.t("cm_meetings.cancel_footer", count=meetings.reach(ctx.session, meeting.fund_id))
    buttons = (ctx.button("cm_meetings.btn_confirm_cancel", f"{B.CM_MEET_CONFIRM}{token}"),
               ctx.button("cm_meetings.btn_keep", B.CM_MEETINGS))
    return [Card(ctx.t("cm_meetings.cancel_title"), tuple(rows), footer, buttons)]


def place_button(ctx: Context, place: str | None) -> tuple[Button, ...]:
    return (Button(shorten(place), B.CM_MEET_PLACE),) if place else ()


def stale(ctx: Context) -> list[Reply]:
    ctx.clear_state()
    return [Text(ctx.t("cm_meetings.stale"), back_buttons(ctx))]


def number_in(data: str, prefix: str) -> int | None:
    value = data.removeprefix(prefix)
    return int(value) if value.isdigit() and len(value) <= 12 else None


def target(incoming: Incoming, ctx: Context, action: str,
           meeting_id: int | None) -> tuple[guard.Acting, Meeting] | list[Reply]:
    """The meeting a press names, once the chat may act on its fund (a network assembly: admins)
    and it is still to come. Button data can be forged: another fund's id is refused here."""
    meeting = ctx.session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting is None:
        return stale(ctx)
    acting = guard.authorize(incoming, ctx, action, guard.MEETINGS, fund_id=meeting.fund_id)
    if not isinstance(acting, guard.Acting):
        return acting
    if meeting.status != meetings.SCHEDULED or meeting.starts_at <= ctx.now:
        ctx.clear_state()
        key = "cm_meetings.already_cancelled" if meeting.status != meetings.SCHEDULED else "cm_meetings.over"
        return [Text(ctx.t(key, title=meeting.title(ctx.locale)), back_buttons(ctx))]
    return acting, meeting


def night(ctx: Context) -> str:
    """" (at night, it arrives in the morning)" in the quiet hours; nothing by day."""
    return ctx.t("cm_meetings.night") if in_quiet_hours(ctx) else ""
