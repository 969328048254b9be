"""Small gaps in the registration dialog: a number that is not in the list says which numbers
there are; "สมัครสมาชิก", politely or not, goes into the apply path; an old button names the step
the registration stands at."""

from __future__ import annotations

import pytest

from handlers.register import STATES
from locales import translate
from tests.registration import build_roster, state, walk_apply, walk_link


def test_a_fund_number_not_in_the_list_says_which_numbers_there_are(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.fund")
    driver.say("9")
    assert "ไม่มีหมายเลข 9 ค่ะ กรุณาพิมพ์หมายเลข 1–2" in driver.text
    assert "เลือกจากปุ่ม" not in driver.text
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.fund"
    driver.say("๒ ค่ะ")  # a number in the list, in Thai digits and politely
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.confirm"


def test_a_district_number_not_in_the_list_says_which_numbers_there_are(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.district")
    driver.say("7")
    assert "ไม่มีหมายเลข 7 ค่ะ กรุณาพิมพ์หมายเลข 1–3" in driver.text
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.district"


def test_in_english_the_number_not_in_the_list(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.fund")
    driver.press("lang:en")  # the registration waits meanwhile
    driver.say("9")
    assert "There is no number 9. Please type a number from 1 to 2" in driver.text


@pytest.mark.parametrize("typed", ["สมัครสมาชิก", "สมัครสมาชิกค่ะ", "ขอสมัครสมาชิกครับ", "สมัครเป็นสมาชิกค่ะ"])
def test_asking_to_apply_goes_into_the_apply_path(driver, channel_db, typed):
    build_roster(channel_db)
    driver.say(typed)
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.consent"
    assert "หรือยังไม่ได้เป็นสมาชิก" not in driver.text


@pytest.mark.parametrize(("typed", "step"), [
    ("สมัครสมาชิกค่ะ", "reg.apply.consent"), ("ยังไม่ได้เป็นสมาชิกค่ะ", "reg.apply.consent"),
    ("เป็นสมาชิกแล้วค่ะ", "reg.link.consent"), ("เป็นแล้วครับ", "reg.link.consent"),
])
def test_the_member_question_answered_in_words(driver, channel_db, typed, step):
    build_roster(channel_db)
    driver.say("ลงทะเบียน")
    driver.say(typed)
    assert state(channel_db, driver.user, driver.channel)[0] == step


def test_register_alone_still_asks_whether_one_is_a_member(driver, channel_db):
    build_roster(channel_db)
    driver.say("ลงทะเบียนค่ะ")
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.choose"


def test_an_old_button_names_the_step_the_registration_is_at(driver, channel_db):
    build_roster(channel_db)
    walk_link(driver, "reg.link.birth")
    driver.press("reg:consent:link")
    assert "ตอนนี้การลงทะเบียนอยู่ที่ขั้นตอนกรอกวันเดือนปีเกิด" in driver.text
    assert "ตอนนี้อยู่ที่ขั้นตอนนี้นะคะ" not in driver.text


@pytest.mark.parametrize("locale", ["th", "en"])
def test_every_step_has_a_name(locale):
    for name in STATES:
        assert translate(locale, "register.step_" + name.removeprefix("reg.").replace(".", "_"))
