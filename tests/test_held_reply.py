"""Held messages (no LINE quota was left to push them) given free with the member's next answer,
through the signed webhook and the fake LINE: after the answer, under a short header in the member's
language, within one reply of 5 messages; what does not fit waits behind a button; the rows given are
sent by reply in the event's transaction; never in a group, never to another chat or member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from messaging.values import Button, Card, Row, Text
from models import ChatAccount, OutboxMessage
from services import held, outbox
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import LineUser


@pytest.fixture
def db(line_app):
    return line_app.extensions["kongtun"].Session


def hold(db, user: str, member_id: int | None, text: str, *, kind: str = "dues_reminder", card: bool = False,
         key: str | None = None, expires_at=None, status: str = "held") -> str:
    """A row the dispatcher could not push: held in the outbox for chat `user`."""
    replies = [Card(title=text, rows=(Row("ยอด", "30 บาท"),), footer="ชำระได้ที่ที่ทำการกองทุนค่ะ")] if card \
        else [Text(text)]
    key = key or f"test:{kind}:{text}"
    with db() as s, s.begin():
        assert outbox.enqueue(s, key=key, channel="line", user_id=user, replies=replies, member_id=member_id,
                              kind=kind, status=status, expires_at=expires_at)
    return key


def rows(db) -> dict[str, OutboxMessage]:
    with db() as s:
        return {r.key: r for r in s.scalars(select(OutboxMessage))}


def texts(line_user: LineUser) -> list[str]:
    return [m.text for m in line_user.replies]


def test_held_notices_follow_the_answer_free_under_a_thai_header(line_user, line_member, fake_line, db,
                                                                 clock):
    dues = hold(db, line_user.user, line_member.id, "แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569 ค่ะ")
    lapse = hold(db, line_user.user, line_member.id, "อีกหนึ่งเดือนสมาชิกภาพจะสิ้นสุดค่ะ", kind="lapse_warning")
    line_user.say("สวัสดี")
    said = texts(line_user)
    assert said[0].startswith("สวัสดีค่ะ คุณสมชาย")  # the answer first
    header = said.index("มีข้อความใหม่ถึงท่าน 2 รายการค่ะ")
    assert said[header + 1:] == ["อีกหนึ่งเดือนสมาชิกภาพจะสิ้นสุดค่ะ", "แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569 ค่ะ"]
    (reply,) = fake_line.calls("replyMessage")
    assert len(reply.json["messages"]) <= 5 and fake_line.calls("pushMessage") == []
    assert "quickReply" in reply.json["messages"][-1]  # the menu stays where LINE shows it
    assert {b.data for b in line_user.buttons()} >= {"acct", "ben", "meet"}
    found = rows(db)
    for key in (dues, lapse):
        assert (found[key].status, found[key].sent_via) == ("sent", "reply")
        assert found[key].sent_at == clock.now
    assert fake_line.consumption == 0


def test_nothing_held_leaves_the_answer_as_it_was(line_user, line_member, fake_line, db):
    line_user.say("สวัสดี")
    assert not any("ข้อความใหม่ถึงท่าน" in t or "ข้อความอีก" in t for t in texts(line_user))
    assert "quickReply" in line_user.last[-1]


def test_what_does_not_fit_waits_behind_a_button_that_gives_the_rest(line_user, line_member, fake_line, db):
    # Cards and long texts in turn: LINE's renderer cannot merge them into fewer messages.
    long = "รายละเอียดประกาศ " * 200
    keys = [hold(db, line_user.user, line_member.id, f"ประกาศที่ {i}" + ("" if i % 2 else f"\n{long}"),
                 kind="announcement", card=bool(i % 2), key=f"announce:{i}") for i in range(9)]
    line_user.say("สวัสดี")
    seen = ["\n".join(texts(line_user))]  # what the messages and bubbles show, once each
    assert "มีข้อความใหม่ถึงท่าน 9 รายการค่ะ" in line_user.text
    presses = 0
    while any(b.data == held.MORE for b in line_user.buttons()):
        assert "กดปุ่มด้านล่างเพื่ออ่านต่อได้เลยค่ะ" in line_user.text
        line_user.tap("อ่านข้อความที่เหลือ")
        seen.append("\n".join(texts(line_user)))
        presses += 1
        assert presses < 9
    assert presses >= 1 and "ข้อความที่ยังไม่ได้อ่านอีก" in seen[1]
    everything = "\n".join(seen)
    for i in range(9):  # each one given exactly once, across the answers
        assert everything.count(f"ประกาศที่ {i}") == 1
    assert all(len(c.json["messages"]) <= 5 for c in fake_line.calls("replyMessage"))
    assert fake_line.calls("pushMessage") == []
    assert {r.status for k, r in rows(db).items() if k in keys} == {"sent"}
    line_user.press(held.MORE)  # the last button, pressed again
    assert line_user.text == "ตอนนี้ไม่มีข้อความค้างอยู่แล้วค่ะ"


def test_the_header_speaks_the_members_language(line_user, line_member, fake_line, db):
    with db() as s, s.begin():
        account = s.scalars(select(ChatAccount).where(ChatAccount.external_user_id == line_user.user)).one()
        account.locale = "en"
    hold(db, line_user.user, line_member.id, "Dues reminder for December 2026.")
    line_user.say("hello")
    assert "New messages for you: 1." in texts(line_user)
    assert texts(line_user)[-1] == "Dues reminder for December 2026."


def test_never_in_a_group_chat(line_client, line_user, line_member, fake_line, db):
    key = hold(db, line_user.user, line_member.id, "แจ้งเตือนค่าสัจจะค่ะ")
    in_group = LineUser(line_client, fake_line, user=line_user.user, group=wh.group_id())
    in_group.say("@น้องกองทุน สวัสดี", mention_self=True)
    assert in_group.last and "แจ้งเตือนค่าสัจจะค่ะ" not in in_group.text
    in_group.press(held.MORE)  # nor with the button, pressed where others can read
    assert "แจ้งเตือนค่าสัจจะค่ะ" not in in_group.text
    assert rows(db)[key].status == "held"


def test_an_unlinked_chat_gets_nothing_held(line_client, line_member, fake_line, db):
    stranger = LineUser(line_client, fake_line)
    key = hold(db, stranger.user, line_member.id, "แจ้งเตือนค่าสัจจะค่ะ")
    stranger.say("สวัสดี")
    assert "แจ้งเตือนค่าสัจจะค่ะ" not in stranger.text
    assert rows(db)[key].status == "held"


def test_only_this_chats_held_rows_of_this_member_are_given(line_client, line_user, line_member, fake_line,
                                                            db, clock):
    other_chat = hold(db, wh.user_id(), line_member.id, "ของแชตอื่นค่ะ")
    other_member = hold(db, line_user.user, None, "ถึงแชตนี้ค่ะ", kind="notice")
    pending = hold(db, line_user.user, line_member.id, "รอส่งตามปกติค่ะ", status="pending")
    expired = hold(db, line_user.user, line_member.id, "ประชุมเริ่มไปแล้วค่ะ", kind="meeting_reminder",
                   expires_at=clock.now - timedelta(minutes=1))
    maybe_pushed = hold(db, line_user.user, line_member.id, "อาจส่งไปแล้วค่ะ")
    with db() as s, s.begin():  # held after a push LINE may have accepted: it goes again by its key
        s.scalars(select(OutboxMessage).where(OutboxMessage.key == maybe_pushed)).one().retry_key = \
            "0b5f3e4e-58a4-4c1f-9a59-2a9a3c7f1d10"
    line_user.say("สวัสดี")
    said = texts(line_user)
    assert "ถึงแชตนี้ค่ะ" in said  # a notice to the chat itself
    assert not {"ของแชตอื่นค่ะ", "รอส่งตามปกติค่ะ", "ประชุมเริ่มไปแล้วค่ะ", "อาจส่งไปแล้วค่ะ"} & set(said)
    found = rows(db)
    assert [found[k].status for k in (other_chat, other_member, pending, expired, maybe_pushed)] == \
        ["held", "sent", "pending", "held", "held"]


def test_a_reply_that_fails_keeps_the_held_notices_inside_the_kept_answer(line_user, line_member, fake_line,
                                                                          db):
    key = hold(db, line_user.user, line_member.id, "แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569 ค่ะ")
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    fake_line.fail_next("pushMessage", 500, times=2)
    line_user.say("สวัสดี")
    found = rows(db)
    assert (found[key].status, found[key].sent_via) == ("sent", "reply")
    (answer,) = [r for r in found.values() if r.kind == "answer"]
    assert answer.status == "pending" and answer.retry_key  # for the dispatcher, under the same keys
    pushed = fake_line.calls("pushMessage")
    assert {p.headers["x-line-retry-key"] for p in pushed} == {answer.retry_key}
    assert "แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569 ค่ะ" in str(answer.payload)
    assert "มีข้อความใหม่ถึงท่าน 1 รายการค่ะ" in str(answer.payload)


def test_a_redelivered_event_gives_nothing_twice(line_user, line_member, fake_line, db):
    hold(db, line_user.user, line_member.id, "แจ้งเตือนค่าสัจจะค่ะ")
    event = wh.event("message", line_user.user, message=wh.text_message("สวัสดี"))
    line_user.post(event)
    line_user.post({**event, "deliveryContext": {"isRedelivery": True}})
    assert len(fake_line.calls("replyMessage")) == 1


def test_a_notice_with_its_own_button_keeps_it(line_user, line_member, fake_line, db):
    with db() as s, s.begin():
        outbox.enqueue(s, key="receipt:1", channel="line", user_id=line_user.user, member_id=line_member.id,
                       kind="receipt", status="held",
                       replies=[Text("ได้รับเงินสัจจะ 30 บาทแล้วค่ะ ขอบคุณค่ะ", (Button("ยอดเงินของฉัน", "acct"),))])
    line_user.say("สวัสดี")
    assert "ได้รับเงินสัจจะ 30 บาทแล้วค่ะ ขอบคุณค่ะ" in line_user.text
    assert [b.data for b in line_user.buttons()].count("acct") == 1  # its button and the menu's, once


def test_a_notice_too_long_for_any_reply_waits_for_the_dispatcher(line_user, line_member, fake_line, db):
    huge = [Text(f"ส่วนที่ {i} " + "รายละเอียด " * 600) for i in range(6)]  # six messages: never one reply
    with db() as s, s.begin():
        outbox.enqueue(s, key="announce:huge", channel="line", user_id=line_user.user,
                       member_id=line_member.id, kind="announcement", status="held", replies=huge)
    small = hold(db, line_user.user, line_member.id, "แจ้งเตือนค่าสัจจะค่ะ")
    line_user.say("สวัสดี")
    assert "มีข้อความใหม่ถึงท่าน 1 รายการค่ะ" in texts(line_user) and held.MORE not in line_user.text
    line_user.press(held.MORE)
    assert line_user.text == "ตอนนี้ไม่มีข้อความค้างอยู่แล้วค่ะ"
    found = rows(db)
    assert (found["announce:huge"].status, found[small].status) == ("held", "sent")
