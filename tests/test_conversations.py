"""Whole conversations in Thai, the same test on every channel: the simulator, LINE and Telegram.

Each test takes `driver`, a new person on one channel, and runs once per channel, through that
channel's real way in (the simulator's API, a signed LINE webhook, a Telegram update) and out (the
JSON replies, the fake LINE's reply calls, the fake Bot API's sendMessage calls). What a channel does
its own way (LINE's quick-reply labels, Telegram's contact keyboard) is tested in its own modules.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from locales import translate
from models import AuditLog, ChatAccount, DialogState, Member
from tests.conftest import BANGKOK
from tests.drivers import ChatDriver
from tests.factories import make_fund, make_meeting, make_member

ROSTER_ID = "3-1006-00445-63-5"  # Somsri's national ID as she types it from her card
BAD_CHECKSUM = "3-1006-00445-63-6"  # the same with the last digit mistyped
BIRTH_BE = "15/01/2510"  # 15 January 1967 in the Buddhist Era
PHONE = "081-234-5678"  # the phone on file (the factory's +66812345678)


def th(key: str, **fields) -> str:
    return translate("th", key, **fields)


@pytest.fixture
def roster(channel_db, clock):
    """Two funds in Thalang; Somsri, a member of Pa Khlok paid up to this month; two meetings ahead."""
    with channel_db() as s, s.begin():
        pakhlok = make_fund(s, "PAKHLOK", district_th="ถลาง", district_en="Thalang",
                            name_th="เทศบาลตำบลป่าคลอก", name_en="Pa Khlok Subdistrict Municipality")
        sakhu = make_fund(s, "SAKHU", district_th="ถลาง", name_th="องค์การบริหารส่วนตำบลสาคู")
        sakhu.kind = "อบต."
        somsri = make_member(s, pakhlok, national_id=ROSTER_ID.replace("-", ""), birth_date=date(1967, 1, 15),
                             first_name="สมศรี", last_name="มีสุข", member_no="00017",
                             joined_on=date(2019, 5, 1), months_paid=91)
        make_meeting(s, pakhlok, clock.now + timedelta(days=16), title="ประชุมประจำเดือนธันวาคม")
        make_meeting(s, None, datetime(2027, 1, 20, 13, 0, tzinfo=BANGKOK), title="สมัชชาจังหวัดภูเก็ต")
    return SimpleNamespace(member_id=somsri.id, fund_id=pakhlok.id)


def account(db, person: ChatDriver) -> ChatAccount | None:
    with db() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == person.channel,
                                                  ChatAccount.external_user_id == person.user))


def step(db, person: ChatDriver) -> str | None:
    """Where the person is in a dialog (None: in none)."""
    with db() as s:
        row = s.get(DialogState, (person.channel, person.user))
        return row.state if row else None


def data_of(person: ChatDriver) -> set[str]:
    return {b.data for b in person.buttons()}


def up_to_the_id(person: ChatDriver) -> None:
    person.say("ลงทะเบียน")
    person.tap("เป็นสมาชิกแล้ว")
    person.tap("ยินยอม")


def link(person: ChatDriver) -> None:
    up_to_the_id(person)
    person.say(ROSTER_ID)
    person.say(BIRTH_BE)
    person.say(PHONE)
    assert "เชื่อมบัญชีเรียบร้อย" in person.text, person.text


# --- linking to the roster ----------------------------------------------------------------------

def test_linking_to_the_roster_step_by_step(driver, channel_db, roster):
    driver.say("ลงทะเบียน")
    assert th("register.ask_kind").splitlines()[0] in driver.text
    assert {"reg:link", "reg:apply", "cancel"} <= data_of(driver)
    assert step(channel_db, driver) == "reg.choose"

    driver.tap("เป็นสมาชิกแล้ว")
    assert "ข้อมูลส่วนบุคคล" in driver.text and "ไม่เก็บเลขประจำตัวประชาชนแบบเต็ม" in driver.text
    assert [b.label for b in driver.buttons()] == ["ยินยอม", "ยกเลิก"]
    assert step(channel_db, driver) == "reg.link.consent"

    driver.tap("ยินยอม")
    assert "เลขประจำตัวประชาชน 13 หลัก" in driver.text
    assert step(channel_db, driver) == "reg.link.id"

    driver.say(ROSTER_ID)
    assert "วันเดือนปีเกิด" in driver.text
    assert step(channel_db, driver) == "reg.link.birth"
    assert account(channel_db, driver).member_id is None  # nothing linked before both match

    driver.say(BIRTH_BE)
    assert th("register.ask_link_phone").splitlines()[0] in driver.text
    assert "xxx" not in driver.text  # the number on file is never shown, not even masked
    assert step(channel_db, driver) == "reg.link.phone"
    assert account(channel_db, driver).member_id is None  # nothing linked before all match

    driver.say(PHONE)
    assert th("register.linked", name="สมศรี มีสุข", fund="เทศบาลตำบลป่าคลอก") in driver.text
    assert {"acct", "ben", "fund", "meet"} <= data_of(driver) and "reg" not in data_of(driver)
    assert step(channel_db, driver) is None
    linked = account(channel_db, driver)
    assert linked.member_id == roster.member_id
    assert linked.linked_at is not None and linked.failed_link_attempts == 0
    assert linked.consent_at is not None  # consent is recorded on this link
    with channel_db() as s:
        assert [a.action for a in s.scalars(select(AuditLog))] == ["member.link"]


def test_only_the_person_who_linked_is_linked(driver, new_driver, channel_db, roster):
    link(driver)
    neighbour = new_driver()
    neighbour.say("เช็คยอด")
    assert th("menu.need_register") in neighbour.text
    assert "สมศรี" not in neighbour.text
    with channel_db() as s:
        linked = s.scalars(select(ChatAccount.external_user_id).where(ChatAccount.member_id.is_not(None)))
        assert list(linked) == [driver.user]


# --- what a linked member can ask ---------------------------------------------------------------

def test_a_linked_member_checks_the_balance(driver, channel_db, roster):
    link(driver)
    driver.say("เช็คยอด")
    (card,) = [m for m in driver.replies if m.is_card]
    assert card.title == th("account.title")
    # Joined May 2019, 91 months of 30 baht paid: May 2019 to November 2026, this month.
    for line in ("สมาชิก: สมศรี มีสุข", "เลขที่สมาชิก: 00017", "กองทุน: เทศบาลตำบลป่าคลอก",
                 "ชำระถึงเดือน: พฤศจิกายน 2569", "ค้างชำระ: ไม่มี", "เงินสัจจะสะสม: 2,730 บาท"):
        assert line in card.text, (line, card.text)
    assert {"ben", "fund", "menu"} <= data_of(driver)

    typed = driver.text
    driver.press("acct")  # the menu's "ยอดเงินของฉัน"
    assert driver.text == typed  # the button and the words give the same answer


def test_a_linked_member_reads_the_benefits(driver, roster):
    link(driver)
    driver.say("ได้สิทธิ์อะไรบ้าง")
    assert th("benefits.title", fund="เทศบาลตำบลป่าคลอก") in [m.title for m in driver.replies]
    # Seven and a half years a member, paid up: past every waiting period.
    assert "คลอดบุตร: ครั้งละ 1,000 บาท\n✅ ใช้สิทธิ์ได้แล้ว" in driver.text
    # The death benefit is cover in force, at her tier now.
    assert "🛡️ คุ้มครองแล้ว: หากเสียชีวิต ผู้รับผลประโยชน์จะได้รับ 15,000 บาท" in driver.text
    assert "ตั้งแต่ 1 พฤษภาคม 2572 จะเพิ่มเป็น 20,000 บาท" in driver.text  # ten years a member
    assert "ใช้สิทธิ์ได้ตั้งแต่ 15 มกราคม 2570 (เมื่ออายุครบ 60 ปี)" in driver.text  # she turns 60


def test_a_linked_member_asks_about_the_fund_and_the_meetings(driver, roster):
    link(driver)
    driver.tap("ข้อมูลกองทุน")
    assert "เทศบาลตำบลป่าคลอก" in [m.title for m in driver.replies]
    assert "สมาชิก: 1 คน" in driver.text
    assert "เงินกองทุนคงเหลือ: 2,730 บาท" in driver.text  # Somsri's 91 months, nothing paid out

    driver.say("ประชุมเมื่อไหร่")
    assert [m.title for m in driver.replies if m.is_card] == ["ประชุมประจำเดือนธันวาคม", "สมัชชาจังหวัดภูเก็ต"]
    for line in ("วันที่: วันอังคารที่ 15 ธันวาคม 2569", "เวลา: 10:00 น.", "ผู้จัด: เทศบาลตำบลป่าคลอก",
                 "วันที่: วันพุธที่ 20 มกราคม 2570", "เวลา: 13:00 น.", "ผู้จัด: เครือข่ายกองทุนสวัสดิการชุมชนจังหวัดภูเก็ต"):
        assert line in driver.text, line


# --- a wrong answer stays at the step -----------------------------------------------------------

def test_a_mistyped_national_id_is_explained_and_asked_again(driver, channel_db, roster):
    up_to_the_id(driver)
    driver.say(BAD_CHECKSUM)
    assert th("register.id_checksum") in driver.text
    assert "เลขประจำตัวประชาชน 13 หลัก" in driver.text  # the question again
    assert "cancel" in data_of(driver)
    assert step(channel_db, driver) == "reg.link.id"
    assert account(channel_db, driver).failed_link_attempts == 0  # a typo is not a failed try

    driver.say(ROSTER_ID)
    assert step(channel_db, driver) == "reg.link.birth"
    driver.say(BIRTH_BE)
    driver.say(PHONE)
    assert account(channel_db, driver).member_id == roster.member_id


def test_a_birth_date_that_does_not_exist_is_explained_and_asked_again(driver, channel_db, roster):
    up_to_the_id(driver)
    driver.say(ROSTER_ID)
    driver.say("31/02/2510")
    assert th("register.birth_no_such_date") in driver.text
    assert "15/1/2510" in driver.text  # an example of what to type
    assert step(channel_db, driver) == "reg.link.birth"
    assert account(channel_db, driver).failed_link_attempts == 0

    driver.say(BIRTH_BE)
    driver.say(PHONE)
    assert account(channel_db, driver).member_id == roster.member_id


def test_a_birth_date_that_does_not_match_counts_as_a_try(driver, channel_db, roster):
    up_to_the_id(driver)
    driver.say(ROSTER_ID)
    driver.say("16/01/2510")
    assert step(channel_db, driver) == "reg.link.phone"  # a wrong birth date is not told apart
    driver.say(PHONE)
    assert th("register.link_not_found", left=2) in driver.text
    assert step(channel_db, driver) == "reg.link.id"  # both are asked again
    linked = account(channel_db, driver)
    assert linked.member_id is None and linked.failed_link_attempts == 1


def test_failed_tries_from_other_chats_lock_the_id_for_this_chat_too(driver, new_driver, channel_db, roster):
    for i in range(5):  # strangers, each on a chat of their own: no chat reaches its own pause
        stranger = new_driver()
        up_to_the_id(stranger)
        stranger.say(ROSTER_ID)
        stranger.say(f"{i + 1}/02/2500")
        stranger.say(PHONE)
    up_to_the_id(driver)
    driver.say(ROSTER_ID)
    assert th("register.link_id_locked", when="").splitlines()[0] in driver.text
    assert "cancel" not in data_of(driver) and step(channel_db, driver) is None
    assert account(channel_db, driver).member_id is None


def test_a_member_without_a_phone_on_file_waits_for_the_committee(driver, channel_db, roster):
    with channel_db() as s, s.begin():
        s.get(Member, roster.member_id).phone = None
    up_to_the_id(driver)
    driver.say(ROSTER_ID)
    driver.say(BIRTH_BE)
    assert th("register.ask_link_phone").splitlines()[0] in driver.text  # asked whatever matched
    driver.say("089-555-0000")  # nothing on file to compare it with: not kept
    assert th("register.link_waiting_sent").splitlines()[0] in driver.text
    waiting = account(channel_db, driver)
    assert waiting.member_id is None and waiting.pending_member_id == roster.member_id
    driver.say("เช็คยอด")
    assert th("menu.need_register") in driver.text and "สมศรี" not in driver.text


# --- leaving -------------------------------------------------------------------------------------

def test_cancel_by_button_or_word_leaves_the_dialog(driver, channel_db, roster):
    up_to_the_id(driver)
    driver.tap("ยกเลิก")
    assert th("menu.cancelled") in driver.text
    assert {"reg", "acct"} <= data_of(driver)
    assert step(channel_db, driver) is None

    up_to_the_id(driver)
    driver.say(ROSTER_ID)
    driver.say("ยกเลิก")
    assert th("menu.cancelled") in driver.text
    assert step(channel_db, driver) is None
    driver.say(BIRTH_BE)  # no longer an answer to anything
    assert account(channel_db, driver).member_id is None
    with channel_db() as s:
        assert list(s.scalars(select(AuditLog))) == []


# --- guests and languages -------------------------------------------------------------------------

def test_a_guest_asking_for_the_balance_is_asked_to_register(driver, channel_db, roster):
    driver.say("เช็คยอดหน่อยค่ะ")
    assert th("menu.need_register") in driver.text
    assert "สมศรี" not in driver.text and "ชำระถึงเดือน" not in driver.text
    assert "reg" in data_of(driver)
    driver.tap("ลงทะเบียน")
    assert th("register.ask_kind").splitlines()[0] in driver.text
    assert step(channel_db, driver) == "reg.choose"


def test_switching_to_english(driver, channel_db, roster):
    link(driver)
    driver.say("ภาษา")
    assert th("settings.choose_language") in driver.text
    driver.tap("English")
    assert translate("en", "settings.language_set") in driver.text
    assert "My balance" in [b.label for b in driver.buttons()]
    assert account(channel_db, driver).locale == "en"
    with channel_db() as s:
        assert s.get(Member, roster.member_id).preferred_language == "en"

    driver.say("balance")
    assert translate("en", "account.title") in [m.title for m in driver.replies]
    assert "Paid through: November 2026" in driver.text
    assert "พฤศจิกายน" not in driver.text

    driver.say("language")
    driver.tap("ภาษาไทย")
    assert th("settings.language_set") in driver.text
    assert account(channel_db, driver).locale == "th"
