"""Announcements: a draft, scheduled for a moment, or cancelled before it goes (audited).

The committee's chat screens that compose them come later; these are what they (and the command
line) call. The scheduler's announcements job expands a scheduled one whose time has come into one
outbox row per recipient (`expand`), page by page, and marks it done with the count.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, extract, func, select
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
from services import outbox, recipients
from services.errors import ServiceError
from services.outbox import enqueue_many

MAX_TEXT = 4000  # within one LINE text (5,000) and one Telegram message (4,096) with the heading


ZONE = ZoneInfo("Asia/Bangkok")  # whose calendar says which months are in arrears, unless told
OPEN = (AnnouncementState.DRAFT, AnnouncementState.SCHEDULED)  # may still be changed or cancelled


def check_text(text: str | None) -> str:
    """The text as it will go (trimmed); ServiceError when empty or too long."""
    text = (text or "").strip()
    if not text:
        raise ServiceError("an announcement needs a text")
    if len(text) > MAX_TEXT:
        raise ServiceError(f"an announcement is at most {MAX_TEXT} characters")
    return text


def create_draft(session: Session, *, fund_id: int | None, text_th: str, text_en: str | None = None,
                 audience: Audience = Audience.MEMBERS, district_th: str | None = None, author: str,
                 at: datetime) -> Announcement:
    text_th = check_text(text_th)
    if len(text_en or "") > MAX_TEXT:
        raise ServiceError(f"an announcement is at most {MAX_TEXT} characters")
    if audience == Audience.DISTRICT and (fund_id is not None or not district_th):
        raise ServiceError("a district's announcement names the district and no one fund")
    announcement = Announcement(fund_id=fund_id, text_th=text_th, text_en=(text_en or "").strip() or None,
                                audience=audience, author=author, state=AnnouncementState.DRAFT,
                                district_th=district_th if audience == Audience.DISTRICT else None,
                                created_at=at)
    session.add(announcement)
    session.flush()
    audit(session, author, "announcement.create", "announcement", announcement.id, fund_id=fund_id,
          audience=audience.value, length=len(text_th))
    return announcement


def change(session: Session, announcement: Announcement, *, actor: str, at: datetime,
           text_th: str | None = None, send_at: datetime | None = None) -> None:
    """A new text or a new time, before it goes. The audit keeps the times before and after and the
    text's length only: what a committee writes may name people."""
    if announcement.state not in OPEN:
        raise ServiceError(f"an announcement {announcement.state.value} cannot be changed")
    detail: dict[str, object] = {}
    if text_th is not None:
        text = check_text(text_th)
        detail.update(length_before=len(announcement.text_th), length_after=len(text))
        announcement.text_th, announcement.text_en = text, None
    if send_at is not None:
        if send_at.tzinfo is None:
            raise ValueError("send_at needs a time zone")
        if send_at < at:
            raise ServiceError("an announcement cannot be moved into the past")
        before = announcement.send_at
        announcement.send_at = send_at
        detail.update(send_at_before=before.isoformat() if before else None,
                      send_at_after=send_at.isoformat())
    if not detail:
        return
    session.flush()
    audit(session, actor, "announcement.change", "announcement", announcement.id, **detail)


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


def audience(announcement: Announcement, on: date | None = None) -> list[ColumnElement[bool]]:
    """Conditions for the members it goes to (`recipients.pages` adds: with a reachable chat).
    `on`: the day whose arrears count (default: today in Bangkok)."""
    if announcement.audience == Audience.ARREARS:
        return [*recipients.active_members(fund_id=announcement.fund_id, kind="announcements"),
                in_arrears(on or datetime.now(ZONE).date())]
    if announcement.audience == Audience.DISTRICT:
        funds = select(Fund.id).where(Fund.district_th == announcement.district_th)
        return [*recipients.active_members(fund_id=None, kind="announcements"), Member.fund_id.in_(funds)]
    if announcement.audience == Audience.COMMITTEE:
        roles = select(CommitteeRole.member_id).where(
            (CommitteeRole.fund_id == announcement.fund_id) if announcement.fund_id is not None
            else CommitteeRole.role.in_(("committee", "treasurer", "admin")))
        # A role-holder who has lapsed, resigned or died is no longer who the committee writes to.
        return [Member.status == MemberStatus.ACTIVE, Member.notify_announcements.is_(True),
                Member.id.in_(roles)]
    return recipients.active_members(fund_id=announcement.fund_id, kind="announcements")


