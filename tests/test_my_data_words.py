""""My data" and "delete my data" say what is true, in the reader's language: what an unlinked chat
holds (read from what is stored), "applied on" for an application, relations and channel names
translated, the privacy notice's edition as a month; and a typed yes or no at the delete question."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from domain.identity import hash_national_id
from models import Beneficiary, ChatAccount, LinkFailure, Member, MemberStatus
from tests.conftest import SECRET
from tests.factories import link_chat, make_fund, make_member
from tests.registration import ROSTER_ID, build_roster, walk_apply


def _account(channel_db, driver) -> ChatAccount | None:
    with channel_db() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == driver.channel,
                                                  ChatAccount.external_user_id == driver.user))


def _member(channel_db, driver, *, locale: str = "th", status: MemberStatus = MemberStatus.ACTIVE) -> int:
    with channel_db() as s, s.begin():
        member = make_member(s, make_fund(s), months_paid=12, status=status)
        member.consent_at = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
        member.consent_version = "2026-11"
        s.add_all([Beneficiary(member_id=member.id, name="สมใจ ใจดี", relation="ภรรยา", share_percent=50),
                   Beneficiary(member_id=member.id, name="สมหมาย ใจดี", relation="บุตรชาย", share_percent=30),
                   Beneficiary(member_id=member.id, name="สมปอง ใจดี", relation="เพื่อนบ้าน", share_percent=20)])
        link_chat(s, driver.user, member, channel=driver.channel, locale=locale)
        return member.id


CHANNEL_TH = {"simulator": "ตัวจำลองแชต", "line": "LINE", "telegram": "Telegram"}
CHANNEL_EN = {"simulator": "Simulator", "line": "LINE", "telegram": "Telegram"}


# --- an unlinked chat ------------------------------------------------------------------------------

def test_a_new_chat_holds_its_user_id_and_language_only(driver):
    driver.say("ข้อมูลของฉัน")
    assert "ยังไม่ได้เชื่อมกับข้อมูลสมาชิก" in driver.text
    assert f"รหัสผู้ใช้ของแชตนี้ใน {CHANNEL_TH[driver.channel]}" in driver.text
    assert "ภาษาที่เลือก: ภาษาไทย" in driver.text
    assert "ความยินยอม" not in driver.text and "ไม่สำเร็จ" not in driver.text
    assert "รอคณะกรรมการ" not in driver.text


def test_an_unlinked_chat_is_told_of_its_waiting_link_consent_and_failed_attempts(driver, channel_db):
    driver.say("เมนู")
    target = hash_national_id(SECRET, ROSTER_ID)
    with channel_db() as s, s.begin():
        roster = make_member(s, make_fund(s), national_id=ROSTER_ID, phone=None)
        account = s.scalar(select(ChatAccount).where(ChatAccount.external_user_id == driver.user))
        account.pending_member_id = roster.id
        account.pending_since = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # 29 Nov in Bangkok
        account.consent_at = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
        account.consent_version = "2026-11"
        s.add_all([LinkFailure(channel=driver.channel, id_hash=target, chat_account_id=account.id)
                   for _ in range(2)])
    driver.say("ข้อมูลของฉัน")
    assert "คำขอเชื่อมกับข้อมูลสมาชิกที่รอคณะกรรมการยืนยัน (ขอเมื่อ 29 พฤศจิกายน 2569)" in driver.text
    assert "การให้ความยินยอมเมื่อ 29 พฤศจิกายน 2569 (ฉบับเดือนพฤศจิกายน 2569)" in driver.text
    assert "การลองเชื่อมบัญชีที่ไม่สำเร็จ 2 ครั้ง" in driver.text
    assert "เท่านั้น" not in driver.text


def test_an_unfinished_registration_is_listed(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.press("mydata")
    assert "ข้อมูลการลงทะเบียนที่กรอกค้างไว้" in driver.text


# --- a member --------------------------------------------------------------------------------------

def test_an_applicant_sees_applied_on_not_member_since(driver, channel_db):
    _member(channel_db, driver, status=MemberStatus.PENDING)
    driver.say("ข้อมูลของฉัน")
    assert "วันที่สมัคร: 1 มีนาคม 2561" in driver.text
    assert "เป็นสมาชิกตั้งแต่" not in driver.text and "รออนุมัติ" in driver.text
    driver.press("lang:en")
    driver.say("my data")
    assert "Applied on: 1 March 2018" in driver.text and "Member since" not in driver.text


def test_an_active_member_still_sees_member_since(driver, channel_db):
    _member(channel_db, driver)
    driver.say("ข้อมูลของฉัน")
    assert "เป็นสมาชิกตั้งแต่: 1 มีนาคม 2561" in driver.text


def test_thai_my_data_names_the_channel_and_edition_in_thai(driver, channel_db):
    _member(channel_db, driver)
    driver.say("ข้อมูลของฉัน")
    assert f"แชตที่เชื่อมไว้: {CHANNEL_TH[driver.channel]}" in driver.text
    assert "(ฉบับเดือนพฤศจิกายน 2569)" in driver.text and "2026-11" not in driver.text
    assert "สมใจ ใจดี (ภรรยา)" in driver.text


def test_english_my_data_translates_relations_channel_and_edition(driver, channel_db):
    _member(channel_db, driver, locale="en")
    driver.say("my data")
    assert "สมใจ ใจดี (wife)" in driver.text and "สมหมาย ใจดี (son)" in driver.text
    assert "สมปอง ใจดี (เพื่อนบ้าน)" in driver.text  # a relation not in the catalogue: as stored
    assert f"Linked chats: {CHANNEL_EN[driver.channel]}" in driver.text
    assert "(November 2026 edition)" in driver.text and "2026-11" not in driver.text


# --- delete my data --------------------------------------------------------------------------------

def test_a_long_standing_member_is_not_told_an_application_is_deleted(driver, channel_db):
    _member(channel_db, driver)
    driver.say("ลบข้อมูล")
    assert "ต้องการลบข้อมูลของแชตนี้ใช่ไหมคะ" in driver.text
    assert "ใบสมัคร" not in driver.text


def test_an_applicant_who_sent_the_application_here_is_told_it_goes_too(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("ยืนยัน")
    driver.say("ลบข้อมูล")
    assert "ใบสมัครที่ส่งจากแชตนี้ซึ่งยังไม่ได้รับอนุมัติ จะถูกลบด้วยค่ะ" in driver.text


@pytest.mark.parametrize("typed", ["ใช่ค่ะ", "ใช่", "ยืนยัน", "ลบ", "ยืนยันลบข้อมูลค่ะ", "yes"])
def test_a_typed_yes_at_the_question_deletes(driver, channel_db, typed):
    _member(channel_db, driver)
    driver.say("ลบข้อมูล")
    driver.say(typed)
    assert "ลบข้อมูลและยกเลิกการเชื่อมแชตนี้เรียบร้อยแล้วค่ะ" in driver.text
    assert _account(channel_db, driver) is None


@pytest.mark.parametrize("typed", ["ไม่ค่ะ", "ไม่ลบ", "no"])
def test_a_typed_no_at_the_question_keeps_everything(driver, channel_db, typed):
    member_id = _member(channel_db, driver)
    driver.say("ลบข้อมูล")
    driver.say(typed)
    assert "ไม่ได้ลบข้อมูลค่ะ" in driver.text
    assert _account(channel_db, driver).member_id == member_id
    driver.say("ใช่")  # the question was answered: a later yes deletes nothing
    assert _account(channel_db, driver).member_id == member_id


def test_something_else_typed_at_the_question_asks_again(driver, channel_db):
    member_id = _member(channel_db, driver)
    driver.say("ลบข้อมูล")
    driver.say("อืม")
    assert 'พิมพ์ "ใช่" หรือ "ไม่"' in driver.text
    assert "del:yes" in {b.data for b in driver.buttons()}
    driver.say("ใช่ค่ะ")
    assert _account(channel_db, driver) is None
    with channel_db() as s:
        assert s.get(Member, member_id) is not None  # the fund's record stays
