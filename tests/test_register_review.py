"""Reviewing an application before sending it: every answer on the summary (the phone in full, in the
applicant's own chat), and changing one answer without starting again. On the simulator, LINE and
Telegram (`driver`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Member
from tests.registration import NEW_ID, build_roster, count, dashed, state, valid_national_id, walk_apply

OTHER_ID = valid_national_id(737373)
EDIT_LABELS = ["แก้ชื่อ", "แก้เลขบัตร", "แก้วันเกิด", "แก้เบอร์โทร", "แก้กองทุน"]


def _step(db, driver) -> str | None:
    return state(db, driver.user, driver.channel)[0]


def _application(db) -> Member:
    with db() as s:
        member = s.scalar(select(Member).where(Member.first_name != "สมศรี"))
        member.fund  # noqa: B018 - loaded while the session is open
        s.expunge(member)
        return member


def _choose(driver, label: str) -> None:
    """Tap a button; Telegram's phone question has a keyboard that sends the label as text."""
    if any(b.label == label for b in driver.buttons()):
        driver.tap(label)
    else:
        driver.say(label)


def _labels(driver) -> list[str]:
    return list(dict.fromkeys(b.label for b in driver.buttons()))


def test_the_summary_shows_every_answer_and_a_button_for_each(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    text = driver.text
    for shown in ("สมหญิง รักดี", "x-xxxx-xxxx", "2 มีนาคม 2520", "081-234-5678", "ถลาง", "เทศบาลตำบลป่าคลอก"):
        assert shown in text, shown
    assert NEW_ID not in text.replace("-", "")
    assert _labels(driver) == ["ยืนยัน", *EDIT_LABELS, "ยกเลิก"]
    for b in driver.buttons():
        assert len(b.label) <= 20 and len(b.data.encode()) <= 64


def test_changing_the_birth_date_asks_only_that_and_returns_to_the_summary(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("แก้วันเกิด")
    assert _step(channel_db, driver) == "reg.apply.birth"
    assert "วันเดือนปีเกิด" in driver.text and "ข้อมูลอื่นยังอยู่ครบ" in driver.text
    assert "ตอนนี้คือ: 2 มีนาคม 2520" in driver.text  # what is being changed
    assert "กลับไปหน้าตรวจสอบ" in _labels(driver)
    driver.say("30 ก.พ. 2520")  # wrong: asked again, still changing the birth date
    assert "เดือนกุมภาพันธ์ 2520 มีแค่ 28 วัน" in driver.text
    assert _step(channel_db, driver) == "reg.apply.birth"
    driver.say("เกิด 3 มี.ค. 20 ค่ะ")
    assert _step(channel_db, driver) == "reg.apply.confirm"
    assert "แก้ไขเรียบร้อย" in driver.text and "3 มีนาคม 2520" in driver.text
    assert "สมหญิง รักดี" in driver.text and "081-234-5678" in driver.text  # the rest kept
    assert "editing" not in state(channel_db, driver.user, driver.channel)[1]
    driver.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อยแล้ว" in driver.text
    member = _application(channel_db)
    assert (member.birth_date, member.phone) == (date(1977, 3, 3), "+66812345678")
    assert member.fund.code == "PAKHLOK"


def test_changing_the_name_the_id_and_the_phone_one_at_a_time(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("แก้ชื่อ")
    driver.say("สมหญิง")  # wrong: only a first name
    assert "ทั้งชื่อและนามสกุล" in driver.text and _step(channel_db, driver) == "reg.apply.name"
    driver.say("นางสาว สมหญิง ใจงาม")
    assert _step(channel_db, driver) == "reg.apply.confirm" and "สมหญิง ใจงาม" in driver.text

    driver.tap("แก้เลขบัตร")
    driver.say("เลขบัตร " + OTHER_ID[:12] + str((int(OTHER_ID[12]) + 1) % 10) + " ค่ะ")  # a typo
    assert "ไม่ถูกต้อง" in driver.text and _step(channel_db, driver) == "reg.apply.id"
    driver.say("บัตรประชาชนเลข " + dashed(OTHER_ID) + " นะคะ")
    assert _step(channel_db, driver) == "reg.apply.confirm"
    assert OTHER_ID[-4:] in driver.text.replace("-", "")

    driver.tap("แก้เบอร์โทร")
    driver.say("12345")
    assert "อ่านเบอร์นี้ไม่ได้" in driver.text and _step(channel_db, driver) == "reg.apply.phone"
    driver.say("เบอร์บ้าน 076-211-234 ค่ะ")
    assert _step(channel_db, driver) == "reg.apply.confirm" and "076-211-234" in driver.text
    driver.tap("ยืนยัน")
    member = _application(channel_db)
    assert (member.first_name, member.last_name, member.phone) == ("สมหญิง", "ใจงาม", "+6676211234")
    assert member.national_id_last4 == OTHER_ID[-4:]
    assert count(channel_db, Member) == 2


def test_changing_the_fund_goes_through_district_and_fund_only(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("แก้กองทุน")
    assert _step(channel_db, driver) == "reg.apply.district"
    driver.say("ไม่รู้")
    assert "เลือกจากปุ่ม" in driver.text and _step(channel_db, driver) == "reg.apply.district"
    driver.say("ต.ราไวย์")
    assert _step(channel_db, driver) == "reg.apply.fund"
    driver.tap("ทต.ราไวย์")
    assert _step(channel_db, driver) == "reg.apply.confirm"
    assert "เทศบาลตำบลราไวย์" in driver.text and "เมืองภูเก็ต" in driver.text
    assert "สมหญิง รักดี" in driver.text
    driver.tap("ยืนยัน")
    assert _application(channel_db).fund.code == "RAWAI"


def test_back_to_the_summary_changes_nothing(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    for label in ("แก้เบอร์โทร", "แก้กองทุน", "แก้ชื่อ"):
        driver.tap(label)
        _choose(driver, "กลับไปหน้าตรวจสอบ")
        assert _step(channel_db, driver) == "reg.apply.confirm"
        assert "081-234-5678" in driver.text and "เทศบาลตำบลป่าคลอก" in driver.text
    driver.tap("แก้ชื่อ")
    driver.say("กลับไปหน้าตรวจสอบ")  # the label, typed
    assert _step(channel_db, driver) == "reg.apply.confirm" and "สมหญิง รักดี" in driver.text
    driver.say("แก้วันเกิด")  # a summary button's label, typed
    assert _step(channel_db, driver) == "reg.apply.birth"


def test_an_edit_button_from_an_earlier_summary_is_stale(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("แก้วันเกิด")
    driver.press("reg:edit:name")  # the old summary's button, while the birth date is being changed
    assert "ขั้นตอนก่อนหน้า" in driver.text and _step(channel_db, driver) == "reg.apply.birth"
    driver.press("reg:edit:nonsense")
    assert _step(channel_db, driver) == "reg.apply.birth"
    assert count(channel_db, Member) == 1