def in_arrears(on: date) -> ColumnElement[bool]:
    """At least one ended month unpaid (domain.dues: arrears_months >= 1), in SQL: what was paid is
    less than the fund's dues for every month from the joining month to last month."""
    owed_months = (on.year * 12 + on.month - 1) - (extract("year", Member.joined_on) * 12
                                                   + extract("month", Member.joined_on) - 1)
    dues = select(Fund.dues_per_month).where(Fund.id == Member.fund_id).correlate(Member).scalar_subquery()
    return (owed_months > 0) & (dues * owed_months > recipients.TOTAL_PAID)


def message(session: Session, announcement: Announcement, locale: str) -> list[dict]:
    if announcement.fund_id is None:
        who = translate(locale, "reminders.network")
    else:
        fund = session.get(Fund, announcement.fund_id)
        who = fund.name(locale) if fund else translate(locale, "reminders.network")
    return [reply_to_dict(Text(translate(locale, "reminders.announcement", who=who,
                                         text=announcement.text(locale))))]


def expand(Session: sessionmaker, announcement_id: int, at: datetime, size: int = recipients.PAGE,
           tz: ZoneInfo = ZONE) -> int:
    """Rows for every recipient, a page per transaction; then done, with the recipients counted
    from the outbox (so a resumed expansion counts the rows of its first attempt too)."""
    with Session() as session, session.begin():
        announcement = start(session, announcement_id)
        if announcement is None:
            return 0
        where = audience(announcement, at.astimezone(tz).date())
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


def send_test(session: Session, announcement: Announcement, *, channel: str, user_id: str, locale: str,
              key: str) -> bool:
    """The message as members will see it, to the writer's own chat, marked as a test: not one of
    the announcement's rows (no source), so never counted in its report."""
    text = message(session, announcement, locale)[0]["text"]
    marked = translate(locale, "cm_announce.test_mark") + "\n\n" + text
    return outbox.enqueue(session, key=key, channel=channel, user_id=user_id, replies=[Text(marked)],
                          kind="announcement")


def delivery(session: Session, announcement_id: int) -> dict[str, int]:
    """What became of its rows: sent, held, failed, unreachable, pending (waiting or being sent),
    expired; as scheduler.outbox_report.counts_by_source reads them."""
    found = dict.fromkeys(("sent", "pending", "held", "failed", "unreachable"), 0)
    for status, n in session.execute(select(OutboxMessage.status, func.count()).where(
            OutboxMessage.source == f"announcement:{announcement_id}").group_by(OutboxMessage.status)):
        name = "pending" if status in (outbox.PENDING, outbox.RETRY, outbox.SENDING) else status
        found[name] = found.get(name, 0) + n
    return found


def of_fund(session: Session, fund_id: int | None, *, network_too: bool = False,
            limit: int = 8) -> list[Announcement]:
    """A fund's announcements (and the network's, for an admin), not drafts: those still to go
    first (soonest first), then the latest sent or cancelled."""
    mine = (Announcement.fund_id == fund_id) if fund_id is not None else Announcement.fund_id.is_(None)
    if network_too:
        mine = mine | Announcement.fund_id.is_(None)
    base = select(Announcement).where(mine)
    waiting = list(session.scalars(base.where(Announcement.state == AnnouncementState.SCHEDULED)
                                   .order_by(Announcement.send_at, Announcement.id).limit(limit)))
    rest = list(session.scalars(base.where(Announcement.state.not_in(OPEN))
                                .order_by(Announcement.id.desc()).limit(max(limit - len(waiting), 0))))
    return waiting + rest
