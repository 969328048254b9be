"""Words a member types are matched with the polite particles Thai speech ends with ("ยกเลิกค่ะ",
"ไม่เอาแล้วนะคะ"), and a language typed by name switches to it, on every channel."""

from __future__ import annotations

import pytest

from domain.thai import normalize_text, strip_polite
from models import ChatAccount
from tests.registration import build_roster, state, walk_apply, walk_link


@pytest.mark.parametrize(("typed", "word"), [
    ("ยกเลิกค่ะ", "ยกเลิก"), ("ยกเลิกครับ", "ยกเลิก"), ("ไม่เอาแล้วค่ะ", "ไม่เอาแล้ว"),
    ("ไม่เอาแล้วนะคะ", "ไม่เอาแล้ว"), ("ขอยกเลิกครับผม", "ยกเลิก"), ("ยกเลิก ค่ะ!", "ยกเลิก"),
    ("เมนูจ้า", "เมนู"), ("ยินยอมค่ะ", "ยินยอม"), ("ตกลงจ้ะ", "ตกลง"), ("ยกเลิกก่อนนะครับ", "ยกเลิก"),
    ("cancel please", "cancel"), ("ค่ะ", "ค่ะ"), ("ขอบคุณค่ะ", "ขอบคุณ"), ("ของฉันค่ะ", "ของฉัน"),
])
def test_polite_particles_are_not_part_of_the_word(typed, word):
    assert strip_polite(normalize_text(typed)) == word


@pytest.mark.parametrize("typed", ["ยกเลิกค่ะ", "ยกเลิกครับ", "ไม่เอาแล้วค่ะ", "ขอยกเลิกนะคะ", "Cancel please"])
def test_a_polite_cancel_ends_the_registration(driver, channel_db, typed):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.say(typed)
    assert "ยกเลิกเรียบร้อย" in driver.text
    assert state(channel_db, driver.user, driver.channel) == (None, {})


def test_a_polite_yes_and_no_at_consent(driver, channel_db):
    build_roster(channel_db)
    walk_link(driver, "reg.link.consent")
    driver.say("ยินยอมค่ะ")
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.link.id"
    driver.say("ยกเลิกนะครับ")
    walk_link(driver, "reg.link.consent")
    driver.say("ไม่ยินยอมค่ะ")
    assert state(channel_db, driver.user, driver.channel) == (None, {})


def test_a_polite_button_label_counts_as_the_press(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.district")
    driver.say("ถลางค่ะ")
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.fund"


def _locale(channel_db, driver) -> str:
    with channel_db() as s:
        found = s.query(ChatAccount).filter_by(channel=driver.channel, external_user_id=driver.user)
        return found.one().locale


@pytest.mark.parametrize(("typed", "locale", "answer"), [
    ("English", "en", "Language changed to English"),
    ("english please", "en", "Language changed to English"),
    ("เปลี่ยนเป็นภาษาอังกฤษค่ะ", "en", "Language changed to English"),
])
def test_typing_a_language_switches_to_it(driver, channel_db, typed, locale, answer):
    driver.say(typed)
    assert answer in driver.text
    assert _locale(channel_db, driver) == locale
    driver.say("ภาษาไทย")
    assert "เปลี่ยนเป็นภาษาไทยเรียบร้อย" in driver.text
    assert _locale(channel_db, driver) == "th"


def test_typing_language_alone_still_shows_the_choice(driver, channel_db):
    driver.say("ภาษา")
    assert {"lang:th", "lang:en"} <= {b.data for b in driver.buttons()}
    assert _locale(channel_db, driver) == "th"
