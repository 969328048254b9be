"""What an applicant and a member whose membership has ended read in their account and benefits,
on every channel: nothing owed before approval; after the end, no arrears to pay as if paying
would bring it back, and whom to ask instead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Member, MemberStatus
from services.fund_paying import set_fields
from tests.factories import link_chat, make_fund, make_member
from tests.registration import build_roster, walk_apply


def _member(channel_db, driver, **kwargs) -> int:
    with channel_db() as s, s.begin():
        member = make_member(s, make_fund(s), **kwargs)
        link_chat(s, driver.user, member, channel=driver.channel)
        return member.id


def test_an_applicant_owes_nothing_before_approval(driver, channel_db, clock):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("ยืนยัน")
    clock.now += timedelta(days=45)  # two months later, still not approved
    driver.press("acct")
    text = driver.text
    assert "รออนุมัติ" in text and "ยังไม่ต้องชำระ" in text
    assert "ค้างชำระ: ไม่มี" in text
    assert "1 เดือน (30 บาท)" not in text and "วิธีชำระ" not in text
    driver.press("ben")
    assert "ใบสมัครของท่านรอคณะกรรมการอนุมัติอยู่ค่ะ" in driver.text
    assert "ต้องเป็นสมาชิกปกติก่อน" not in driver.text


def test_a_lapsed_member_is_told_the_membership_ended_and_whom_to_ask(driver, channel_db):
    _member(channel_db, driver, status=MemberStatus.LAPSED, joined_on=date(2020, 1, 1), months_paid=30)
    driver.press("acct")
    text = driver.text
    assert "สมาชิกภาพของท่านสิ้นสุดแล้ว" in text and "ติดต่อคณะกรรมการกองทุน" in text
    assert "ไม่มียอดให้ชำระ (สมาชิกภาพสิ้นสุดแล้ว)" in text
    assert "วิธีชำระ" not in text and "บาท)" not in text
    driver.press("ben")
    text = driver.text
    assert "สมาชิกภาพของท่านสิ้นสุดแล้วเพราะขาดส่งเงินสัจจะ" in text and "ติดต่อคณะกรรมการกองทุน" in text
    assert "ต้องเป็นสมาชิกปกติก่อน" not in text


def test_an_ended_membership_names_the_funds_contact_with_the_phone(driver, channel_db):
    mid = _member(channel_db, driver, status=MemberStatus.LAPSED, joined_on=date(2020, 1, 1), months_paid=30)
    with channel_db() as s, s.begin():
        fund = s.get(Member, mid).fund
        set_fields(s, fund, {"contact_name": "สำนักงานกองทุน", "contact_phone": "076 311 234"}, actor="test")
    driver.press("acct")
    assert "กรุณาติดต่อสำนักงานกองทุน โทร 076-311-234" in driver.text  # an office: no คุณ before it


@pytest.mark.parametrize("status", [MemberStatus.RESIGNED, MemberStatus.DECEASED])
def test_a_membership_ended_otherwise_says_so_too(driver, channel_db, status):
    _member(channel_db, driver, status=status, months_paid=12)
    driver.press("ben")
    assert "สมาชิกภาพของท่านสิ้นสุดแล้ว" in driver.text and "ต้องเป็นสมาชิกปกติก่อน" not in driver.text
    assert "ขาดส่ง" not in driver.text  # not the lapsed member's reason
    driver.press("acct")
    assert "วิธีชำระ" not in driver.text


def test_a_member_past_the_lapse_limit_is_not_told_how_to_pay(driver, channel_db):
    # Paid through June 2026; July to October ended unpaid: more than the fund's 3 months.
    _member(channel_db, driver, joined_on=date(2018, 3, 1), months_paid=100)
    driver.press("acct")
    text = driver.text
    assert "สมาชิกภาพสิ้นสุดลง" in text and "ติดต่อคณะกรรมการกองทุน" in text
    assert "ขาดส่งครบกำหนดแล้ว" in text
    assert "วิธีชำระ" not in text


def test_in_english_an_ended_membership_reads_the_same(driver, channel_db):
    _member(channel_db, driver, status=MemberStatus.LAPSED, months_paid=10)
    driver.press("lang:en")
    driver.press("acct")
    assert "Your membership has ended" in driver.text and "How to pay" not in driver.text
    driver.press("ben")
    assert "contact your fund committee" in driver.text
