"""What the treasurer's desk reads: members found by number or name, a member's standing, and one
day's ledger entries of a fund (recorded in the chat and imported alike: they are one ledger)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.dues import DuesStatus, dues_status
from domain.thai import normalize_text, typed_value
from models import ChatAccount, Member, MemberStatus, Payment
from services.payments import total_paid

PAYING = (MemberStatus.ACTIVE, MemberStatus.LAPSED)  # a lapsed member paying up is normal
FOUND_MAX = 8  # buttons shown for a search; more asks for more of the name
_TITLE = re.compile(r"^(?:คุณ|นางสาว|นาย|นาง|น\.ส\.|mrs?\.?|ms\.?|miss)\s*")


def find_members(session: Session, fund_id: int, text: str) -> list[Member]:
    """Members of the fund who may pay, by member number ("12", "00012", "๑๒") or by a part of
    their first or last name (each word typed must match one). At most FOUND_MAX + 1: more than
    FOUND_MAX means "type more"."""
    said = re.sub(r"^(?:เลขสมาชิก|เลขที่|สมาชิก|member(?: no\.?)?|no\.?)\s*", "", typed_value(text))
    base = select(Member).where(Member.fund_id == fund_id, Member.status.in_(PAYING))
    if said.isdigit():
        number = int(said)
        # Rosters pad numbers differently ("12", "00012"): compare them as numbers.
        candidates = session.scalars(base.where(Member.member_no.like(f"%{number}"))).all()
        return [m for m in candidates if (m.member_no or "").isdigit() and int(m.member_no) == number]
    # A title typed before the name ("คุณบุญมี", "นาง สมศรี") is not part of it.
    words = [_TITLE.sub("", w) or w for w in normalize_text(said).split()][:3]
    if not words:
        return []
    query = base
    for word in words:
        query = query.where(or_(func.lower(Member.first_name).contains(word, autoescape=True),
                                func.lower(Member.last_name).contains(word, autoescape=True)))
    return list(session.scalars(query.order_by(Member.first_name, Member.member_no).limit(FOUND_MAX + 1)))


def standing(session: Session, member: Member, on: date) -> DuesStatus:
    fund = member.fund
    return dues_status(joined_on=member.joined_on, total_paid=total_paid(session, member.id),
                       dues_per_month=fund.dues_per_month,
                       lapse_after_missed_months=fund.lapse_after_missed_months, on=on)


@dataclass(frozen=True)
class Entry:
    """One ledger row of the day, as the treasurer's list shows it."""

    payment: Payment
    member: Member
    recorder: str | None  # the committee member's first name, for an entry made in the chat
    imported: bool
    reversed_by: int | None  # the reversal's payment id, when this entry was reversed

    @property
    def reversible(self) -> bool:
        return self.payment.reverses_id is None and self.payment.amount > 0 and self.reversed_by is None


@dataclass(frozen=True)
class Day:
    entries: list[Entry]  # the page asked for
    count: int
    total: Decimal  # the day's net: payments less reversals


def day_entries(session: Session, fund_id: int, day: date, *, page: int, size: int) -> Day:
    """The fund's ledger entries dated `day`, the latest written first: the treasurer looks for the
    one just recorded (an imported file of the day would otherwise push it to the last page)."""
    where = (Member.fund_id == fund_id, Payment.paid_on == day)
    count, total = session.execute(select(func.count(Payment.id), func.sum(Payment.amount))
                                   .join(Member, Member.id == Payment.member_id).where(*where)).one()
    rows = session.execute(select(Payment, Member).join(Member, Member.id == Payment.member_id).where(*where)
                           .order_by(Payment.id.desc()).offset(page * size).limit(size)).all()
    ids = [p.id for p, _ in rows]
    reversed_by = dict(session.execute(select(Payment.reverses_id, Payment.id)
                                       .where(Payment.reverses_id.in_(ids))).all()) if ids else {}
    accounts = {int(p.recorded_by.removeprefix("chat:")) for p, _ in rows
                if p.recorded_by.startswith("chat:") and p.recorded_by[5:].isdigit()}
    names = dict(session.execute(select(ChatAccount.id, Member.first_name)
                                 .join(Member, Member.id == ChatAccount.member_id)
                                 .where(ChatAccount.id.in_(accounts))).all()) if accounts else {}
    entries = []
    for payment, member in rows:
        chat = payment.recorded_by.startswith("chat:")
        recorder = names.get(int(payment.recorded_by[5:])) if chat and payment.recorded_by[5:].isdigit() \
            else None
        entries.append(Entry(payment, member, recorder, not chat, reversed_by.get(payment.id)))
    return Day(entries, int(count or 0), Decimal(total or 0))
