"""Meetings: scheduled, moved, cancelled (audited); who is told, and what the messages say.

A moved meeting keeps its id and remembers the time it had (`previous_starts_at`); its reminders are
keyed by the new time, so members are reminded again. Moving or cancelling writes a notice
(kind "meeting_change") to the members in the caller's transaction: the change and the news of it
are one decision. A fund's meeting is for its active members, a network meeting (no fund) for every
fund's; members who turned meeting messages off are not written to.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache

from babel.dates import get_day_names
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.thai import format_date
from locales import translate
from messaging.values import Text, reply_to_dict
from models import Meeting, Member, OutboxMessage, audit
from services import outbox, recipients
from services.errors import ServiceError
from services.outbox import enqueue_many

SCHEDULED = "scheduled"
CANCELLED = "cancelled"


@cache
def _weekdays(locale: str) -> dict[int, str]:
    return dict(get_day_names("wide", locale="th" if locale == "th" else "en"))


def day_text(moment: datetime, locale: str) -> str:
    """"วันอังคารที่ 15 ธันวาคม 2569" / "Tuesday 15 December 2026", in the moment's own zone."""
    d = moment.date()
    if locale == "th":
        return f"{_weekdays('th')[d.weekday()]}ที่ {format_date(d, 'th')}"
    return f"{_weekdays('en')[d.weekday()]} {format_date(d, 'en')}"


def time_text(moment: datetime, locale: str) -> str:
    return f"{moment:%H:%M} น." if locale == "th" else f"{moment:%H:%M}"


