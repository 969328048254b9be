"""Dues payments: the ledger is append-only; a payment pays the oldest unpaid months first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from domain.dates import month_from_index, month_index
from domain.dues import months_covered
from domain.thai import format_baht, format_date, format_month
from locales import translate
from messaging.values import Text, reply_to_dict
from models import Fund, Member, OutboxMessage, Payment, audit
from services import outbox, recipients
from services.errors import ServiceError
from services.outbox import enqueue_many


@dataclass(frozen=True)
class Allocation:
    """What a payment does to a member's record."""

    months: int  # whole months this payment completes
    paid_through: int  # month index (domain.dates.month_index) the member is then paid through
    limit: int  # the furthest month a member may pay ahead to, by the fund's rule

    @property
    def too_far_ahead(self) -> bool:
        return self.paid_through > self.limit


def allocate(fund: Fund, *, joined_on: date, paid_before: Decimal, amount: Decimal,
             today: date) -> Allocation:
    before = max(months_covered(paid_before, fund.dues_per_month), 0)
    after = months_covered(paid_before + amount, fund.dues_per_month)
    # The oldest unpaid months are paid first: the member is paid through joined + after - 1.
    return Allocation(months=after - before, paid_through=month_index(joined_on) + after - 1,
                      limit=month_index(today) + fund.may_pay_months_ahead)


# Built once: on the per-message path, building a statement costs about as much as running it.
_TOTAL_PAID = select(func.sum(Payment.amount)).where(Payment.member_id == bindparam("member"))


def total_paid(session: Session, member_id: int) -> Decimal:
    """Everything a member has paid, reversals (negative entries) included."""
    return Decimal(session.scalar(_TOTAL_PAID, {"member": member_id}) or 0)


def import_payments(session: Session, rows: list[dict[str, Any]], *, actor: str, source: str,
                    funds: list[str], today: date | None = None) -> int:
    """Write checked ledger rows of a spreadsheet in one statement, with one audit row; members who
    paid within RECEIPT_DAYS of `today` get a receipt (older rows are the fund's books, not news)."""
    written: list[tuple[int, int, Decimal, date]] = []
    if rows:
        table = Payment.__table__
        result = session.execute(insert(table).returning(table.c.id, table.c.member_id, table.c.amount,
                                                         table.c.paid_on), rows)
        written = [tuple(r) for r in result]
        members = sorted({member_id for _, member_id, _, _ in written})
        for start in range(0, len(members), recipients.PAGE):
            withdraw_paid_reminders(session, members[start:start + recipients.PAGE])
    receipts = send_receipts(session, written, today=today) if today is not None else 0
    audit(session, actor, "import.payments", "file", source[:40], rows=len(rows), funds=funds,
          receipts=receipts)
    return len(rows)


# A payment recorded today tells the member (a receipt); an imported book of old payments does not:
# only payments dated within this many days get a receipt, so importing a year's records does not
# send hundreds of thank-yous for money paid long ago.
RECEIPT_DAYS = 31


def record_payment(session: Session, member: Member, amount: Decimal, *, paid_on: date, actor: str,
                   at: datetime, note: str | None = None) -> Payment:
    """One ledger row, an audit row (no personal data) and a thank-you receipt to the member."""
    if amount <= 0:
        raise ServiceError("a payment is a positive amount (a correction is a reversal)")
    fund = member.fund
    before = total_paid(session, member.id)
    allocation = allocate(fund, joined_on=member.joined_on, paid_before=before, amount=amount, today=paid_on)
    if allocation.too_far_ahead:
        raise ServiceError(f"that pays more than {fund.may_pay_months_ahead} months ahead")
    payment = Payment(member_id=member.id, amount=amount, months_covered=allocation.months, paid_on=paid_on,
                      recorded_by=actor, note=note, created_at=at)
    session.add(payment)
    session.flush()
    audit(session, actor, "payment.record", "payment", payment.id, member_id=member.id,
          amount=str(amount), months=allocation.months)
    withdraw_paid_reminders(session, [member.id])
    chat = recipients.chats_of(session, [member.id]).get(member.id)
    if chat is not None:
        receipt = _receipt(fund, chat.locale, amount, before + amount, member.joined_on, None)
        enqueue_many(session, [recipients.outbox_row(chat, key=f"receipt:{payment.id}", replies=receipt,
                                                     kind="receipt", source=f"payment:{payment.id}")])
    return payment


