"""What people type at the registration steps, through the chat (simulator, LINE and Telegram):
birth dates in everyday forms, a national ID inside a sentence, a ตำบล at the district step, a
landline as the phone."""

from __future__ import annotations

import pytest

from tests.registration import (
    NEW_ID,
    PHONE,
    ROSTER_ID,
    account,
    build_roster,
    dashed,
    start_link,
    state,
    thai_digits,
    walk_apply,
)


def _at(db, driver) -> tuple[str | None, dict]:
    return state(db, driver.user, driver.channel)


@pytest.mark.parametrize(("typed", "iso"), [
    ("15 มกรา 2510", "1967-01-15"),
    ("15 ก.พ. 10", "1967-02-15"),
    ("วันที่ 15 มกราคม พ.ศ. 2510", "1967-01-15"),
    ("15012510", "1967-01-15"),
    ("15/1/2510", "1967-01-15"),
    ("15/1/1967", "1967-01-15"),
    (thai_digits("15/1/2510"), "1967-01-15"),
    ("15 มค 10", "1967-01-15"),
    ("15 Jan 1967", "1967-01-15"),
    ("เกิด 15 ม.ค. 10 ค่ะ", "1967-01-15"),
])
def test_a_birth_date_as_people_type_it_at_the_apply_step(driver, channel_db, typed, iso):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.say(typed)
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.phone" and data["birth_date"] == iso


@pytest.mark.parametrize(("typed", "expected"), [
    ("30 ก.พ. 2510", "เดือนกุมภาพันธ์ 2510 มีแค่ 28 วัน"),
    ("15/13/2510", "ไม่มีเดือนที่ 13"),
    ("1 ม.ค. 2570", "ยังมาไม่ถึง"),
    ("15 มกรา", "ขอปีเกิดด้วยนะคะ กรุณาพิมพ์วัน เดือน และปีเกิด เช่น 15 มกราคม 2510"),
    ("ไม่บอก", "อ่านวันเกิดนี้ไม่ออก"),
])
def test_a_wrong_birth_date_says_what_is_wrong_and_the_form_that_works(driver, channel_db, typed, expected):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.say(typed)
    assert expected in driver.text and "15/1/2510" in driver.text
    assert _at(channel_db, driver)[0] == "reg.apply.birth"


def test_a_birth_date_in_everyday_form_links_too(driver, channel_db):
    roster = build_roster(channel_db)
    start_link(driver)
    driver.say("เลขบัตร " + ROSTER_ID + " ค่ะ")
    driver.say("เกิด 15 ม.ค. 10 ค่ะ")
    driver.say(PHONE)
    assert account(channel_db, driver.user, driver.channel).member_id == roster.member_id


@pytest.mark.parametrize("typed", [
    "เลขบัตร {id} ค่ะ", "บัตรประชาชนเลข {dashed} นะคะ", "เลขประจำตัวประชาชนของดิฉันคือ {thai} ค่ะ",
])
def test_a_national_id_inside_a_sentence(driver, channel_db, typed):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.id")
    driver.say(typed.format(id=NEW_ID, dashed=dashed(NEW_ID), thai=thai_digits(dashed(NEW_ID))))
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.birth" and data["id_last4"] == NEW_ID[-4:]


@pytest.mark.parametrize(("typed", "expected"), [
    ("เลขบัตร {wrong} ค่ะ", "ตัวเลขหลักสุดท้ายไม่ตรง"),
    ("บัตรประชาชนเลข 0{rest} นะคะ", "ไม่ขึ้นต้นด้วย 0 หรือ 9"),
    ("เลขบัตร {short} ค่ะ", "มี 12 หลัก"),
    ("ไม่มีบัตรค่ะ", "ไม่พบเลขประจำตัวประชาชน"),
])
def test_a_wrong_id_in_a_sentence_gets_a_clear_answer(driver, channel_db, typed, expected):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.id")
    wrong = NEW_ID[:12] + str((int(NEW_ID[12]) + 1) % 10)
    driver.say(typed.format(wrong=wrong, rest=NEW_ID[1:], short=NEW_ID[:12]))
    assert expected in driver.text and "1-2345-67890-12-1" in driver.text
    assert _at(channel_db, driver)[0] == "reg.apply.id"


@pytest.mark.parametrize(("typed", "first"), [
    ("ป่าคลอก", "ทต.ป่าคลอก"), ("ต.ป่าคลอก", "ทต.ป่าคลอก"), ("ตำบลสาคูค่ะ", "อบต.สาคู"),
    ("สาคุ", "อบต.สาคู"), ("ปาคลอก", "ทต.ป่าคลอก"), ("Sakhu", "อบต.สาคู"),
])
def test_a_sub_district_at_the_district_step_is_its_district_with_its_fund_first(
        driver, channel_db, typed, first):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.district")
    driver.say(typed)
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.fund" and data["district"] == "ถลาง"
    assert "อยู่ในอำเภอถลาง" in driver.text and "กองทุนของตำบลนี้อยู่ลำดับแรก" in driver.text
    assert [b.label for b in driver.buttons()][0] == first
    driver.say("1")  # the first in the list is the ตำบล's own fund
    assert _at(channel_db, driver)[0] == "reg.apply.confirm"
    assert ("สาคู" if "สาคู" in first else "ป่าคลอก") in driver.text


@pytest.mark.parametrize(("typed", "district"), [
    ("อ.ถลาง", "ถลาง"), ("อำเภอถลางค่ะ", "ถลาง"), ("ถลาน", "ถลาง"), ("เมือง", "เมืองภูเก็ต"),
    ("ป่าตอง", "กะทู้"), ("ต.ราไวย์ อ.เมือง", "เมืองภูเก็ต"),
])
def test_a_district_typed_with_its_prefix_a_typo_or_through_a_sub_district(
        driver, channel_db, typed, district):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.district")
    driver.say(typed)
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.fund" and data["district"] == district


def test_a_sub_district_without_its_own_fund_here_still_names_its_district(driver, channel_db):
    build_roster(channel_db)  # Kathu has only Kamala's fund: Patong's is not on this roster
    walk_apply(driver, "reg.apply.district")
    driver.say("ต.ป่าตอง")
    assert "ตำบลป่าตอง อยู่ในอำเภอกะทู้ค่ะ" in driver.text and "ลำดับแรก" not in driver.text


def test_something_else_at_the_district_step_asks_for_the_buttons(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.district")
    for typed in ("ไม่รู้", "กรุงเทพ", "9"):
        driver.say(typed)
        assert _at(channel_db, driver)[0] == "reg.apply.district"
    assert "ไม่มีหมายเลข 9" in driver.text


@pytest.mark.parametrize("typed", ["076-211-234", "เบอร์บ้าน ๐๗๖ ๒๑๑ ๒๓๔ ค่ะ", "076211234"])
def test_a_landline_is_taken_as_the_phone(driver, channel_db, typed):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.phone")
    driver.say(typed)
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.district" and data["phone"] == "+6676211234"
