"""A two-digit birth year that reads as a child's or a grown-up's, through the chat (simulator, LINE
and Telegram): the step asks which year with a button each, stays at the birth step until answered
(a button, its label typed, a four-digit year, another date), in applying and in linking; and the
summary shows the age beside the date, so that a wrong four-digit year is plain at review.
The chats' clock stands at 29 November 2026: "15/1/67" is 2567 (2 years old) or 1967 (2510, 59)."""

from __future__ import annotations

import pytest

from handlers import buttons as B
from models import ChatAccount
from tests.registration import (
    NEW_ID,
    PHONE,
    ROSTER_ID,
    THAI_CHARS,
    USER,
    account,
    assert_buttons_fit,
    build_roster,
    dashed,
    start_link,
    state,
    walk_apply,
)

BOTH = ("15 มกราคม 2567 (อายุ 2 ปี)", "15 มกราคม 2510 (อายุ 59 ปี)")


def _labels(driver) -> list[str]:
    return [b.label for b in driver.buttons()]  # LINE's driver also matches what a press displays


def _at(db, driver) -> tuple[str | None, dict]:
    return state(db, driver.user, driver.channel)


def _asked(driver, db, step: str = "reg.apply.birth") -> None:
    driver.say("15/1/67")
    assert all(line in driver.text for line in BOTH), driver.text
    assert _labels(driver)[:2] == ["พ.ศ. 2567", "พ.ศ. 2510"]
    assert_buttons_fit(driver)
    name, data = _at(db, driver)
    assert name == step and "birth_date" not in data


def test_an_ambiguous_two_digit_year_asks_which_and_the_button_answers(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    _asked(driver, channel_db)
    driver.tap("พ.ศ. 2510")
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.phone" and data["birth_date"] == "1967-01-15" and "birth_choices" not in data


@pytest.mark.parametrize(("typed", "iso"), [
    ("พ.ศ. 2510", "1967-01-15"),  # a button's label, typed
    ("2510", "1967-01-15"),  # the year in full, for the day and month given
    ("ปี 1967 ค่ะ", "1967-01-15"),
    ("2567", "2024-01-15"),  # a child's: taken (parents register children)
    ("1/2/2500", "1957-02-01"),  # another date altogether
])
def test_a_typed_full_year_or_date_answers_the_question(driver, channel_db, typed, iso):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    _asked(driver, channel_db)
    driver.say(typed)
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.phone" and data["birth_date"] == iso


def test_the_question_stays_until_it_is_answered(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    _asked(driver, channel_db)
    driver.say("ไม่แน่ใจ")  # neither a year nor a date: the question again, with its buttons
    assert "อ่านวันเกิดนี้ไม่ออก" in driver.text and all(line in driver.text for line in BOTH)
    assert _labels(driver)[:2] == ["พ.ศ. 2567", "พ.ศ. 2510"]
    assert _at(channel_db, driver)[0] == "reg.apply.birth"
    driver.press(B.REG_BIRTH_YEAR + "19990115")  # not one of the dates offered: refused
    assert _at(channel_db, driver)[0] == "reg.apply.birth" and "birth_date" not in _at(channel_db, driver)[1]
    driver.tap("พ.ศ. 2567")
    assert _at(channel_db, driver)[1]["birth_date"] == "2024-01-15"
    driver.press(B.REG_BIRTH_YEAR + "19670115")  # the old button, pressed after the answer
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.phone" and data["birth_date"] == "2024-01-15"


def test_a_year_still_to_come_offers_the_reading_that_has_happened(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.say("15 ธ.ค. 69")  # 15 ธันวาคม 2569 is still to come on 29 November 2569
    assert "ยังมาไม่ถึง" in driver.text and "15 ธันวาคม 2512 (อายุ 56 ปี)" in driver.text
    assert _labels(driver)[0] == "พ.ศ. 2512"
    driver.tap("พ.ศ. 2512")
    assert _at(channel_db, driver)[1]["birth_date"] == "1969-12-15"


def test_a_two_digit_year_that_reads_one_way_is_not_asked_about(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.say("15/1/10")
    name, data = _at(channel_db, driver)
    assert name == "reg.apply.phone" and data["birth_date"] == "1967-01-15"


def test_the_summary_shows_the_age_so_a_wrong_four_digit_year_shows(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.say("15/1/2568")  # four digits: a 1-year-old, taken as typed
    driver.say(PHONE)
    driver.tap("ถลาง")
    driver.tap("ทต.ป่าคลอก")
    assert "15 มกราคม 2568 (อายุ 1 ปี)" in driver.text
    driver.tap("แก้วันเกิด")
    assert "15 มกราคม 2568 (อายุ 1 ปี)" in driver.text  # "now:" says it too
    driver.say("15/1/67")  # changing it asks the same question, then back to the summary
    driver.tap("พ.ศ. 2510")
    assert _at(channel_db, driver)[0] == "reg.apply.confirm"
    assert "15 มกราคม 2510 (อายุ 59 ปี)" in driver.text


def test_linking_asks_which_year_and_the_answer_is_one_try(driver, channel_db):
    roster = build_roster(channel_db)
    start_link(driver)
    driver.say(ROSTER_ID)
    _asked(driver, channel_db, "reg.link.birth")
    driver.tap("พ.ศ. 2510")
    assert _at(channel_db, driver)[0] == "reg.link.phone"
    driver.say(PHONE)
    assert account(channel_db, driver.user, driver.channel).member_id == roster.member_id


def test_linking_with_the_wrong_reading_fails_as_one_try(driver, channel_db):
    build_roster(channel_db)
    start_link(driver)
    driver.say(ROSTER_ID)
    driver.say("15/1/67")
    driver.tap("พ.ศ. 2567")  # not the roster's birth date: one try, said like any mismatch
    driver.say(PHONE)
    assert "ไม่พบข้อมูลสมาชิก" in driver.text and "อีก 2 ครั้ง" in driver.text
    assert account(channel_db, driver.user, driver.channel).member_id is None


def test_an_english_chat_asks_when_the_year_would_be_a_child_or_still_to_come(chat, db):
    build_roster(db)
    with db() as s, s.begin():
        s.add(ChatAccount(channel="simulator", external_user_id=USER, locale="en"))
    chat.say("sign up")
    chat.tap("Apply to join")
    chat.tap("I agree")
    chat.say("Somying Rakdee")
    chat.say(dashed(NEW_ID))
    chat.say("15/12/26")  # 15 December 2026 is still to come: 1926?
    assert "15 December 1926 (age 99)" in chat.text and _labels(chat)[0] == "Born in 1926"
    assert not THAI_CHARS.search(chat.text)
    chat.say("15/1/20")  # 2020 (6) or 1920 (106)
    assert "15 January 2020 (age 6)" in chat.text and "15 January 1920 (age 106)" in chat.text
    chat.tap("Born in 1920")
    assert state(db)[0] == "reg.apply.phone" and state(db)[1]["birth_date"] == "1920-01-15"
