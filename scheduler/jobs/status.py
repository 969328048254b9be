"""Status upkeep: active members whose dues say the membership has lapsed are marked lapsed
(set-wise, one audit row per page naming member ids only) and told, kindly, what they can do."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from domain.dues import dues_status
from locales import translate
from messaging.values import Text, reply_to_dict
from models import Fund, Member, MemberStatus, audit
from scheduler.jobs.recording import RunRecord
from services import recipients
from services.paying_text import Paying, contact_text


def decide(Session: sessionmaker, at: datetime, tz: ZoneInfo, record: RunRecord) -> int:
    today = at.astimezone(tz).date()
    with Session() as session:
        funds = {f.id: f for f in session.scalars(select(Fund))}
    # Every active member, with or without a chat: the roster is right even for those we cannot tell.
    where = [Member.status == MemberStatus.ACTIVE]
    columns = (Member.fund_id, Member.joined_on, recipients.TOTAL_PAID)
    texts: dict[tuple[int, str], list[dict]] = {}
    written = 0
    for session, rows, chats in recipients.pages(Session, where, columns, with_chat=False):
        lapsed, notices = [], []
        for member_id, fund_id, joined_on, paid in rows:
            fund = funds[fund_id]
            if fund.dues_per_month <= 0:
                continue
            status = dues_status(joined_on=joined_on, total_paid=recipients.as_decimal(paid),
                                 dues_per_month=fund.dues_per_month,
                                 lapse_after_missed_months=fund.lapse_after_missed_months, on=today)
            if not status.lapsed:
                continue
            lapsed.append(member_id)
            chat = chats.get(member_id)
            if chat is not None:
                if (fund_id, chat.locale) not in texts:
                    texts[fund_id, chat.locale] = _notice(fund, chat.locale)
                notices.append(recipients.outbox_row(
                    chat, key=f"status:lapsed:{member_id}:{status.lapse_on.isoformat()}",
                    replies=texts[fund_id, chat.locale], kind="status", source=None))
        if not lapsed:
            continue
        session.execute(update(Member).where(Member.id.in_(lapsed), Member.status == MemberStatus.ACTIVE)
                        .values(status=MemberStatus.LAPSED))
        audit(session, "scheduler", "member.lapse", "member", None, members=lapsed, on=today.isoformat())
        written += record.write(session, notices)
    return written


def _notice(fund: Fund, locale: str) -> list[dict]:
    how = contact_text(Paying.of(fund), locale)  # whom to call: paying alone brings nothing back
    return [reply_to_dict(Text(translate(locale, "reminders.lapsed", fund=fund.name(locale),
                                         months=fund.lapse_after_missed_months, how=how)))]
