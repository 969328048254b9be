"""Registration through the simulator, like a person would: link to the roster, or apply to join."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from domain.identity import hash_national_id
from handlers.register import CONSENT_VERSION, STATES
from locales import catalog
from models import AuditLog, ChatAccount, DialogState, Fund, Member, MemberStatus
from tests.conftest import SECRET, SHARED
from tests.drivers import CoreChat
from tests.factories import make_fund, make_member, valid_national_id

ROSTER_ID = "3100600445635"  # Somsri's national ID, a valid one
NEW_ID = valid_national_id(424242)  # an applicant's, on no roster
BIRTH = date(1967, 1, 15)  # 15/1/2510 BE
USER = "U-test-1"
THAI_CHARS = re.compile(r"[\u0e00-\u0e7f]")


def dashed(digits: str) -> str:
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def wrong_check_digit(digits: str) -> str:
    return digits[:12] + str((int(digits[12]) + 1) % 10)


# --- fixtures and helpers ----------------------------------------------------------------------

@pytest.fixture
def db(app):
    return app.extensions["kongtun"].Session


@pytest.fixture
def roster(db):
    """Three districts, four funds; Somsri is an active member of Pa Khlok."""
    with db() as s, s.begin():
        pakhlok = make_fund(s, "PAKHLOK", district_th="ถลาง", district_en="Thalang",
                            name_th="เทศบาลตำบลป่าคลอก", name_en="Pa Khlok Subdistrict Municipality")
        sakhu = make_fund(s, "SAKHU", district_th="ถลาง", district_en="Thalang",
                          name_th="องค์การบริหารส่วนตำบลสาคู",
                          name_en="Sakhu Subdistrict Administrative Organization")
        sakhu.kind = "อบต."
        make_fund(s, "RAWAI", district_th="เมืองภูเก็ต", district_en="Mueang Phuket",
                  name_th="เทศบาลตำบลราไวย์", name_en="Rawai Subdistrict Municipality")
        make_fund(s, "KAMALA", district_th="กะทู้", district_en="Kathu",
                  name_th="องค์การบริหารส่วนตำบลกมลา", name_en="Kamala Subdistrict Administrative Organization")
        somsri = make_member(s, pakhlok, national_id=ROSTER_ID, birth_date=BIRTH,
                             first_name="สมศรี", last_name="มีสุข", member_no="00017")
    return SimpleNamespace(member_id=somsri.id, pakhlok_id=pakhlok.id)


def account(db, user: str = USER, channel: str = "simulator") -> ChatAccount | None:
    with db() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == channel,
                                                  ChatAccount.external_user_id == user))


def state(db, user: str = USER, channel: str = "simulator") -> tuple[str | None, dict]:
    with db() as s:
        row = s.get(DialogState, (channel, user))
        return (row.state, dict(row.data or {})) if row else (None, {})


def count(db, model) -> int:
    with db() as s:
        return s.scalar(select(func.count()).select_from(model))


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; PostgreSQL an aware time."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def data_of(chat) -> set[str]:
    return {b.data for b in chat.buttons()}


def assert_buttons_fit(chat) -> None:
    """What every platform can carry: ASCII data of at most 64 bytes, labels of at most 20 chars."""
    buttons = chat.buttons()
    assert len(buttons) <= 13, buttons
    for b in buttons:
        assert b.data.isascii() and len(b.data.encode()) <= 64, b
        assert len(b.label) <= 20, b


def start_link(chat) -> None:
    chat.say("ลงทะเบียน")
    chat.tap("เป็นสมาชิกแล้ว")
    chat.tap("ยินยอม")


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
    assert "เชื่อมบัญชีเรียบร้อย" in chat.text
    assert "สมศรี" in chat.text and "เทศบาลตำบลป่าคลอก" in chat.text
    assert {"acct", "ben", "fund", "meet"} <= data_of(chat)
    assert "reg" not in data_of(chat)

    acct = account(db)
    assert acct.member_id == roster.member_id
    assert acct.linked_at is not None and acct.failed_link_attempts == 0
    assert state(db) == (None, {})
    with db() as s:
        member = s.get(Member, roster.member_id)
        assert member.consent_version == CONSENT_VERSION
        assert member.consent_at is not None and member.preferred_language == "th"
        assert member.status == MemberStatus.ACTIVE
        actions = [a.action for a in s.scalars(select(AuditLog))]
    assert actions == ["member.link"]


@pytest.mark.parametrize(("typed_id", "typed_birth"), [
    (thai_digits(dashed(ROSTER_ID)), thai_digits("15/1/2510")),
    ("3 1006 00445 63 5", "15 ม.ค. 2510"),
    (thai_digits(ROSTER_ID), "๑๕ มกราคม ๒๕๑๐"),
    (ROSTER_ID, "15/01/1967"),
    (f"  {dashed(ROSTER_ID)}  ", "1967-01-15"),
])
def test_link_accepts_thai_digits_spaces_and_either_era(chat, db, roster, typed_id, typed_birth):
    start_link(chat)
    chat.say(typed_id)
    assert state(db)[0] == "reg.link.birth", chat.text
    chat.say(typed_birth)
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
    chat.say("15/1/67")
    assert "4 digits" in chat.text
    chat.say("15 Jan 1967")
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
    ("0" + ROSTER_ID[1:], "ไม่ถูกต้อง"),
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
    chat.say(ROSTER_ID)
    chat.say("15/1/2510")
    assert account(db).member_id == roster.member_id


def test_three_mismatches_pause_linking_for_fifteen_minutes(chat, db, roster, clock):
    start_link(chat)
    chat.say(ROSTER_ID)
    chat.say("16/1/2510")  # wrong birth date
    assert "ไม่พบข้อมูลสมาชิก" in chat.text and "อีก 2 ครั้ง" in chat.text
    assert state(db)[0] == "reg.link.id"
    assert account(db).failed_link_attempts == 1
    chat.say(NEW_ID)  # a valid ID on no roster
    chat.say("15/1/2510")
    assert "อีก 1 ครั้ง" in chat.text
    chat.say(ROSTER_ID)
    chat.say("15/1/2511")
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
    chat.say(ROSTER_ID)
    chat.say("15/1/2510")
    assert "เชื่อมบัญชีเรียบร้อย" in chat.text
    acct = account(db)
    assert acct.member_id == roster.member_id
    assert acct.failed_link_attempts == 0 and acct.link_locked_until is None


def test_a_pause_that_ends_tomorrow_says_the_date(chat, db, roster, clock):
    clock.now = clock.now.replace(hour=23, minute=50)
    start_link(chat)
    for birth in ("1/1/2500", "2/1/2500", "3/1/2500"):
        chat.say(ROSTER_ID)
        chat.say(birth)
    assert "30 พฤศจิกายน 2569" in chat.text and "00:05 น." in chat.text


def test_a_two_digit_year_is_asked_again_in_four_digits(chat, db, roster):
    start_link(chat)
    chat.say(ROSTER_ID)
    for typed in ("15/1/10", "15 ม.ค. 10", "๑๕/๑/๖๗"):
        chat.say(typed)
        assert "4 หลัก" in chat.text and "พ.ศ. หรือ ค.ศ." in chat.text
        assert state(db)[0] == "reg.link.birth"
    assert account(db).failed_link_attempts == 0
    chat.say("15/1/2510")
    assert account(db).member_id == roster.member_id


@pytest.mark.parametrize(("typed", "expected"), [
    ("31/2/2510", "ไม่มีอยู่ในปฏิทิน"),
    ("15/13/2510", "ไม่มีอยู่ในปฏิทิน"),
    ("1/1/2580", "ยังมาไม่ถึง"),
    ("1/1/2400", "มากเกินไป"),
    ("เมื่อวาน", "อ่านวันเกิดนี้ไม่ออก"),
    ("15 ธันวา", "อ่านวันเกิดนี้ไม่ออก"),
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
    chat.say(NEW_ID)
    chat.say("1/5/2523")
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
    chat.say(NEW_ID)
    chat.say("15/1/2510")
    assert account(db).member_id == active_id


def test_a_second_channel_links_the_same_member_and_both_see_it(chat, new_chat, app, db, roster):
    start_link(chat)
    chat.say(ROSTER_ID)
    chat.say("15/1/2510")
    assert account(db).member_id == roster.member_id

    telegram = CoreChat(app, "700001")
    telegram.say("สมัคร")
    telegram.press("reg:link")
    telegram.press("reg:consent:link")
    telegram.say(thai_digits(ROSTER_ID))
    telegram.say("15 ม.ค. 2510")
    assert "เชื่อมบัญชีเรียบร้อย" in telegram.text and "สมศรี" in telegram.text

    other = new_chat("U-second-phone")  # e.g. a new LINE account on another phone
    start_link(other)
    other.say(ROSTER_ID)
    other.say("15/1/1967")
    assert "เชื่อมบัญชีเรียบร้อย" in other.text

    for user, channel in ((USER, "simulator"), ("700001", "telegram"), ("U-second-phone", "simulator")):
        assert account(db, user, channel).member_id == roster.member_id
    chat.press("reg")
    assert "สมศรี มีสุข" in chat.text and "ไม่ต้องลงทะเบียนซ้ำ" in chat.text
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


# --- apply: the happy path ---------------------------------------------------------------------

def walk_apply(chat, upto: str) -> None:
    """Drive an application up to (and showing) step `upto`."""
    steps = [
        ("reg.choose", lambda: chat.say("สมัคร")),
        ("reg.apply.consent", lambda: chat.tap("สมัครสมาชิกใหม่")),
        ("reg.apply.name", lambda: chat.tap("ยินยอม")),
        ("reg.apply.id", lambda: chat.say("นาง สมหญิง รักดี")),
        ("reg.apply.birth", lambda: chat.say(dashed(NEW_ID))),
        ("reg.apply.phone", lambda: chat.say("2/3/2520")),
        ("reg.apply.district", lambda: chat.say("081-234-5678")),
        ("reg.apply.fund", lambda: chat.tap("ถลาง")),
        ("reg.apply.confirm", lambda: chat.tap("ทต.ป่าคลอก")),
    ]
    for name, act in steps:
        act()
        if name == upto:
            return
    raise AssertionError(upto)


def test_apply_happy_path_creates_a_pending_member(chat, db, roster, clock):
    chat.say("อยากสมัครสมาชิกกองทุน")
    assert {"reg:link", "reg:apply"} <= data_of(chat)
    chat.tap("สมัครสมาชิกใหม่")
    notice = chat.text
    for word in ("ชื่อ-นามสกุล", "เลขประจำตัวประชาชน", "วันเกิด", "เบอร์มือถือ", "กองทุน",
                 "ขอดู", "ขอแก้ไข", "ขอลบ"):
        assert word in notice
    assert [b.label for b in chat.buttons()] == ["ยินยอม", "ไม่ยินยอม", "ยกเลิก"]
    consent_time = clock.now
    chat.tap("ยินยอม")
    assert "ชื่อและนามสกุล" in chat.text

    clock.now += timedelta(minutes=2)
    chat.say("นาง  สมหญิง   รักดี")
    assert "13 หลัก" in chat.text
    chat.say(dashed(NEW_ID))
    assert "วันเดือนปีเกิด" in chat.text
    assert NEW_ID not in json.dumps(state(db)[1])
    chat.say("2/3/2520")
    assert "เบอร์มือถือ 10 หลัก" in chat.text
    chat.say("๐๘๑-๒๓๔-๕๖๗๘")
    assert "อำเภอ" in chat.text
    assert [b.label for b in chat.buttons()] == ["กะทู้", "ถลาง", "เมืองภูเก็ต", "ยกเลิก"]
    assert_buttons_fit(chat)

    chat.tap("ถลาง")
    assert "เทศบาลตำบลป่าคลอก" in chat.text and "องค์การบริหารส่วนตำบลสาคู" in chat.text
    assert "ราไวย์" not in chat.text
    labels = [b.label for b in chat.buttons()]
    assert labels == ["ทต.ป่าคลอก", "อบต.สาคู", "เลือกอำเภออื่น", "ยกเลิก"]
    assert_buttons_fit(chat)

    chat.tap("ทต.ป่าคลอก")
    summary = chat.last[-1]
    assert summary["card"]["title"] == "ตรวจสอบใบสมัครก่อนส่งค่ะ"
    assert "สมหญิง รักดี" in chat.text
    assert "x-xxxx-xxxx" in chat.text and NEW_ID[-4:] in chat.text.replace("-", "")
    assert NEW_ID not in chat.text.replace("-", "")
    assert "08x-xxx-5678" in chat.text and "081-234-5678" not in chat.text
    assert "2 มีนาคม 2520" in chat.text and "เทศบาลตำบลป่าคลอก" in chat.text
    assert [b.label for b in chat.buttons()] == ["ยืนยัน", "ยกเลิก"]
    assert count(db, Member) == 1  # nothing written before the confirmation

    chat.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in chat.text and "08x-xxx-5678" in chat.text and "30 บาท" in chat.text
    assert state(db) == (None, {})
    with db() as s:
        member = s.scalar(select(Member).where(Member.id != roster.member_id))
        assert member.status == MemberStatus.PENDING and member.member_no is None
        assert (member.first_name, member.last_name) == ("สมหญิง", "รักดี")
        assert member.national_id_hash == hash_national_id(SECRET, NEW_ID)
        assert member.national_id_last4 == NEW_ID[-4:]
        assert member.birth_date == date(1977, 3, 2)
        assert member.phone == "+66812345678"
        assert member.fund.code == "PAKHLOK"
        assert member.joined_on == date(2026, 11, 29)
        assert member.consent_version == CONSENT_VERSION
        assert as_utc(member.consent_at) == as_utc(consent_time)  # when they pressed "ยินยอม"
        assert member.preferred_language == "th"
        new_id = member.id
        actions = [a.action for a in s.scalars(select(AuditLog))]
    assert actions == ["member.apply"]
    assert account(db).member_id == new_id

    chat.press("reg")
    assert "รอคณะกรรมการ" in chat.text


def test_apply_in_english_shows_english_labels(chat, db, roster):
    with db() as s, s.begin():
        s.add(ChatAccount(channel="simulator", external_user_id=USER, locale="en"))
    chat.say("sign up")
    chat.tap("Apply to join")
    assert "right to see, correct and delete" in chat.text
    chat.tap("I agree")
    chat.say("Somying Rakdee")
    chat.say(NEW_ID)
    chat.say("2 Mar 1977")
    chat.say("0812345678")
    assert [b.label for b in chat.buttons()] == ["Kathu", "Mueang Phuket", "Thalang", "Cancel"]
    chat.tap("Thalang")
    assert [b.label for b in chat.buttons()] == ["Pa Khlok Mun.", "Sakhu SAO", "Other district", "Cancel"]
    chat.tap("Sakhu")
    assert "2 March 1977" in chat.text  # domain.thai.format_date: Buddhist Era in Thai only
    assert not THAI_CHARS.search(chat.text)
    chat.tap("Confirm")
    assert "application has been sent" in chat.text
    with db() as s:
        member = s.scalar(select(Member).where(Member.id != roster.member_id))
        assert member.fund.code == "SAKHU" and member.preferred_language == "en"


def test_typed_answers_work_where_buttons_are_offered(chat, db, roster):
    chat.say("สมัคร")
    chat.say("สมัครสมาชิกใหม่")  # the button's label, typed
    assert state(db)[0] == "reg.apply.consent"
    chat.say("ยินยอม")
    assert state(db)[0] == "reg.apply.name"
    chat.say("สมหญิง รักดี")
    chat.say(NEW_ID)
    chat.say("2/3/2520")
    chat.say("0812345678")
    chat.say("ถลาง")
    assert state(db)[0] == "reg.apply.fund"
    chat.say("2")  # the number in the list
    assert state(db)[0] == "reg.apply.confirm"
    assert "องค์การบริหารส่วนตำบลสาคู" in chat.text
    chat.say("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in chat.text
    assert count(db, Member) == 2


def test_changing_district_and_fund_before_confirming(chat, db, roster):
    walk_apply(chat, "reg.apply.confirm")
    chat.press("reg:dists")
    assert state(db)[0] == "reg.apply.district"
    chat.tap("เมืองภูเก็ต")
    chat.tap("ทต.ราไวย์")
    assert "เทศบาลตำบลราไวย์" in chat.text
    chat.tap("ยืนยัน")
    with db() as s:
        assert s.scalar(select(Member).where(Member.id != roster.member_id)).fund.code == "RAWAI"


def test_telegram_contact_share_is_accepted_as_the_phone(app, db, roster):
    tg = CoreChat(app, "700003")
    tg.say("สมัคร")
    tg.press("reg:apply")
    tg.press("reg:consent:apply")
    tg.say("สมหญิง รักดี")
    tg.say(NEW_ID)
    tg.say("2/3/2520")
    assert "Telegram" in tg.text
    tg.share_contact("66891234567")
    assert state(db, "700003", "telegram")[0] == "reg.apply.district"
    tg.press("reg:dist:1")  # ถลาง
    tg.press("reg:fund:PAKHLOK")
    assert "08x-xxx-4567" in tg.text
    tg.press("reg:confirm")
    with db() as s:
        assert s.scalar(select(Member).where(Member.id != roster.member_id)).phone == "+66891234567"


def test_a_foreign_shared_contact_is_not_taken(app, db, roster):
    tg = CoreChat(app, "700004")
    tg.say("สมัคร")
    tg.press("reg:apply")
    tg.press("reg:consent:apply")
    tg.say("สมหญิง รักดี")
    tg.say(NEW_ID)
    tg.say("2/3/2520")
    tg.share_contact("+14155550100")
    assert "มือถือไทย" in tg.text
    assert state(db, "700004", "telegram")[0] == "reg.apply.phone"


def test_one_district_skips_straight_to_its_funds(chat, db):
    with db() as s, s.begin():
        make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก")
    walk_apply(chat, "reg.apply.district")  # the phone answer
    assert state(db)[0] == "reg.apply.fund"
    assert "เลือกอำเภออื่น" not in [b.label for b in chat.buttons()]
    assert "ทต.ป่าคลอก" in [b.label for b in chat.buttons()]


def test_without_any_fund_applying_is_explained(chat, db):
    chat.say("สมัคร")
    chat.tap("สมัครสมาชิกใหม่")
    assert "ยังไม่มีกองทุน" in chat.text
    assert state(db) == (None, {})


def test_all_phuket_funds_get_short_distinct_labels(chat, db):
    with db() as s, s.begin():
        with (SHARED / "data" / "phuket_funds.csv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            fund = make_fund(s, row["code"], district_th=row["district_th"], district_en=row["district_en"],
                             name_th=row["name_th"], name_en=row["name_en"])
            fund.kind = row["kind"]
    walk_apply(chat, "reg.apply.district")
    districts = [b for b in chat.buttons() if b.data.startswith("reg:dist:")]
    assert len(districts) == len({r["district_th"] for r in rows})
    seen = 0
    for district in districts:
        chat.press(district.data)
        assert_buttons_fit(chat)
        funds = [b for b in chat.buttons() if b.data.startswith("reg:fund:")]
        labels = [b.label for b in funds]
        assert len(set(labels)) == len(labels)
        expected = [r for r in rows if r["district_th"] == district.label]
        assert {b.data for b in funds} == {f"reg:fund:{r['code']}" for r in expected}
        for r in expected:
            assert r["name_th"] in chat.text
        seen += len(funds)
    assert seen == len(rows)
    chat.tap("เลือกอำเภออื่น")
    chat.tap("ถลาง")  # two funds share the name Thep Krasattri: the kind tells them apart
    labels = [b.label for b in chat.buttons()]
    assert {"ทต.เทพกระษัตรี", "อบต.เทพกระษัตรี", "ทต.เชิงทะเล", "อบต.เชิงทะเล"} <= set(labels)


# --- apply: saying no, and the roster ----------------------------------------------------------

def test_declining_consent_stores_nothing(chat, db, roster):
    members, audits = count(db, Member), count(db, AuditLog)
    chat.say("สมัคร")
    chat.tap("สมัครสมาชิกใหม่")
    chat.tap("ไม่ยินยอม")
    assert "ไม่ได้เก็บข้อมูล" in chat.text
    assert "reg" in data_of(chat)  # they may change their mind
    assert state(db) == (None, {})
    assert (count(db, Member), count(db, AuditLog)) == (members, audits)
    acct = account(db)
    assert acct.member_id is None and acct.linked_at is None


def test_typed_refusal_is_a_decline(chat, db, roster):
    chat.say("สมัคร")
    chat.tap("สมัครสมาชิกใหม่")
    chat.say("ไม่ยินยอม")
    assert "ไม่ได้เก็บข้อมูล" in chat.text
    assert state(db) == (None, {})


def test_applying_with_an_id_on_the_roster_suggests_linking(chat, db, roster):
    walk_apply(chat, "reg.apply.id")
    chat.say(thai_digits(ROSTER_ID))
    assert "มีอยู่ในทะเบียนสมาชิก" in chat.text
    assert "reg:link" in data_of(chat) and "cancel" in data_of(chat)
    assert count(db, Member) == 1
    chat.tap("เป็นสมาชิกแล้ว")
    assert "ข้อมูลส่วนบุคคล" in chat.text and "reg:consent:link" in data_of(chat)
    chat.tap("ยินยอม")
    chat.say(ROSTER_ID)
    chat.say("15/1/2510")
    assert account(db).member_id == roster.member_id
    assert count(db, Member) == 1


# --- staying at the step -----------------------------------------------------------------------

@pytest.mark.parametrize(("step", "typed", "expected"), [
    ("reg.apply.name", "สมหญิง", "ทั้งชื่อและนามสกุล"),
    ("reg.apply.name", "นางสาว สมหญิง", "ทั้งชื่อและนามสกุล"),
    ("reg.apply.name", "สมหญิง 123", "ไม่มีตัวเลข"),
    ("reg.apply.name", "สมหญิง @รักดี", "ไม่มีตัวเลขหรือสัญลักษณ์"),
    ("reg.apply.id", "1234567890123", "ไม่ถูกต้อง"),
    ("reg.apply.id", "12345", "มี 5 หลัก"),
    ("reg.apply.birth", "15/1/10", "4 หลัก"),
    ("reg.apply.birth", "30/2/2520", "ไม่มีอยู่ในปฏิทิน"),
    ("reg.apply.birth", "1/1/2570", "ยังมาไม่ถึง"),
    ("reg.apply.birth", "พรุ่งนี้", "อ่านวันเกิดนี้ไม่ออก"),
    ("reg.apply.phone", "12345", "มือถือไทย"),
    ("reg.apply.phone", "02-123-4567", "มือถือไทย"),
    ("reg.apply.phone", "081-234-567", "มือถือไทย"),
    ("reg.apply.district", "ไม่รู้", "เลือกจากปุ่ม"),
    ("reg.apply.fund", "99", "เลือกจากปุ่ม"),
    ("reg.apply.confirm", "โอเค", "ยืนยัน"),
    ("reg.apply.consent", "อะไรนะ", "ยินยอม"),
    ("reg.choose", "ไม่แน่ใจ", "เป็นสมาชิกแล้ว"),
])
def test_a_bad_answer_is_explained_and_the_step_repeats(chat, db, roster, step, typed, expected):
    walk_apply(chat, step)
    before_buttons = chat.buttons()
    chat.say(typed)
    assert expected in chat.text
    assert state(db)[0] == step
    assert chat.buttons() == before_buttons  # the same choices again
    assert "cancel" in data_of(chat)
    assert count(db, Member) == 1


def test_a_valid_date_typed_where_the_id_is_expected_is_not_confused(chat, db, roster):
    start_link(chat)
    chat.say("15/1/2510")
    assert "เฉพาะตัวเลข 13 หลัก" in chat.text
    assert state(db)[0] == "reg.link.id"


def test_a_sticker_or_empty_text_repeats_the_question(app, db, roster):
    tg = CoreChat(app, "700005")
    tg.say("สมัคร")
    tg.press("reg:apply")
    tg.press("reg:consent:apply")
    tg.say("")
    assert "ชื่อและนามสกุล" in tg.text
    assert state(db, "700005", "telegram")[0] == "reg.apply.name"


# --- leaving the dialog ------------------------------------------------------------------------

APPLY_STEPS = [s for s in STATES if s.startswith("reg.apply.") or s == "reg.choose"]
LINK_STEPS = ["reg.link.consent", "reg.link.id", "reg.link.birth"]


def walk_link(chat, upto: str) -> None:
    chat.say("ลงทะเบียน")
    chat.tap("เป็นสมาชิกแล้ว")
    if upto == "reg.link.consent":
        return
    chat.tap("ยินยอม")
    if upto == "reg.link.id":
        return
    chat.say(ROSTER_ID)


@pytest.mark.parametrize("how", ["typed", "button", "english"])
@pytest.mark.parametrize("step", APPLY_STEPS + LINK_STEPS)
def test_cancel_at_every_step_leaves_and_stores_nothing(chat, db, roster, step, how):
    (walk_link if step.startswith("reg.link") else walk_apply)(chat, step)
    assert state(db)[0] == step
    assert "cancel" in data_of(chat)
    {"typed": lambda: chat.say("ยกเลิก"), "button": lambda: chat.tap("ยกเลิก"),
     "english": lambda: chat.say("cancel")}[how]()
    assert "ยกเลิกเรียบร้อย" in chat.text
    assert {"reg", "acct"} <= data_of(chat)
    assert state(db) == (None, {})
    assert count(db, Member) == 1
    assert count(db, AuditLog) == 0
    acct = account(db)
    assert acct.member_id is None and acct.failed_link_attempts == 0
    chat.say("15/1/2510")  # no longer an answer to anything
    assert account(db).member_id is None and count(db, Member) == 1


@pytest.mark.parametrize("step", ["reg.apply.birth", "reg.apply.confirm", "reg.link.birth"])
def test_a_button_from_another_feature_leaves_the_dialog(chat, db, roster, step):
    (walk_link if step.startswith("reg.link") else walk_apply)(chat, step)
    chat.press("menu")
    assert state(db) == (None, {})
    chat.press("reg:confirm")  # an old button from the summary
    assert "หมดเวลา" in chat.text and "reg" in data_of(chat)
    assert count(db, Member) == 1 and account(db).member_id is None


def test_a_timed_out_dialog_starts_over(chat, db, roster, clock):
    walk_apply(chat, "reg.apply.confirm")
    clock.now += timedelta(minutes=31)
    chat.press("reg:confirm")
    assert "หมดเวลา" in chat.text
    assert count(db, Member) == 1
    assert account(db).member_id is None


def test_an_old_button_from_an_earlier_step_repeats_the_current_one(chat, db, roster):
    walk_apply(chat, "reg.apply.birth")
    chat.press("reg:confirm")
    assert "ขั้นตอนก่อนหน้า" in chat.text and "วันเดือนปีเกิด" in chat.text
    assert state(db)[0] == "reg.apply.birth"
    chat.press("reg:fund:PAKHLOK")
    assert state(db)[0] == "reg.apply.birth"
    chat.press("reg:dist:7")
    assert state(db)[0] == "reg.apply.birth"
    chat.press("reg:nonsense")
    assert state(db)[0] == "reg.apply.birth"


# --- personal data -----------------------------------------------------------------------------

def test_audit_rows_and_dialog_data_never_hold_a_full_id_or_phone(chat, new_chat, db, roster):
    # A failed try, a link, and an application: every kind of audit row this feature writes.
    start_link(chat)
    chat.say(ROSTER_ID)
    chat.say("1/1/2500")
    chat.say(ROSTER_ID)
    chat.say("15/1/2510")
    applicant = new_chat("U-applicant")
    walk_apply(applicant, "reg.apply.confirm")
    _, data = state(db, "U-applicant")
    assert NEW_ID not in json.dumps(data)
    applicant.tap("ยืนยัน")

    with db() as s:
        rows = s.scalars(select(AuditLog)).all()
        assert {r.action for r in rows} == {"member.link_failed", "member.link", "member.apply"}
        dumped = json.dumps([[r.actor, r.action, r.entity, r.entity_id, r.detail] for r in rows],
                            ensure_ascii=False)
    for secret in (ROSTER_ID, NEW_ID, dashed(ROSTER_ID), dashed(NEW_ID), "0812345678", "812345678",
                   hash_national_id(SECRET, ROSTER_ID), hash_national_id(SECRET, NEW_ID)):
        assert secret not in dumped


def test_thai_and_english_catalogs_have_the_same_messages():
    th = {k for k in catalog("th") if k.startswith("register.")}
    en = {k for k in catalog("en") if k.startswith("register.")}
    assert th == en and len(th) > 40


@pytest.mark.parametrize(("typed", "first"), [
    ("นางสาวสมหญิง รักดี", "สมหญิง"),    # a title typed glued to the name
    ("น.ส.สมหญิง รักดี", "สมหญิง"),
    ("นาง สมหญิง รักดี", "สมหญิง"),
    ("นางนวล รักดี", "นางนวล"),          # a given name that starts like a title is kept whole
])
def test_titles_are_taken_off_the_name(chat, db, roster, typed, first):
    walk_apply(chat, "reg.apply.name")
    chat.say(typed)
    name, data = state(db)
    assert name == "reg.apply.id"
    assert (data["first_name"], data["last_name"]) == (first, "รักดี")
