"""The committee sets how members pay (ช่องทางชำระเงิน): the card of what is set, one item at a time,
a wrong value answered in Thai, the summary, the confirmation acting once, the audit without the
value, clearing an item, and members then reading the new channels. Each test taking `driver` runs
on the simulator, LINE and Telegram (`driver` is Pa Khlok's committee member)."""

from __future__ import annotations

from sqlalchemy import select

from handlers import buttons as B
from models import AuditLog, Fund
from services.fund_paying import set_fields
from tests.committee_fixtures import refusals
from tests.factories import link_chat, make_member
from tests.registration import assert_buttons_fit

REFUSED = "สำหรับคณะกรรมการของกองทุนเท่านั้น"


def labels(chat) -> list[str]:
    return [b.label for b in chat.buttons()]  # LINE's driver also matches what a press displays


def _fund(Session, fund_id: int) -> Fund:
    with Session() as s:
        return s.get(Fund, fund_id)


def _audits(Session) -> list[AuditLog]:
    with Session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == "fund.paying").order_by(AuditLog.id)))


def test_setting_the_treasurers_phone_step_by_step(driver, cm_world, channel_db):
    driver.press(B.COMMITTEE)
    driver.tap("ช่องทางชำระเงิน")
    assert "ช่องทางชำระเงินและการติดต่อ" in driver.text and "ป่าคลอก" in driver.text
    assert "ยังไม่ได้ตั้ง" in driver.text
    assert "ชำระได้ที่ที่ทำการกองทุนทุกวันที่ 5" in driver.text  # the older notes, shown as set
    assert {"เลขบัญชี", "พร้อมเพย์", "เบอร์เหรัญญิก", "กลับเมนูกรรมการ"} <= set(labels(driver))
    assert_buttons_fit(driver)
    driver.tap("เบอร์เหรัญญิก")
    assert "พิมพ์เบอร์โทรของเหรัญญิก" in driver.text and "ตอนนี้ยังไม่ได้ตั้ง" in driver.text
    assert "แสดงให้สมาชิกทุกคน" in driver.text  # a phone shown to every member: said before it is typed
    assert "ลบรายการนี้" not in labels(driver)  # nothing to clear yet
    driver.say("1234")
    assert "เบอร์โทรไม่ถูกต้องค่ะ" in driver.text and "081-234-5678" in driver.text
    driver.say("1800123456")  # toll-free: refused in the chat as on the command line
    assert "เบอร์โทรไม่ถูกต้องค่ะ" in driver.text
    assert _fund(channel_db, cm_world.home_id).treasurer_phone is None
    driver.say("๐๘๙-๘๗๖-๕๔๓๒ ค่ะ")  # Thai digits, a polite particle
    assert "ยืนยันการเปลี่ยนเบอร์เหรัญญิกไหมคะ" in driver.text and "เป็น: 089-876-5432" in driver.text
    assert labels(driver) == ["ยืนยัน", "ยกเลิก"]
    assert _fund(channel_db, cm_world.home_id).treasurer_phone is None  # nothing before the confirmation
    confirm = next(b.data for b in driver.buttons() if b.label == "ยืนยัน")
    driver.tap("ยืนยัน")
    assert "บันทึกเบอร์เหรัญญิกเรียบร้อยแล้วค่ะ" in driver.text
    assert "• ชำระกับเหรัญญิก โทร 089-876-5432" in driver.text  # how members will see it
    assert _fund(channel_db, cm_world.home_id).treasurer_phone == "+66898765432"
    [row] = _audits(channel_db)
    assert row.actor.startswith("chat:") and row.entity_id == str(cm_world.home_id)
    assert row.detail["set"] == ["treasurer_phone"]
    assert "898765432" not in str(row.detail) and "8765432" not in str(row.detail)

    driver.press(confirm)  # pressed again, or delivered twice: acts once
    assert "ยืนยันไปแล้ว" in driver.text and len(_audits(channel_db)) == 1


