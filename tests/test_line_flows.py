"""Whole conversations in LINE, in Thai: follow, register (link and apply), then every member
feature, by tapping the quick replies and Flex buttons the fake LINE received in each reply."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import ChatAccount, Member, MemberStatus, ProcessedEvent
from tests.conftest import BANGKOK
from tests.factories import make_fund, make_meeting, make_member, valid_national_id

ROSTER_ID = "3100600445635"
BIRTH_BE = "15/01/2510"  # 15 January 1967


@pytest.fixture
def db(line_app):
    return line_app.extensions["kongtun"].Session


@pytest.fixture
def roster(db, clock):
    with db() as s, s.begin():
        pakhlok = make_fund(s, "PAKHLOK", district_th="ถลาง", name_th="เทศบาลตำบลป่าคลอก")
        sakhu = make_fund(s, "SAKHU", district_th="ถลาง", name_th="องค์การบริหารส่วนตำบลสาคู")
        sakhu.kind = "อบต."
        somsri = make_member(s, pakhlok, national_id=ROSTER_ID, birth_date=date(1967, 1, 15),
                             first_name="สมศรี", last_name="มีสุข", member_no="00017",
                             joined_on=date(2019, 5, 1), months_paid=80)
        make_meeting(s, pakhlok, clock.now + timedelta(days=16), title="ประชุมประจำเดือนธันวาคม")
        make_meeting(s, None, datetime(2027, 1, 20, 13, 0, tzinfo=BANGKOK), title="สมัชชาจังหวัดภูเก็ต")
    return somsri.id


def linked_member(db, user: str) -> int | None:
    with db() as s:
        return s.scalar(select(ChatAccount.member_id).where(ChatAccount.channel == "line",
                                                           ChatAccount.external_user_id == user))


def test_follow_register_by_linking_then_use_every_feature_in_thai(db, roster, line_user, fake_line):
    fake_line.add_profile(line_user.user, "Somsri M.")
    line_user.follow()
    assert "คุณSomsri M." in line_user.text

    line_user.tap("ลงทะเบียน")  # postback "reg"
    assert "เป็นสมาชิก" in line_user.text
    line_user.tap("เป็นสมาชิกแล้ว")
    assert "ข้อมูลส่วนบุคคล" in line_user.text
    assert [a.label for a in line_user.buttons()] == ["ยินยอม", "ยกเลิก"]
    line_user.tap("ยินยอม")
    assert "13 หลัก" in line_user.text
    line_user.say("3-1006-00445-63-5")
    assert "วันเดือนปีเกิด" in line_user.text
    line_user.say(BIRTH_BE)
    assert "เบอร์โทรศัพท์ที่ท่านให้ไว้กับกองทุน" in line_user.text
    line_user.say("081-234-5678")
    assert "เชื่อมบัญชีเรียบร้อย" in line_user.text and "สมศรี" in line_user.text
    assert linked_member(db, line_user.user) == roster

    line_user.tap("ยอดเงินของฉัน")
    (card,) = line_user.last
    assert card["type"] == "flex" and card["altText"]
    assert "สมศรี มีสุข" in line_user.text and "00017" in line_user.text

    line_user.say("ได้สิทธิ์อะไรบ้าง")
    assert line_user.last[0]["type"] == "flex"
    assert "สวัสดิการ" in line_user.last[0]["altText"] or "สิทธิ" in line_user.last[0]["altText"]

    line_user.press("fund")
    assert "เทศบาลตำบลป่าคลอก" in line_user.text and line_user.last[0]["type"] == "flex"

    line_user.say("ประชุมเมื่อไหร่")
    cards = [m for m in line_user.last if m["type"] == "flex"]
    assert [c["contents"]["header"]["contents"][0]["text"] for c in cards] == [
        "ประชุมประจำเดือนธันวาคม", "สมัชชาจังหวัดภูเก็ต"]
    assert all(len(c["altText"]) <= 400 and ("ประชุม" in c["altText"] or "สมัชชา" in c["altText"])
               for c in cards)
    assert "quickReply" in line_user.last[-1]

    line_user.tap("เมนูหลัก")
    line_user.tap("Language")
    line_user.tap("English")
    assert [a.data for a in line_user.buttons()][:4] == ["acct", "ben", "fund", "meet"]
    assert "My balance" in [a.label for a in line_user.buttons()]
    line_user.press("acct")
    assert "สมศรี มีสุข" in line_user.text and line_user.last[0]["type"] == "flex"


def test_register_a_new_applicant_through_line(db, roster, line_user, fake_line):
    new_id = valid_national_id(515151)
    line_user.say("อยากสมัครสมาชิกกองทุน")
    line_user.tap("สมัครสมาชิกใหม่")
    line_user.tap("ยินยอม")
    line_user.say("นาง สมหญิง รักดี")
    line_user.say(new_id)
    line_user.say("2/3/2520")
    line_user.say("081-234-5678")
    # One district only: the funds are offered at once.
    assert [a.label for a in line_user.buttons()] == ["ทต.ป่าคลอก", "อบต.สาคู", "ยกเลิก"]
    line_user.tap("ทต.ป่าคลอก")
    summary = line_user.last[-1]
    assert summary["type"] == "flex"  # the summary is a card: the ID masked, the phone in full (her own chat)
    assert "081-234-5678" in line_user.text and new_id not in line_user.text.replace("-", "")
    assert len(summary["quickReply"]["items"]) == 7  # confirm, five "edit" buttons, cancel
    line_user.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in line_user.text
    with db() as s:
        applicant = s.get(Member, linked_member(db, line_user.user))
        assert applicant.status == MemberStatus.PENDING and applicant.first_name == "สมหญิง"


def test_every_button_sent_fits_line_and_leads_somewhere(db, roster, line_user, fake_line):
    """Walk the menu: every quick reply and Flex button the bot sent is valid and answered."""
    line_user.follow()
    seen: set[str] = set()
    queue = [a.data for a in line_user.buttons()]
    while queue and len(seen) < 40:
        data = queue.pop(0)
        if data in seen or data.startswith(("reg", "lang", "del")):
            continue
        seen.add(data)
        assert line_user.press(data), data
        queue += [a.data for a in line_user.buttons()]
    assert {"acct", "ben", "fund", "meet"} <= seen
    assert not fake_line.errors


def test_a_typed_national_id_is_never_echoed_back_in_a_reply(db, roster, line_user, fake_line):
    line_user.press("reg")
    line_user.tap("เป็นสมาชิกแล้ว")
    line_user.tap("ยินยอม")
    line_user.say(ROSTER_ID)
    sent = "".join(str(r.json) for r in fake_line.requests)
    assert ROSTER_ID not in sent
    with db() as s:
        assert s.scalar(select(ProcessedEvent).limit(1)) is not None
