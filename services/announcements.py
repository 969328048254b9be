"""Announcements: a draft, scheduled for a moment, or cancelled before it goes (audited).

The committee's chat screens that compose them come later; these are what they (and the command
line) call. The scheduler's announcements job expands a scheduled one whose time has come into one
outbox row per recipient (`expand`), page by page, and marks it done with the count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from locales import translate
from messaging.values import Text, reply_to_dict
from models import (
    Announcement,
    AnnouncementState,
    Audience,
    CommitteeRole,
    Fund,
    Member,
    MemberStatus,
    OutboxMessage,
    audit,
)
from services import recipients
from services.errors import ServiceError
from services.outbox import enqueue_many

MAX_TEXT = 4000  # within one LINE text (5,000) and one Telegram message (4,096) with the heading


def create_draft(session: Session, *, fund_id: int | None, text_th: str, text_en: str | None = None,
                 audience: Audience = Audience.MEMBERS, author: str, at: datetime) -> Announcement:
    text_th = (text_th or "").strip()
    if not text_th:
        raise ServiceError("an announcement needs a text")
    if len(text_th) > MAX_TEXT or len(text_en or "") > MAX_TEXT:
        raise ServiceError(f"an announcement is at most {MAX_TEXT} characters")
    announcement = Announcement(fund_id=fund_id, text_th=text_th, text_en=(text_en or "").strip() or None,
                                audience=audience, author=author, state=AnnouncementState.DRAFT,
                                created_at=at)
    session.add(announcement)
    session.flush()
    audit(session, author, "announcement.create", "announcement", announcement.id, fund_id=fund_id,
          audience=audience.value)
    return announcement


def schedule(session: Session, announcement: Announcement, send_at: datetime, *, actor: str,
             at: datetime) -> None:
    """Goes at `send_at` (now or later; the dispatcher still keeps quiet hours)."""
    if send_at.tzinfo is None:
        raise ValueError("send_at needs a time zone")
    if announcement.state not in (AnnouncementState.DRAFT, AnnouncementState.SCHEDULED):
        raise ServiceError(f"an announcement {announcement.state.value} cannot be scheduled")
    announcement.send_at, announcement.state = max(send_at, at), AnnouncementState.SCHEDULED
    session.flush()
    audit(session, actor, "announcement.schedule", "announcement", announcement.id,
          send_at=announcement.send_at.isoformat())


def cancel(session: Session, announcement: Announcement, *, actor: str, at: datetime) -> None:
    """Never goes. Once it is being sent (or done) it is too late: the rows are out of our hands."""
    if announcement.state == AnnouncementState.CANCELLED:
        return
    if announcement.state not in (AnnouncementState.DRAFT, AnnouncementState.SCHEDULED):
        raise ServiceError(f"an announcement {announcement.state.value} cannot be cancelled")
    announcement.state, announcement.decided_at = AnnouncementState.CANCELLED, at
    session.flush()
    audit(session, actor, "announcement.cancel", "announcement", announcement.id)


def due(session: Session, at: datetime) -> list[int]:
    """Scheduled ones whose time has come, and any left half-expanded (a run died while sending)."""
    return list(session.scalars(select(Announcement.id).where(
        ((Announcement.state == AnnouncementState.SCHEDULED) & (Announcement.send_at <= at))
        | (Announcement.state == AnnouncementState.SENDING)).order_by(Announcement.id)))


def start(session: Session, announcement_id: int) -> Announcement | None:
    """scheduled -> sending (or still sending: resumed); None when it was cancelled meanwhile."""
    announcement = session.get(Announcement, announcement_id, with_for_update=True)
    if announcement is None or announcement.state not in (AnnouncementState.SCHEDULED,
                                                          AnnouncementState.SENDING):
        return None
    announcement.state = AnnouncementState.SENDING
    return announcement


def audience(announcement: Announcement) -> list[ColumnElement[bool]]:
    if announcement.audience == Audience.COMMITTEE:
        roles = select(CommitteeRole.member_id).where(
            (CommitteeRole.fund_id == announcement.fund_id) if announcement.fund_id is not None
            else CommitteeRole.role.in_(("committee", "treasurer", "admin")))
        # A role-holder who has lapsed, resigned or died is no longer who the committee writes to.
        return [Member.status == MemberStatus.ACTIVE, Member.notify_announcements.is_(True),
                Member.id.in_(roles)]
    return recipients.active_members(fund_id=announcement.fund_id, kind="announcements")


def message(session: Session, announcement: Announcement, locale: str) -> list[dict]:
    if announcement.fund_id is None:
        who = translate(locale, "reminders.network")
    else:
        fund = session.get(Fund, announcement.fund_id)
        who = fund.name(locale) if fund else translate(locale, "reminders.network")
    return [reply_to_dict(Text(translate(locale, "reminders.announcement", who=who,
                                         text=announcement.text(locale))))]


def expand(Session: sessionmaker, announcement_id: int, at: datetime, size: int = recipients.PAGE) -> int:
    """Rows for every recipient, a page per transaction; then done, with the recipients counted
    from the outbox (so a resumed expansion counts the rows of its first attempt too)."""
    with Session() as session, session.begin():
        announcement = start(session, announcement_id)
        if announcement is None:
            return 0
        where = audience(announcement)
        texts = {loc: message(session, announcement, loc) for loc in ("th", "en")}
    source = f"announcement:{announcement_id}"
    written = 0
    for session, rows, chats in recipients.pages(Session, where, size=size):
        batch = [recipients.outbox_row(chats[m], key=f"{source}:{m}", replies=texts.get(chats[m].locale,
                                       texts["th"]), kind="announcement", source=source,
                                       content_key=f"{source}:{chats[m].locale}")
                 for (m,) in rows if m in chats]
        written += enqueue_many(session, batch)
    with Session() as session, session.begin():
        announcement = session.get(Announcement, announcement_id)
        assert announcement is not None
        announcement.state, announcement.decided_at = AnnouncementState.DONE, at
        announcement.recipients = session.scalar(select(func.count()).select_from(OutboxMessage)
                                                 .where(OutboxMessage.source == source))
        audit(session, "scheduler", "announcement.sent", "announcement", announcement_id,
              recipients=announcement.recipients)
    return written