def test_a_bank_account_and_clearing_it(driver, cm_world, channel_db):
    driver.press(B.CM_PINFO)
    driver.tap("เลขบัญชี")
    driver.say("020-1-2345")
    assert "เลขบัญชีไม่ถูกต้องค่ะ" in driver.text and "10 ถึง 12 หลัก" in driver.text
    driver.say("020-1-23456-789")
    assert "จากเดิม: — ยังไม่ได้ตั้ง" in driver.text and "เป็น: 020-1-23456-789" in driver.text
    driver.say("โอเค")  # typed at the summary: it waits for the button
    assert "กดปุ่ม \"ยืนยัน\"" in driver.text and "020-1-23456-789" in driver.text
    driver.tap("ยืนยัน")
    assert _fund(channel_db, cm_world.home_id).bank_account_no == "020123456789"
    driver.tap("ดูช่องทางทั้งหมด")
    assert "020-1-23456-789" in driver.text
    driver.tap("เลขบัญชี")
    assert "ตอนนี้: 020-1-23456-789" in driver.text
    driver.tap("ลบรายการนี้")
    assert "ยืนยันการลบเลขบัญชีไหมคะ" in driver.text
    driver.tap("ยืนยัน")
    assert "ลบเลขบัญชีเรียบร้อยแล้วค่ะ" in driver.text
    assert _fund(channel_db, cm_world.home_id).bank_account_no is None
    assert [r.detail["cleared"] for r in _audits(channel_db)] == [[], ["bank_account"]]


def test_a_wrong_promptpay_and_cancel(driver, cm_world, channel_db):
    driver.press(B.CM_PINFO)
    driver.tap("พร้อมเพย์")
    driver.say("3100600445634")
    assert "เลขตรวจสอบหลักสุดท้ายไม่ตรง" in driver.text
    driver.say("02-123-4567")
    assert "หมายเลขพร้อมเพย์ไม่ถูกต้องค่ะ" in driver.text
    driver.say("0812345678")
    driver.tap("ยกเลิก")
    assert "กลับเมนูกรรมการ" in labels(driver)
    assert _fund(channel_db, cm_world.home_id).promptpay_id is None and _audits(channel_db) == []


def test_the_meeting_text_reaches_the_members_answer(cm_world, channel_db, line_user, line_app):
    # The chair sets it on any channel; a member asks on LINE.
    with channel_db() as s, s.begin():
        set_fields(s, s.get(Fund, cm_world.home_id), {"meeting_en": "the 5th, village hall"}, actor="test")
    cm_world.chair.press(B.CM_PINFO)
    cm_world.chair.tap("ชำระในวันประชุม")
    cm_world.chair.say("ทุกวันที่ 10 ที่ศาลาประชาคมหมู่ 2")
    cm_world.chair.tap("ยืนยัน")
    fund = _fund(channel_db, cm_world.home_id)
    assert fund.pay_at_meeting_th == "ทุกวันที่ 10 ที่ศาลาประชาคมหมู่ 2"
    assert fund.pay_at_meeting_en is None  # it no longer said the same: English readers get the Thai
    with line_app.extensions["kongtun"].Session() as s, s.begin():
        link_chat(s, line_user.user, make_member(s, s.get(Fund, cm_world.home_id), first_name="สมศรี"),
                  channel="line")
    line_user.press(B.PAY_HOW)
    assert "ทุกวันที่ 10 ที่ศาลาประชาคมหมู่ 2" in line_user.text


def test_in_an_english_chat_the_texts_edited_are_the_english_ones(cm_world, channel_db):
    with channel_db() as s, s.begin():
        set_fields(s, s.get(Fund, cm_world.home_id), {"meeting_th": "ทุกวันที่ 5 ที่ศาลา"}, actor="test")
    cm_world.chair.press("lang:en")
    cm_world.chair.press(B.CM_PINFO)
    assert "At the meeting (EN)" in labels(cm_world.chair) and "At the meeting" not in labels(cm_world.chair)
    cm_world.chair.tap("At the meeting (EN)")
    cm_world.chair.say("On the 5th, at the village hall")
    cm_world.chair.tap("Confirm")
    fund = _fund(channel_db, cm_world.home_id)
    assert fund.pay_at_meeting_en == "On the 5th, at the village hall"
    assert fund.pay_at_meeting_th == "ทุกวันที่ 5 ที่ศาลา"  # Thai members keep their own text


def test_a_plain_member_is_refused_by_forged_buttons(driver, cm_world, new_driver, channel_db):
    plain = new_driver()
    with channel_db() as s, s.begin():
        link_chat(s, plain.user, make_member(s, s.get(Fund, cm_world.home_id), first_name="ธรรมดา"),
                  channel=plain.channel)
    for data in (B.CM_PINFO, B.CM_PINFO_FIELD + "tp", B.CM_PINFO_CLEAR + "nt", B.CM_PINFO_CONFIRM + "abc"):
        plain.press(data)
        assert REFUSED in plain.text, data
    assert len(refusals(channel_db)) == 4 and _audits(channel_db) == []
    assert _fund(channel_db, cm_world.home_id).payment_info_th is not None
