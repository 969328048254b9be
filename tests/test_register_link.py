"""Linking a chat to a member on the roster, through the simulator: the happy paths in Thai and
English, mistyped IDs, dates and phones, the pause after three mismatches, pending and old records, a second
channel, and who may not register here."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from domain.identity import hash_national_id
from handlers.register import CONSENT_VERSION
from models import AuditLog, ChatAccount, Fund, Member, MemberStatus
from tests.conftest import SECRET
from tests.drivers import CoreChat
from tests.factories import make_fund, make_member
from tests.registration import (
    BIRTH,
    NEW_ID,
    PHONE,
    ROSTER_ID,
    THAI_CHARS,
    USER,
    account,
    assert_buttons_fit,
    count,
    dashed,
    data_of,
    give_details,
    start_link,
    state,
    thai_digits,
    wrong_check_digit,
)

# --- link: the happy paths ---------------------------------------------------------------------

def test_link_happy_path_in_thai(chat, db, roster, clock):
    chat.say("ลงทะเบียน")
    assert "เป็นสมาชิก" in chat.text
    assert {"reg:link", "reg:apply", "cancel"} <= data_of(chat)
    assert state(db)[0] == "reg.choose"

    chat.tap("เป็นสมาชิกแล้ว")
    assert "ข้อมูลส่วนบุคคล" in chat.text
    assert "เลขประจำตัวประชาชนและวันเกิด" in chat.text and "ไม่เก็บเลขประจำตัวประชาชนแบบเต็ม" in chat.text
    assert [b.label for b in chat.buttons()] == ["ยินยอม", "ยกเลิก"]
    assert_buttons_fit(chat)

    chat.tap("ยินยอม")
    assert "13 หลัก" in chat.text
    assert "cancel" in data_of(chat)

    chat.say(dashed(ROSTER_ID))
    assert "วันเดือนปีเกิด" in chat.text
    name, data = state(db)
    assert name == "reg.link.birth"
    assert ROSTER_ID not in json.dumps(data)  # only the hash and the last four digits
    assert data["id_hash"] == hash_national_id(SECRET, ROSTER_ID) and data["id_last4"] == "5635"

    chat.say("15/1/2510")
    assert "เบอร์โทรศัพท์ที่ท่านให้ไว้กับกองทุน" in chat.text  # the phone on file, never shown
    assert "5678" not in chat.text and "xxx" not in chat.text and state(db)[0] == "reg.link.phone"
    assert account(db).member_id is None
    chat.say(PHONE)
    assert "เชื่อมบัญชีเรียบร้อย" in chat.text
    assert "สมศรี" in chat.text and "เทศบาลตำบลป่าคลอก" in chat.text
    assert {"acct", "ben", "fund", "meet"} <= data_of(chat)
    assert "reg" not in data_of(chat)

    acct = account(db)
    assert acct.member_id == roster.member_id
    assert acct.linked_at is not None and acct.failed_link_attempts == 0
    assert state(db) == (None, {})
    assert acct.consent_version == CONSENT_VERSION and acct.consent_at is not None  # this link's
    with db() as s:
        member = s.get(Member, roster.member_id)
        assert member.consent_at is None  # the member's own is an application's, not a link's
        assert member.preferred_language == "th"
        assert member.status == MemberStatus.ACTIVE
        actions = [a.action for a in s.scalars(select(AuditLog))]
    assert actions == ["member.link"]


@pytest.mark.parametrize(("typed_id", "typed_birth", "typed_phone"), [
    (thai_digits(dashed(ROSTER_ID)), thai_digits("15/1/2510"), thai_digits(PHONE)),
    ("3 1006 00445 63 5", "15 ม.ค. 2510", "081 234 5678"),
    (thai_digits(ROSTER_ID), "๑๕ มกราคม ๒๕๑๐", "+66 81 234 5678"),
    (ROSTER_ID, "15/01/1967", "+66 (0) 81-234-5678"),
    (f"  {dashed(ROSTER_ID)}  ", "1967-01-15", "０８１２３４５６７８"),
])
def test_link_accepts_thai_digits_spaces_and_either_era(chat, db, roster, typed_id, typed_birth, typed_phone):
    start_link(chat)
    chat.say(typed_id)
    assert state(db)[0] == "reg.link.birth", chat.text
    chat.say(typed_birth)
    chat.say(typed_phone)
    assert "เชื่อมบัญชีเรียบร้อย" in chat.text
    assert account(db).member_id == roster.member_id


def test_link_in_english_after_switching_locale(chat, db, roster):
    with db() as s, s.begin():
        s.add(ChatAccount(channel="simulator", external_user_id=USER, locale="en"))
        m = s.get(Member, roster.member_id)
        m.first_name, m.last_name = "Somsri", "Meesuk"

    chat.say("register")
    assert "already a member" in chat.text and not THAI_CHARS.search(chat.text)
    chat.tap("I'm a member")
    assert "personal data" in chat.text and not THAI_CHARS.search(chat.text)
    assert [b.label for b in chat.buttons()] == ["I agree", "Cancel"]
    chat.tap("I agree")
    assert "13-digit" in chat.text
    chat.say(wrong_check_digit(ROSTER_ID))
    assert "not valid" in chat.text and not THAI_CHARS.search(chat.text)
    chat.say(ROSTER_ID)
    assert "date of birth" in chat.text
    chat.say("30 Feb 1967")
    assert "February 1967 has only 28 days" in chat.text and not THAI_CHARS.search(chat.text)
    chat.say("15 Jan 1967")
    assert "phone number you gave the fund" in chat.text and not THAI_CHARS.search(chat.text)
    chat.say("the same as always")
    assert "couldn't read that phone number" in chat.text
    chat.say("0812345678")
    assert "Welcome, Somsri" in chat.text and "Pa Khlok Subdistrict Municipality" in chat.text
    assert not THAI_CHARS.search(chat.text)
    assert account(db).member_id == roster.member_id
    with db() as s:
        assert s.get(Member, roster.member_id).preferred_language == "en"


# --- link: mistakes and the pause --------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    (wrong_check_digit(ROSTER_ID), "ไม่ถูกต้อง"),
    (ROSTER_ID[:12], "มี 12 หลัก"),
    (ROSTER_ID + "1", "มี 14 หลัก"),
    ("สมศรี มีสุข", "เฉพาะตัวเลข 13 หลัก"),
    ("0" + ROSTER_ID[1:], "ไม่ขึ้นต้นด้วย 0 หรือ 9"),
])
def test_a_mistyped_id_is_explained_and_not_counted_as_a_failed_try(chat, db, roster, typed, expected):
    start_link(chat)
    for _ in range(4):  # more than the three tries a mismatch gets
        chat.say(typed)
        assert expected in chat.text
        assert "13 หลัก" in chat.text  # the question again
        assert "cancel" in data_of(chat)
        assert state(db)[0] == "reg.link.id"
    acct = account(db)
    assert acct.failed_link_attempts == 0 and acct.link_locked_until is None
    give_details(chat)
    assert account(db).member_id == roster.member_id


def test_three_mismatches_pause_linking_for_fifteen_minutes(chat, db, roster, clock):
    start_link(chat)
    chat.say(ROSTER_ID)
    chat.say("16/1/2510")  # wrong birth date: not told yet, the phone is asked all the same
    assert state(db)[0] == "reg.link.phone"
    chat.say(PHONE)
    assert "ไม่พบข้อมูลสมาชิก" in chat.text and "อีก 2 ครั้ง" in chat.text
    assert state(db)[0] == "reg.link.id"
    assert account(db).failed_link_attempts == 1
    give_details(chat, NEW_ID)  # a valid ID on no roster
    assert "อีก 1 ครั้ง" in chat.text
    give_details(chat, phone="089-999-9999")  # the right birth date, a wrong phone
    assert "3 ครั้ง" in chat.text and "10:15 น." in chat.text and "คณะกรรมการ" in chat.text
    assert "cancel" not in data_of(chat) and "reg:consent:link" not in data_of(chat)
    assert state(db) == (None, {})
    acct = account(db)
    assert acct.member_id is None and acct.failed_link_attempts == 3
    assert acct.link_locked_until is not None

    clock.now += timedelta(minutes=14)
    chat.say("ลงทะเบียน")
    chat.tap("เป็นสมาชิกแล้ว")
    assert "พักไว้ชั่วคราว" in chat.text and "10:15 น." in chat.text
    assert "reg:consent:link" not in data_of(chat)
    chat.press("reg:consent:link")  # an old consent button does not get around the pause
    assert "พักไว้ชั่วคราว" in chat.text
    assert state(db) == (None, {})
    chat.say(ROSTER_ID)
    assert account(db).member_id is None

    clock.now += timedelta(minutes=2)  # +16 minutes
    chat.say("ลงทะเบียน")
    chat.tap("เป็นสมาชิกแล้ว")
    assert "ข้อมูลส่วนบุคคล" in chat.text
    chat.tap("ยินยอม")
    give_details(chat)
    assert "เชื่อมบัญชีเรียบร้อย" in chat.text
    acct = account(db)
    assert acct.member_id == roster.member_id
    assert acct.failed_link_attempts == 0 and acct.link_locked_until is None


def test_a_pause_that_ends_tomorrow_says_the_date(chat, db, roster, clock):
    clock.now = clock.now.replace(hour=23, minute=50)
    start_link(chat)
    for birth in ("1/1/2500", "2/1/2500", "3/1/2500"):
        give_details(chat, birth=birth)
    assert "30 พฤศจิกายน 2569" in chat.text and "00:05 น." in chat.text


@pytest.mark.parametrize("typed", ["15/1/10", "15 ม.ค. 10", "๑๕/๑/๑๐", "เกิด 15 มค 10 ค่ะ", "150110"])
def test_a_two_digit_year_is_read_as_the_buddhist_era(chat, db, roster, typed):
    """Thais write 2510 as "10": 25xx (no later than this year), so Somsri links with it."""
    start_link(chat)
    chat.say(ROSTER_ID)
    chat.say(typed)
    assert state(db)[0] == "reg.link.phone"
    chat.say(PHONE)
    assert account(db).member_id == roster.member_id and account(db).failed_link_attempts == 0


@pytest.mark.parametrize(("typed", "expected"), [
    ("31/2/2510", "ไม่มีอยู่ในปฏิทิน"),
    ("15/13/2510", "ไม่มีอยู่ในปฏิทิน"),
    ("1/1/2580", "ยังมาไม่ถึง"),
    ("1/1/2400", "มากเกินไป"),
    ("เมื่อวาน", "อ่านวันเกิดนี้ไม่ออก"),
    ("15 ธันวา", "ขอปีเกิดด้วยนะคะ"),
])
def test_an_impossible_birth_date_is_explained_and_not_counted(chat, db, roster, typed, expected):
    start_link(chat)
    chat.say(ROSTER_ID)
    chat.say(typed)
    assert expected in chat.text and "15/1/2510" in chat.text  # what is wrong, then an example
    assert state(db)[0] == "reg.link.birth"
    assert account(db).failed_link_attempts == 0


def test_a_pending_applicant_links_and_is_told_the_committee_is_reviewing(chat, db, roster):
    with db() as s, s.begin():
        fund = s.get(Fund, roster.pakhlok_id)
        make_member(s, fund, national_id=NEW_ID, birth_date=date(1980, 5, 1), member_no="",
                    status=MemberStatus.PENDING, first_name="มานี", last_name="มีนา")
    start_link(chat)
    give_details(chat, NEW_ID, "1/5/2523")
    assert "เชื่อมบัญชีเรียบร้อย" in chat.text and "รอคณะกรรมการ" in chat.text
    chat.press("reg")
    assert "รอคณะกรรมการ" in chat.text and "ไม่ต้องลงทะเบียนซ้ำ" in chat.text


def test_an_active_record_is_preferred_over_an_old_one(chat, db, roster):
    with db() as s, s.begin():
        old_fund = make_fund(s, "OLDFUND", district_th="ถลาง", district_en="Thalang")
        old = make_member(s, old_fund, national_id=NEW_ID, birth_date=BIRTH, status=MemberStatus.RESIGNED)
        active = make_member(s, s.get(Fund, roster.pakhlok_id), national_id=NEW_ID, birth_date=BIRTH)
        old_id, active_id = old.id, active.id
    assert old_id < active_id
    start_link(chat)
    give_details(chat, NEW_ID)
    assert account(db).member_id == active_id


def test_a_second_channel_links_the_same_member_and_both_see_it(chat, new_chat, app, db, roster):
    start_link(chat)
    give_details(chat)
    assert account(db).member_id == roster.member_id

    telegram = CoreChat(app, "700001")
    telegram.say("สมัคร")
    telegram.press("reg:link")
    telegram.press("reg:consent:link")
    telegram.say(thai_digits(ROSTER_ID))
    telegram.say("15 ม.ค. 2510")
    assert "Telegram" in telegram.text  # the phone may be shared from Telegram
    telegram.share_contact("66812345678")
    assert "เชื่อมบัญชีเรียบร้อย" in telegram.text and "สมศรี" in telegram.text

    other = new_chat("U-second-phone")  # e.g. a new LINE account on another phone
    start_link(other)
    give_details(other, birth="15/1/1967")
    assert "เชื่อมบัญชีเรียบร้อย" in other.text

    for user, channel in (("700001", "telegram"), ("U-second-phone", "simulator")):
        assert account(db, user, channel).member_id == roster.member_id
    # One chat per channel per member: the first simulator chat lost the link to the new one.
    assert account(db, USER, "simulator").member_id is None
    telegram.say("ลงทะเบียน")
    assert "สมศรี มีสุข" in telegram.text and "เทศบาลตำบลป่าคลอก" in telegram.text
    assert count(db, Member) == 1


def test_an_already_linked_user_is_told_so_with_the_menu(chat, db, roster):
    with db() as s, s.begin():
        s.add(ChatAccount(channel="simulator", external_user_id=USER, locale="th",
                          member_id=roster.member_id))
    for send in (lambda: chat.press("reg"), lambda: chat.say("ลงทะเบียน"), lambda: chat.say("สมัครสมาชิก"),
                 lambda: chat.press("reg:link"), lambda: chat.press("reg:apply")):
        send()
        assert "เชื่อมกับข้อมูลสมาชิกเรียบร้อยแล้ว" in chat.text
        assert "สมศรี มีสุข" in chat.text and "เทศบาลตำบลป่าคลอก" in chat.text
        assert {"acct", "ben"} <= data_of(chat) and "reg" not in data_of(chat)
        assert state(db) == (None, {})


def test_registration_is_refused_in_a_group_chat(app, db, roster):
    group = CoreChat(app, "700002", in_group=True)
    group.say("ลงทะเบียน")
    assert "แชตส่วนตัว" in group.text
    assert state(db, "700002", "telegram") == (None, {})
