"""Meeting reminders: 3 days before (from 09:00 local, three days before the meeting's date) and on
the morning (from 08:00 local on the day, for a meeting that starts later), to the fund's active
members, every fund's for a network meeting. Keys carry the meeting's start, so a moved meeting is
reminded again at its new time; a cancelled one is not reminded. Each expires when it begins.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from locales import translate
from messaging.values import Text, reply_to_dict
from models import Meeting
from scheduler.jobs.recording import RunRecord
from services import meetings, recipients

SOON_FROM = time(9, 0)  # three days before
MORNING_FROM = time(8, 0)  # on the day
SOON_DAYS = 3


def due_reminder(meeting: Meeting, local: datetime) -> str | None:
    """"soon", "today" or None: which reminder of the meeting is due at `local`."""
    starts = meeting.starts_at.astimezone(local.tzinfo)
    if local >= starts:
        return None
    morning = datetime.combine(starts.date(), MORNING_FROM, tzinfo=local.tzinfo)
    if local >= morning:
        return "today" if starts > morning else None
    soon = datetime.combine(starts.date() - timedelta(days=SOON_DAYS), SOON_FROM, tzinfo=local.tzinfo)
    return "soon" if local >= soon else None


def message(meeting: Meeting, which: str, locale: str, local: datetime) -> list[dict]:
    """The reminder as decided at `local`: "in 3 days" is said only when it is 3 days (a meeting
    called at short notice, or a clock catching up, is nearer)."""
    fields = meetings.fields(meeting, locale, local.tzinfo)
    if which == "soon":
        days = (meeting.starts_at.astimezone(local.tzinfo).date() - local.date()).days
        fields["when"] = (translate(locale, "reminders.meeting_tomorrow") if days == 1
                          else translate(locale, "reminders.meeting_in_days", days=days))
    text = translate(locale, f"reminders.meeting_{which}", **fields)
    agenda = meeting.agenda(locale)
    if agenda:
        text += "\n" + translate(locale, "reminders.meeting_agenda", agenda=agenda)
    text += "\n" + translate(locale, "reminders.meeting_invite")
    return [reply_to_dict(Text(text))]


def decide(Session: sessionmaker, at: datetime, tz: ZoneInfo, record: RunRecord) -> int:
    local = at.astimezone(tz)
    with Session() as session:
        upcoming = list(session.scalars(select(Meeting).where(
            Meeting.status == meetings.SCHEDULED, Meeting.starts_at > at,
            Meeting.starts_at <= at + timedelta(days=SOON_DAYS + 1)).order_by(Meeting.id)))
    written = 0
    for meeting in upcoming:
        which = due_reminder(meeting, local)
        if which is None:
            continue
        key = f"meeting:{meeting.id}:{meetings.stamp(meeting.starts_at)}:{which}"
        payloads: dict[str, list[dict]] = {}
        for session, rows, chats in recipients.pages(Session, meetings.audience(meeting)):
            batch = []
            for (member_id,) in rows:
                chat = chats.get(member_id)
                if chat is None:
                    continue
                if chat.locale not in payloads:
                    payloads[chat.locale] = message(meeting, which, chat.locale, local)
                batch.append(recipients.outbox_row(
                    chat, key=f"{key}:{member_id}", replies=payloads[chat.locale], kind="meeting_reminder",
                    source=None, expires_at=meeting.starts_at, content_key=f"{key}:{chat.locale}"))
            written += record.write(session, batch)
    return written
