"""What the payments tests share: a member who paid through November 2569 with a chat to be told
in, the ledger and outbox as the tests read them, and making the committee chat a treasurer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from handlers import buttons as B
from models import AuditLog, CommitteeRole, Fund, Member, OutboxMessage, Payment
from tests.conftest import BANGKOK
from tests.factories import link_chat, make_member

MEMBER_USER = "member-chat-1"


def paying_member(Session, world, *, channel: str, first_name: str = "บุญมี", last_name: str = "ศรีสุข",
                  member_no: str = "07012", locale: str = "th", fund_id: int | None = None,
                  linked: bool = True, months_paid: int = 11) -> int:
    """A member who joined in January 2026 and paid 11 months (through November 2026 = พ.ย. 2569)."""
    with Session() as s, s.begin():
        fund = s.get(Fund, fund_id or world.home_id)
        member = make_member(s, fund, first_name=first_name, last_name=last_name, member_no=member_no,
                             joined_on=date(2026, 1, 1), months_paid=months_paid)
        if linked:
            link_chat(s, f"{MEMBER_USER}-{member.id}", member, channel=channel, locale=locale)
        return member.id


def make_treasurer(Session, world) -> None:
    with Session() as s, s.begin():
        s.add(CommitteeRole(member_id=world.chair_id, fund_id=world.home_id, role="treasurer",
                            granted_at=datetime(2026, 1, 1, tzinfo=BANGKOK)))


def ledger(Session, member_id: int) -> list[Payment]:
    with Session() as s:
        rows = list(s.scalars(select(Payment).where(Payment.member_id == member_id).order_by(Payment.id)))
        s.expunge_all()
        return rows


def paid_total(Session, member_id: int) -> Decimal:
    return sum((p.amount for p in ledger(Session, member_id)), Decimal(0))


def told(Session, member_id: int) -> list[str]:
    """The texts waiting in the outbox for the member, oldest first."""
    with Session() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.member_id == member_id)
                         .order_by(OutboxMessage.id)).all()
        return ["\n".join(reply["text"] for reply in row.payload) for row in rows]


def statuses(Session, member_id: int) -> list[tuple[str, str]]:
    """(key, status) of the member's outbox rows, oldest first."""
    with Session() as s:
        return [(r.key, r.status) for r in s.scalars(select(OutboxMessage).where(
            OutboxMessage.member_id == member_id).order_by(OutboxMessage.id))]


def deliver_receipts(Session, member_id: int, status: str = "sent") -> None:
    """The dispatcher has sent (or is sending) the member's waiting receipts."""
    with Session() as s, s.begin():
        for row in s.scalars(select(OutboxMessage).where(OutboxMessage.member_id == member_id,
                                                         OutboxMessage.kind == "receipt")):
            row.status = status


def audits(Session, action: str) -> list[AuditLog]:
    with Session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def member_no_of(Session, member_id: int) -> str:
    with Session() as s:
        return s.get(Member, member_id).member_no


def labels_of(chat) -> list[str]:
    return [b.label for b in chat.buttons()]


def data_of(chat, label_part: str) -> str:
    for b in chat.buttons():
        if label_part in b.label:
            return b.data
    raise AssertionError(f"no button {label_part!r} in {labels_of(chat)}")


def open_payments(chair) -> None:
    chair.press(B.COMMITTEE)
    chair.tap("รับเงิน")


def record(chair, who: str, months_label: str = "1 เดือน") -> None:
    """Record a payment through the whole dialog, confirming once."""
    open_payments(chair)
    chair.say(who)
    chair.tap(months_label)
    chair.tap("ยืนยันรับเงิน")
    assert "บันทึกรับเงินเรียบร้อยแล้ว" in chair.text, chair.text
