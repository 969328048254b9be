"""Looking at something else in the middle of registering: the registration waits underneath,
the answer says so with "continue" and "stop" buttons, and the next answer typed is still read as
the step's answer, on every channel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Member
from tests.registration import BIRTH, ROSTER_ID, build_roster, count, state, walk_apply, walk_link


def labels(driver) -> list[str]:
    return [b.label for b in driver.buttons()]


@pytest.mark.parametrize("button", ["acct", "ben", "fund", "meet", "mydata", "lang", "menu"])
def test_a_menu_button_during_registration_keeps_it_waiting(driver, channel_db, button):
    build_roster(channel_db)
    walk_link(driver, "reg.link.id")
    driver.press(button)
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.link.id"
    assert "การลงทะเบียนของท่านยังรออยู่" in driver.text
    assert {"ลงทะเบียนต่อ", "ยกเลิกการลงทะเบียน"} <= set(labels(driver))
    driver.say(ROSTER_ID)  # the ID typed next is still the answer to the step
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.link.birth"
    assert "ไม่เข้าใจ" not in driver.text


def test_continue_asks_the_waiting_step_again_with_what_was_given(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    before = state(channel_db, driver.user, driver.channel)
    driver.say("เมนูค่ะ")
    assert "การลงทะเบียนของท่านยังรออยู่" in driver.text
    driver.tap("ลงทะเบียนต่อ")
    assert "ลงทะเบียนต่อจากเดิม" in driver.text and "วันเดือนปีเกิด" in driver.text
    assert state(channel_db, driver.user, driver.channel) == before
    driver.tap("ยกเลิก")
    assert state(channel_db, driver.user, driver.channel) == (None, {})


def test_register_pressed_again_goes_on_rather_than_starting_over(driver, channel_db):
    build_roster(channel_db)
    walk_link(driver, "reg.link.birth")
    driver.press("menu")
    driver.tap("ลงทะเบียน")
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.link.birth"
    driver.say(BIRTH.strftime("%d/%m/") + str(BIRTH.year + 543))
    assert state(channel_db, driver.user, driver.channel)[0] != "reg.link.birth"  # the date was read


def test_stop_registering_from_the_note_ends_it_and_old_buttons_say_so(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.press("ben")
    driver.tap("ยกเลิกการลงทะเบียน")
    assert "ยกเลิกเรียบร้อย" in driver.text
    driver.press("reg:confirm")
    assert "จบไปแล้ว" in driver.text and "หมดเวลา" not in driver.text
    assert count(channel_db, Member) == 1  # only Somsri: no application was made


def test_continue_after_the_registration_timed_out_says_it_timed_out(driver, channel_db, clock):
    build_roster(channel_db)
    walk_link(driver, "reg.link.id")
    driver.press("menu")
    clock.now += timedelta(hours=2)
    driver.tap("ลงทะเบียนต่อ")
    assert "หมดเวลา" in driver.text
    assert "ลงทะเบียน" in labels(driver)


def test_the_note_is_in_english_for_an_english_chat(driver, channel_db):
    build_roster(channel_db)
    driver.press("lang:en")
    driver.say("register")
    driver.press("reg:link")
    driver.press("menu")
    assert "Your registration is still waiting" in driver.text
    assert {"Continue registering", "Stop registering"} <= set(labels(driver))
