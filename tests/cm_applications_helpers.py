"""What the applications tests share: applying through the real registration dialog, numbering the
home fund's roster, and reading what was pushed to a chat."""

from __future__ import annotations

from sqlalchemy import select

from handlers import buttons as B
from models import AuditLog, ChatAccount, Member, OutboxMessage
from tests.factories import valid_national_id
from tests.registration import dashed

SOMYING_ID = valid_national_id(424242)
MALEE_ID = valid_national_id(515151)


def apply_via_chat(person, name: str = "นาง สมหญิง รักดี", national_id: str = SOMYING_ID,
                   birth: str = "2/3/2520", phone: str = "089-111-2222") -> None:
    """Apply to Pa Khlok as a person does, step by step."""
    person.say("สมัคร")
    person.tap("สมัครสมาชิกใหม่")
    person.tap("ยินยอม")
    person.say(name)
    person.say(dashed(national_id))
    person.say(birth)
    person.say(phone)
    person.tap("ถลาง")
    person.tap("ป่าคลอก")
    person.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อยแล้ว" in person.text


def number_home(Session, world, largest: str = "00124") -> None:
    """The home fund's roster numbered 00001.. with `largest` the last: the next is largest + 1."""
    with Session() as s, s.begin():
        members = s.scalars(select(Member).where(Member.fund_id == world.home_id,
                                                 Member.member_no.is_not(None)).order_by(Member.id)).all()
        for m in members:
            m.member_no = f"tmp{m.id}"
        s.flush()
        for i, m in enumerate(members, 1):
            m.member_no = f"{i:05d}"
        members[-1].member_no = largest


def application_of(Session, person) -> Member:
    """The member the person's application made (found by its audit row: the chat may be detached)."""
    with Session() as s:
        account = s.scalar(select(ChatAccount).where(ChatAccount.channel == person.channel,
                                                     ChatAccount.external_user_id == person.user))
        row = s.scalar(select(AuditLog).where(AuditLog.action == "member.apply", AuditLog.actor ==
                                              f"chat:{account.id}").order_by(AuditLog.id.desc()))
        member = s.get(Member, int(row.entity_id))
        s.expunge(member)
        return member


def pushed(Session, person) -> list[str]:
    """The texts waiting in the outbox for this person's chat, oldest first."""
    with Session() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == person.channel,
                                                     OutboxMessage.external_user_id == person.user)
                         .order_by(OutboxMessage.id)).all()
        return ["\n".join(reply["text"] for reply in row.payload) for row in rows]


def audits(Session, action: str) -> list[AuditLog]:
    with Session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def open_list(chair) -> None:
    chair.press(B.COMMITTEE)
    chair.tap("ใบสมัคร")


def labels_of(chat) -> list[str]:
    """The buttons' labels, once each (LINE's driver also matches what a press displays)."""
    return [b.label for b in chat.buttons()]
