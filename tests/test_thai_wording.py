"""Thai that reads naturally and says what is true: the lock notice, an ended membership's account
and benefits (the rights ended, not "not yet"), conditions without a stray space, one word for dues
(เงินสัจจะ) everywhere."""

from __future__ import annotations

from datetime import date

import pytest

from locales import catalog, translate
from models import MemberStatus
from tests.factories import link_chat, make_fund, make_member
from tests.registration import build_roster, walk_apply


def _member(channel_db, driver, **kwargs) -> None:
    with channel_db() as s, s.begin():
        link_chat(s, driver.user, make_member(s, make_fund(s), **kwargs), channel=driver.channel)


def test_the_lock_notice_asks_naturally_whether_it_was_the_member():
    text = translate("th", "link.notice_locked_member", when="16:00")
    assert "หากท่านไม่ได้ลองเชื่อมบัญชีเอง" in text and "หากไม่ใช่ท่านเป็นผู้ลอง" not in text


def test_a_lapsed_members_account_has_no_brackets_in_brackets(driver, channel_db):
    _member(channel_db, driver, status=MemberStatus.LAPSED, joined_on=date(2020, 1, 1), months_paid=30)
    driver.press("acct")
    assert "สมาชิกภาพของท่านสิ้นสุดแล้วค่ะ สถานะ: สิ้นสภาพ (ขาดส่งเงินสัจจะ)" in driver.text
    assert "(สถานะ:" not in driver.text


@pytest.mark.parametrize("status", [MemberStatus.LAPSED, MemberStatus.RESIGNED, MemberStatus.DECEASED])
def test_an_ended_membership_is_told_its_rights_ended_not_yet_to_come(driver, channel_db, status):
    _member(channel_db, driver, status=status, joined_on=date(2020, 1, 1), months_paid=30)
    driver.press("ben")
    assert "สิทธิ์นี้สิ้นสุดแล้ว" in driver.text
    assert "สิทธิสวัสดิการจึงสิ้นสุดลงด้วยค่ะ" in driver.text
    assert "ยังใช้สิทธิ์" not in driver.text


def test_an_applicant_is_still_told_not_yet(driver, channel_db):
    _member(channel_db, driver, status=MemberStatus.PENDING, member_no=None)
    driver.press("ben")
    assert "— ยังใช้สิทธิ์ไม่ได้" in driver.text
    assert "ใบสมัครของท่านรอคณะกรรมการอนุมัติอยู่ค่ะ" in driver.text
    assert "สิ้นสุด" not in driver.text
    driver.press("bn:birth")
    assert "ท่านยังใช้สิทธิ์นี้ไม่ได้ค่ะ เพราะใบสมัครรอคณะกรรมการอนุมัติก่อน" in driver.text
    assert "สิ้นสุด" not in driver.text


def test_in_english_an_ended_membership_reads_the_same(driver, channel_db):
    _member(channel_db, driver, status=MemberStatus.RESIGNED, months_paid=10)
    driver.press("lang:en")
    driver.press("ben")
    assert "This right has ended" in driver.text and "Not available to you" not in driver.text


def test_a_years_condition_has_no_stray_space(driver, channel_db):
    _member(channel_db, driver, joined_on=date(2020, 1, 1), months_paid=80)
    driver.press("bn:elderly")
    assert "เป็นสมาชิก 3 ปีขึ้นไป" in driver.text and "ปี ขึ้นไป" not in driver.text


def test_dues_are_called_one_name_everywhere():
    assert [key for key, text in catalog("th").items() if "ค่าสัจจะ" in text] == []


def test_the_application_sent_speaks_of_dues_as_everywhere(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("ยืนยัน")
    assert "เงินสัจจะของกองทุนนี้เดือนละ 30 บาท" in driver.text