DUES_KINDS = ("dues_reminder", "lapse_warning")


def withdraw_paid_reminders(session: Session, member_ids: Sequence[int]) -> int:
    """Dues reminders and lapse warnings still waiting for a month the member has now paid are
    withdrawn: after her receipt a member must not be told she owes it, or that her membership
    ends. Keys are `dues:<member>:<YYYY-MM>:<day>` (scheduler/jobs/dues.py): a reminder is about
    its month, and goes when the member is paid through it. Rows withdrawn."""
    M = OutboxMessage
    waiting = list(session.scalars(select(M.member_id).where(
        M.member_id.in_(list(member_ids)), M.kind.in_(DUES_KINDS), M.status.in_(outbox.WAITING)).distinct()))
    if not waiting:  # the usual case: one small query, nothing to update
        return 0
    facts = session.execute(select(Member.id, Member.joined_on, Fund.dues_per_month, recipients.TOTAL_PAID)
                            .join(Fund, Fund.id == Member.fund_id).where(Member.id.in_(waiting))).all()
    paid: list = []
    for member_id, joined_on, dues, total in facts:
        months = months_covered(recipients.as_decimal(total), dues)
        if months <= 0:
            continue
        year, month = month_from_index(month_index(joined_on) + months - 1)
        prefix = f"dues:{member_id}:"
        # The key's month as text: "YYYY-MM" compares as the months do.
        paid.append(and_(M.member_id == member_id, M.key.startswith(prefix, autoescape=True),
                         func.substr(M.key, len(prefix) + 1, 7) <= f"{year:04d}-{month:02d}"))
    if not paid:
        return 0
    return outbox.withdraw(session, M.kind.in_(DUES_KINDS), or_(*paid), reason="dues paid")


def _receipt(fund: Fund, locale: str, amount: Decimal, paid: Decimal, joined_on: date,
             paid_on: date | None) -> list[dict]:
    months = months_covered(paid, fund.dues_per_month)
    fields = {"amount": format_baht(amount, locale)}
    if months > 0:
        through = format_month(*month_from_index(month_index(joined_on) + months - 1), locale)
        key = "reminders.receipt_imported" if paid_on else "reminders.receipt"
        text = translate(locale, key, paid_through=through, date=format_date(paid_on, locale) if paid_on
                         else "", **fields)
    else:
        text = translate(locale, "reminders.receipt", paid_through="-", **fields).split("\n")[0]
        dues = format_baht(fund.dues_per_month, locale)
        text += "\n" + translate(locale, "reminders.receipt_credit", dues=dues)
    return [reply_to_dict(Text(text))]


def send_receipts(session: Session, payments: Sequence[tuple[int, int, Decimal, date]], *,
                  today: date) -> int:
    """Receipts for imported payments (payment id, member id, amount, paid on) dated within
    RECEIPT_DAYS of `today`: one per member, for what that member paid in the file. Set-wise."""
    recent: dict[int, list[tuple[int, Decimal, date]]] = {}
    for payment_id, member_id, amount, paid_on in payments:
        if amount > 0 and (today - paid_on).days <= RECEIPT_DAYS:
            recent.setdefault(member_id, []).append((payment_id, amount, paid_on))
    written = 0
    ids = sorted(recent)
    for start in range(0, len(ids), recipients.PAGE):
        page = ids[start:start + recipients.PAGE]
        chats = recipients.chats_of(session, page)
        facts = session.execute(select(Member.id, Member.joined_on, Member.fund_id, recipients.TOTAL_PAID)
                                .where(Member.id.in_([m for m in page if m in chats]))).all()
        funds = {f.id: f for f in session.scalars(select(Fund).where(Fund.id.in_({f[2] for f in facts})))}
        rows = []
        for member_id, joined_on, fund_id, paid in facts:
            entries, chat = recent[member_id], chats[member_id]
            amount = sum((a for _, a, _ in entries), Decimal(0))
            last_id, last_day = max(p for p, _, _ in entries), max(d for _, _, d in entries)
            receipt = _receipt(funds[fund_id], chat.locale, amount, recipients.as_decimal(paid), joined_on,
                               last_day)
            rows.append(recipients.outbox_row(chat, key=f"receipt:{last_id}", replies=receipt, kind="receipt",
                                              source=f"payment:{last_id}"))
        written += enqueue_many(session, rows)
    return written
