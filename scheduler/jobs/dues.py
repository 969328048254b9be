"""Dues reminders on each fund's reminder days (Fund.reminder_days, "1,25"), from 09:00 local.

The first reminder day of a month goes to every active member whose month is unpaid, the later
ones to those still unpaid. A reminder day missed (the clock was down) is still decided until the
next reminder day comes, but not for one who joined after it (the approval notice said how to pay).
One more missed month ending the membership makes it a lapse warning, naming the last day to pay;
it reaches members who turned dues reminders off too. Key
`dues:<member>:<YYYY-MM>:<day>`: once per member and reminder day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.orm import sessionmaker

from domain.dates import month_index
from domain.dues import DuesStatus, dues_status
from domain.thai import format_baht, format_date, format_month
from locales import translate
from messaging.values import Text, reply_to_dict
from models import Fund, Member, OutboxMessage
from scheduler.jobs.recording import RunRecord
from services import recipients
from services.paying_text import Paying, how_to_pay

SENDS_FROM = time(9, 0)


@dataclass(frozen=True)
class FundTerms:
    """What a fund's reminder says, and which reminder day is current."""

    id: int
    dues_per_month: Decimal
    lapse_after: int
    paying: Paying  # how to pay, as the committee set it: the same words as the chat's answers
    day: int  # the reminder day of this month now current
    first: bool  # the month's first reminder day

    def how(self, locale: str) -> str:
        return how_to_pay(self.paying, locale)


def reminder_days(text: str, year: int, month: int) -> list[int]:
    """"1,25" -> [1, 25]; a day past the month's end is its last day ("31" in November is the 30th)."""
    last = calendar.monthrange(year, month)[1]
    days = set()
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdigit() and int(part) >= 1:
            days.add(min(int(part), last))
    return sorted(days)


def current_day(text: str, local: datetime) -> tuple[int, bool] | None:
    """The reminder day of this month whose 09:00 has come most recently, and whether it is the
    month's first; None before the first one."""
    days = reminder_days(text, local.year, local.month)
    come = [d for d in days if local >= datetime.combine(date(local.year, local.month, d), SENDS_FROM,
                                                        tzinfo=local.tzinfo)]
    return (come[-1], come[-1] == days[0]) if come else None


def due_funds(Session: sessionmaker, local: datetime) -> dict[int, FundTerms]:
    with Session() as session:
        funds = session.execute(select(Fund.id, Fund.reminder_days, Fund.dues_per_month,
                                       Fund.lapse_after_missed_months, *Paying.columns())).all()
    due = {}
    for fund_id, days, dues, lapse_after, *paying in funds:
        current = current_day(days, local)
        if current is not None and dues > 0:
            due[fund_id] = FundTerms(fund_id, dues, lapse_after, Paying(*paying), *current)
    return due


def decide(Session: sessionmaker, at: datetime, tz: ZoneInfo, record: RunRecord) -> int:
    local = at.astimezone(tz)
    funds = due_funds(Session, local)
    if not funds:
        return 0
    today = local.date()
    month = f"{today.year:04d}-{today.month:02d}"
    next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    expires = datetime.combine(next_month, time(0, 0), tzinfo=tz)
    columns = (Member.fund_id, Member.joined_on, recipients.TOTAL_PAID, Member.notify_dues)
    written = 0
    for day in sorted({terms.day for terms in funds.values()}):  # most funds share their days
        ids = sorted(fund_id for fund_id, terms in funds.items() if terms.day == day)
        # Those who turned dues reminders off too: the lapse warning is about losing the membership,
        # and still reaches them (`_decide_pages` leaves out their ordinary reminder).
        where = [*recipients.active_members(fund_id=ids, kind=None), ~decided(month, day)]
        written += _decide_pages(Session, record, where, columns, funds, today, month, expires)
    return written


def decided(month: str, day: int):
    """The member has this reminder already: an hourly rerun skips them in the query itself, instead
    of building their message again for the unique key to refuse."""
    key = literal("dues:", String) + cast(Member.id, String) + literal(f":{month}:{day}", String)
    return exists().where(OutboxMessage.key == key)


def _decide_pages(Session: sessionmaker, record: RunRecord, where, columns, funds: dict[int, FundTerms],
                  today: date, month: str, expires: datetime) -> int:
    written = 0
    for session, rows, chats in recipients.pages(Session, where, columns):
        batch = []
        for member_id, fund_id, joined_on, paid, wants_reminders in rows:
            chat = chats.get(member_id)
            if chat is None:
                continue
            terms = funds[fund_id]
            status = dues_status(joined_on=joined_on, total_paid=recipients.as_decimal(paid),
                                 dues_per_month=terms.dues_per_month,
                                 lapse_after_missed_months=terms.lapse_after, on=today)
            if not status.due_this_month or status.lapsed:
                continue  # paid up, or ended already (status upkeep tells them)
            kind, payload = reminder(terms, status, today, chat.locale)
            if kind != "lapse_warning" and not wants_reminders:
                continue
            if joined_on > date(today.year, today.month, terms.day):
                # Not yet a member on that reminder day (approved since, or the clock was down):
                # the approval notice has just said how to pay; the next reminder day is theirs.
                continue
            batch.append(recipients.outbox_row(chat, key=f"dues:{member_id}:{month}:{terms.day}",
                                               replies=payload, kind=kind, source=None, expires_at=expires))
        written += record.write(session, batch)
    return written


def owed(terms: FundTerms, status: DuesStatus) -> Decimal:
    """This month's dues and the arrears, less what was paid beyond whole months."""
    return terms.dues_per_month * (status.arrears_months + 1) - status.credit


def reminder(terms: FundTerms, status: DuesStatus, today: date, locale: str) -> tuple[str, list[dict]]:
    """(kind, serialised message): a lapse warning when one more missed month ends the membership."""
    last_day = status.lapse_on - timedelta(days=1) if status.lapse_warning and status.lapse_on else None
    return _message(terms, owed(terms, status), status.arrears_months, month_index(today), last_day, locale)


@lru_cache(maxsize=4096)
def _message(terms: FundTerms, amount: Decimal, arrears: int, month: int, last_day: date | None,
             locale: str) -> tuple[str, list[dict]]:
    """Built once per distinct content: most members of a fund owe the same."""
    year, number = divmod(month, 12)
    fields = {"month": format_month(year, number + 1, locale), "amount": format_baht(amount, locale),
              "dues": format_baht(terms.dues_per_month, locale), "months": arrears,
              "how": terms.how(locale)}
    t = translate
    if last_day is not None:
        kind = "lapse_warning"
        text = t(locale, "reminders.lapse_warning", date=format_date(last_day, locale), **fields)
    else:
        kind = "dues_reminder"
        text = t(locale, "reminders.dues_first" if terms.first else "reminders.dues_again", **fields)
        if arrears:
            text += "\n" + t(locale, "reminders.dues_arrears", **fields)
    text += "\n\n" + fields["how"] + "\n" + t(locale, "reminders.dues_footer")
    return kind, [reply_to_dict(Text(text))]
