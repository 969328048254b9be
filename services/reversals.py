"""Reversing a wrong ledger entry: never edited or deleted, a new opposite entry with the reason.

A reversal is a Payment with the negative amount and months of the one it corrects, `reverses_id`
naming it and `note` the treasurer's reason. An entry is reversed at most once, and a reversal is
never itself reversed (a wrong reversal is put right by recording the payment again). The member is
told of the correction through the outbox, in their language, unless the payment's receipt had
not gone out yet: it is withdrawn then, and the member, who never heard of the payment, is told
nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.dates import month_from_index, month_index
from domain.dues import months_covered
from domain.thai import format_baht, format_date, format_month
from locales import translate
from messaging.values import Text, reply_to_dict
from models import OutboxMessage, Payment, audit
from services import outbox, recipients
from services.errors import ServiceError
from services.outbox import enqueue_many
from services.payments import total_paid, withdraw_paid_reminders

REASON_MAX = 200
# Why a receipt was withdrawn by its payment's reversal (the row's last_error).
RECEIPT_WITHDRAWN = "payment reversed before its receipt went out"


class NotReversible(ServiceError):
    """The entry is a reversal itself, or has been reversed already (`by` names that reversal)."""

    def __init__(self, message: str, by: Payment | None = None) -> None:
        super().__init__(message)
        self.by = by


def reversal_of(session: Session, payment_id: int) -> Payment | None:
    """The entry that reversed `payment_id`, if any."""
    return session.scalar(select(Payment).where(Payment.reverses_id == payment_id).limit(1))


def check_reversible(session: Session, payment: Payment) -> None:
    if payment.reverses_id is not None or payment.amount <= 0:
        raise NotReversible("a reversal is not reversed again: record the payment anew instead")
    if (done := reversal_of(session, payment.id)) is not None:
        raise NotReversible("this entry has been reversed already", by=done)


def reverse(session: Session, payment_id: int, *, reason: str, actor: str, at: datetime) -> Payment:
    """The opposite entry of `payment_id`, dated `at`'s day; audited; the member told."""
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("a reversal needs its reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"a reason is at most {REASON_MAX} characters")
    # Locked: two treasurers reversing the same entry at once reverse it once (PostgreSQL; SQLite
    # has one writer anyway).
    payment = session.get(Payment, payment_id, with_for_update=True)
    if payment is None:
        raise ServiceError("no such payment")
    check_reversible(session, payment)
    reversal = Payment(member_id=payment.member_id, amount=-payment.amount,
                       months_covered=-payment.months_covered, paid_on=at.date(), recorded_by=actor,
                       reverses_id=payment.id, note=reason, created_at=at)
    session.add(reversal)
    session.flush()
    # The reason may name people: the audit keeps only its length.
    audit(session, actor, "payment.reverse", "payment", reversal.id, reverses=payment.id,
          member_id=payment.member_id, amount=str(-payment.amount), months=-payment.months_covered,
          reason_length=len(reason))
    withdraw_paid_reminders(session, [payment.member_id])
    withheld = withdraw_receipt(session, payment.id)
    # An imported file's receipt may thank the member for several entries at once (keyed by the
    # last): with it withdrawn, the correction is what tells the member where they stand.
    if not withheld or not payment.recorded_by.startswith("chat:"):
        _tell_member(session, payment, reversal)
    return reversal


def withdraw_receipt(session: Session, payment_id: int) -> bool:
    """The receipt of `payment_id` still waiting to go (keyed `receipt:<id>`) is withdrawn: it would
    thank the member for money the fund no longer counts, with a paid-through month that is wrong.
    True when it was withdrawn, so the member never heard of the payment and is not told of its
    reversal either; False when it went out (or is being sent), or there was none."""
    return outbox.withdraw(session, OutboxMessage.key == f"receipt:{payment_id}",
                           reason=RECEIPT_WITHDRAWN) > 0


def receipt_withheld(session: Session, payment: Payment) -> bool:
    """The receipt of `payment`, recorded in the chat, was withdrawn by its reversal: the member was
    told nothing of either."""
    return payment.recorded_by.startswith("chat:") and session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.key == f"receipt:{payment.id}", OutboxMessage.status == outbox.EXPIRED,
        OutboxMessage.last_error == RECEIPT_WITHDRAWN)) is not None


def _tell_member(session: Session, payment: Payment, reversal: Payment) -> None:
    member = payment.member
    chat = recipients.chats_of(session, [member.id]).get(member.id)
    if chat is None:
        return
    locale = chat.locale
    months = months_covered(total_paid(session, member.id), member.fund.dues_per_month)
    through = (format_month(*month_from_index(month_index(member.joined_on) + months - 1), locale)
               if months > 0 else translate(locale, "cm_payments.notice_nothing_paid"))
    text = translate(locale, "cm_payments.notice_reversed", amount=format_baht(payment.amount, locale),
                     paid_on=format_date(payment.paid_on, locale), reason=reversal.note or "-",
                     paid_through=through)
    enqueue_many(session, [recipients.outbox_row(chat, key=f"reversal:{reversal.id}",
                                                 replies=[reply_to_dict(Text(text))], kind="receipt",
                                                 source=f"payment:{reversal.id}")])