def stamp(moment: datetime) -> str:
    """A moment in a key: "20261205T0300Z"."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def fields(meeting: Meeting, locale: str, tz) -> dict[str, str]:
    starts = meeting.starts_at.astimezone(tz)
    return {"title": meeting.title(locale), "place": meeting.place(locale),
            "day": day_text(starts, locale), "time": time_text(starts, locale)}


def schedule(session: Session, *, fund_id: int | None, title_th: str, title_en: str, starts_at: datetime,
             place_th: str, place_en: str, agenda_th: str | None = None, agenda_en: str | None = None,
             actor: str, at: datetime) -> Meeting:
    if starts_at.tzinfo is None:
        raise ValueError("a meeting's time needs a time zone")
    if starts_at <= at:
        raise ServiceError("a meeting is scheduled in the future")
    if not title_th.strip() or not place_th.strip():
        raise ServiceError("a meeting needs a title and a place")
    meeting = Meeting(fund_id=fund_id, title_th=title_th.strip(), title_en=title_en.strip() or title_th,
                      starts_at=starts_at, place_th=place_th.strip(), place_en=place_en.strip() or place_th,
                      agenda_th=agenda_th, agenda_en=agenda_en, status=SCHEDULED)
    session.add(meeting)
    session.flush()
    audit(session, actor, "meeting.schedule", "meeting", meeting.id, fund_id=fund_id,
          starts_at=starts_at.astimezone(UTC).isoformat())
    return meeting


def move(session: Session, meeting: Meeting, starts_at: datetime, *, actor: str, at: datetime, tz) -> int:
    """The meeting at a new time; its members are told. Rows written."""
    if meeting.status != SCHEDULED:
        raise ServiceError("a cancelled meeting cannot be moved")
    if starts_at.tzinfo is None:
        raise ValueError("a meeting's time needs a time zone")
    if starts_at <= at:
        raise ServiceError("a meeting is moved to a time in the future")
    if starts_at == meeting.starts_at:
        return 0
    old = meeting.starts_at
    meeting.previous_starts_at, meeting.starts_at, meeting.changed_at = old, starts_at, at
    session.flush()
    # Reminders written for the old time would tell of it after the notice of the move; the new
    # time's reminders are decided by the job as for any meeting.
    _withdraw_reminders(session, f"meeting:{meeting.id}:{stamp(old)}:", "meeting moved")
    audit(session, actor, "meeting.move", "meeting", meeting.id, fund_id=meeting.fund_id,
          previous=old.astimezone(UTC).isoformat(), starts_at=starts_at.astimezone(UTC).isoformat())
    return _tell(session, meeting, f"meeting_change:{meeting.id}:moved:{stamp(starts_at)}", tz,
                 lambda loc: translate(loc, "reminders.meeting_moved", **fields(meeting, loc, tz),
                                       old_day=day_text(old.astimezone(tz), loc),
                                       old_time=time_text(old.astimezone(tz), loc)))


def cancel(session: Session, meeting: Meeting, *, actor: str, at: datetime, tz) -> int:
    """The meeting will not take place; its members are told (no reminders go). Rows written."""
    if meeting.status == CANCELLED:
        return 0
    meeting.status, meeting.changed_at = CANCELLED, at
    session.flush()
    # A reminder written before and still waiting would follow the cancellation notice.
    _withdraw_reminders(session, f"meeting:{meeting.id}:", "meeting cancelled")
    audit(session, actor, "meeting.cancel", "meeting", meeting.id, fund_id=meeting.fund_id)
    if meeting.starts_at <= at:  # it is over: nobody needs to hear it will not happen
        return 0
    return _tell(session, meeting, f"meeting_change:{meeting.id}:cancelled", tz,
                 lambda loc: translate(loc, "reminders.meeting_cancelled", **fields(meeting, loc, tz)))


def _withdraw_reminders(session: Session, prefix: str, reason: str) -> int:
    """The waiting reminders whose key starts with `prefix` (scheduler/jobs/meetings.py:
    `meeting:<id>:<stamp>:<which>:<member>`) are withdrawn."""
    return outbox.withdraw(session, OutboxMessage.kind == "meeting_reminder",
                           OutboxMessage.key.startswith(prefix, autoescape=True), reason=reason)


def audience(meeting: Meeting) -> list:
    """Conditions for the members a meeting is for (the fund's, or every fund's)."""
    return recipients.active_members(fund_id=meeting.fund_id, kind="meetings")


def member_pages(session: Session, meeting: Meeting, size: int = recipients.PAGE) -> Iterator[list[int]]:
    """The ids of the meeting's members, page by page, inside the caller's session."""
    after = 0
    while True:
        ids = list(session.scalars(select(Member.id).where(*audience(meeting), Member.id > after,
                                                           recipients.has_chat(after))
                                   .order_by(Member.id).limit(size)))
        if not ids:
            return
        yield ids
        after = ids[-1]


def _tell(session: Session, meeting: Meeting, key: str, tz, text) -> int:
    payloads: dict[str, list[dict]] = {}
    written = 0
    expires = meeting.starts_at  # moved: its new time; cancelled: once it would have begun
    for ids in member_pages(session, meeting):
        chats = recipients.chats_between(session, ids[0], ids[-1])
        rows = []
        for member_id in ids:
            chat = chats.get(member_id)
            if chat is None:
                continue
            if chat.locale not in payloads:
                payloads[chat.locale] = [reply_to_dict(Text(text(chat.locale)))]
            rows.append(recipients.outbox_row(
                chat, key=f"{key}:{member_id}", replies=payloads[chat.locale], kind="meeting_change",
                source=f"meeting:{meeting.id}", expires_at=expires, content_key=f"{key}:{chat.locale}"[:100]))
        written += enqueue_many(session, rows)
    return written


def upcoming(session: Session, fund_id: int, now: datetime, limit: int = 5) -> list[Meeting]:
    """The fund's scheduled meetings still to come, and the network's, soonest first."""
    return list(session.scalars(
        select(Meeting).where(or_(Meeting.fund_id == fund_id, Meeting.fund_id.is_(None)),
                              Meeting.status == SCHEDULED, Meeting.starts_at > now)
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def last_place(session: Session, fund_id: int | None) -> str | None:
    """Where the fund (or the network) met last time: committees mostly meet in one place."""
    scope = Meeting.fund_id.is_(None) if fund_id is None else Meeting.fund_id == fund_id
    return session.scalar(select(Meeting.place_th).where(scope)
                          .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))


def reach(session: Session, fund_id: int | None) -> int:
    """How many members a meeting of `fund_id` (None: the network) reaches in a chat."""
    return session.scalar(select(func.count()).select_from(Member).where(
        *recipients.active_members(fund_id=fund_id, kind="meetings"), recipients.has_chat())) or 0
