"""The menu and the features that need a member, looked at while a registration waits: nothing
invites to start registering again, and the one way back is "continue registering", offered once."""

from __future__ import annotations

import pytest

from tests.registration import build_roster, state, walk_apply, walk_link


def labels(driver) -> list[str]:
    return [b.label for b in driver.buttons()]


@pytest.mark.parametrize("how", ["typed", "pressed"])
def test_the_menu_during_registration_does_not_invite_to_start_again(driver, channel_db, how):
    build_roster(channel_db)
    walk_link(driver, "reg.link.id")
    if how == "typed":
        driver.say("เมนู")
    else:
        driver.press("menu")
    assert "เริ่มจากกดปุ่ม" not in driver.text
    assert "การลงทะเบียนของท่านยังรออยู่" in driver.text
    assert "ลงทะเบียน" not in labels(driver)
    assert labels(driver).count("ลงทะเบียนต่อ") == 1
    driver.tap("ลงทะเบียนต่อ")
    assert "เลขประจำตัวประชาชน" in driver.text and "หรือยังไม่ได้เป็นสมาชิก" not in driver.text
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.link.id"


def test_the_english_menu_during_registration(driver, channel_db):
    build_roster(channel_db)
    driver.press("lang:en")
    driver.say("register")
    driver.press("reg:link")
    driver.say("menu")
    assert "Start with" not in driver.text
    assert "Register" not in labels(driver)
    assert labels(driver).count("Continue registering") == 1


@pytest.mark.parametrize("button", ["acct", "ben"])
def test_a_members_feature_during_registration_says_finish_first_once(driver, channel_db, button):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.press(button)
    assert "กรุณาลงทะเบียนให้เสร็จก่อน" in driver.text
    assert 'กด "ลงทะเบียน"' not in driver.text
    assert "ลงทะเบียน" not in labels(driver)
    assert labels(driver).count("ลงทะเบียนต่อ") == 1
    assert labels(driver).count("ยกเลิกการลงทะเบียน") == 1
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.birth"


def test_without_a_registration_the_menu_still_invites_to_register(driver, channel_db):
    driver.say("เมนู")
    assert "เริ่มจากกดปุ่ม" in driver.text and "ลงทะเบียน" in labels(driver)
    driver.press("acct")
    assert 'กด "ลงทะเบียน"' in driver.text and "ลงทะเบียน" in labels(driver)
