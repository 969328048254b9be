"""What the committee meetings tests share: members with chats in the committee world, calling a
meeting through the chat, and reading meetings, audit rows and the outbox."""

from __future__ import annotations

from sqlalchemy import select

from handlers import buttons as B
from models import AuditLog, Fund, Meeting, OutboxMessage
from tests.factories import link_chat, make_member


def members_with_chats(Session, world, new_driver, *, home: int = 2, other: int = 1,
                       locale: str = "th") -> list:
    """People of both funds linked to chats of the test's channel (`home` of Pa Khlok, `other` of
    Kamala): the drivers, so a test can read what they were pushed."""
    people = []
    with Session() as s, s.begin():
        for fund_id, n in ((world.home_id, home), (world.other_id, other)):
            for _ in range(n):
                person = new_driver()
                member = make_member(s, s.get(Fund, fund_id), first_name="สมาชิก", months_paid=12)
                link_chat(s, person.user, member, channel=person.channel, locale=locale)
                person.fund_id = fund_id
                people.append(person)
    return people


def create_meeting(chair, *, title: str = "ประชุมคณะกรรมการ", when: str = "15/12/2569 14:00",
                   place: str = "ศาลาประชาคมหมู่ 3", agenda: str | None = "รายงานการเงิน") -> None:
    """Call a Pa Khlok meeting through the chat, as a committee member does, and confirm it."""
    chair.press(B.CM_MEETINGS)
    chair.tap("นัดประชุมใหม่")
    chair.tap(title) if title in chair.labels() else chair.say(title)
    chair.say(when)
    chair.say(place)
    chair.say(agenda) if agenda else chair.tap("ไม่มีวาระ")
    chair.tap("ยืนยันนัดประชุม")
    assert "นัดประชุมเรียบร้อยแล้วค่ะ" in chair.text, chair.text


def meetings_of(Session) -> list[Meeting]:
    with Session() as s:
        found = list(s.scalars(select(Meeting).order_by(Meeting.id)))
        s.expunge_all()
        return found


def audits(Session, action: str) -> list[AuditLog]:
    with Session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def pushed(Session, person, kind: str | None = None) -> list[str]:
    """The texts waiting in the outbox for this person's chat (of one kind), oldest first."""
    with Session() as s:
        query = select(OutboxMessage).where(OutboxMessage.channel == person.channel,
                                            OutboxMessage.external_user_id == person.user)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = s.scalars(query.order_by(OutboxMessage.id)).all()
        return ["\n".join(reply["text"] for reply in row.payload) for row in rows]


def labels(chat) -> list[str]:
    """The buttons' labels, once each (LINE's driver also matches what a press displays)."""
    return [b.label for b in chat.buttons()]
