"""Words a Thai reviewer asked for, on every channel: matching funds named in full (พอช. spelled out,
"Matching funds from CODI"), limits and conditions joined with "และ", "ไม่ถึง 1 เดือน" rather than
"0 เดือน", and relations read in English ("บุตร" is a child, not a son)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from locales import relation_name
from models import Beneficiary, ExpenseKind, Fund, FundExpense, FundIncome, IncomeSource
from tests.factories import link_chat, make_fund, make_member


def _linked(channel_db, driver, *, locale: str = "th", joined_on: date = date(2018, 3, 1),
            months_paid: int = 12) -> None:
    with channel_db() as s, s.begin():
        fund = make_fund(s)
        member = make_member(s, fund, joined_on=joined_on, months_paid=months_paid)
        s.add_all([
            FundIncome(fund_id=fund.id, source=IncomeSource.CODI, amount=Decimal(2100),
                       received_on=date(2025, 6, 1)),
            FundIncome(fund_id=fund.id, source=IncomeSource.LOCAL_GOVERNMENT, amount=Decimal(300),
                       received_on=date(2025, 6, 1)),
            Beneficiary(member_id=member.id, name="สมหญิง ใจดี", relation="บุตร", share_percent=50),
            Beneficiary(member_id=member.id, name="สมศักดิ์ ใจดี", relation="หลาน", share_percent=50),
        ])
        link_chat(s, driver.user, member, channel=driver.channel, locale=locale)


def _labels(driver) -> list[str]:
    return [row.label for message in driver.replies for row in message.rows]


def test_the_fund_card_names_the_matching_funds_in_full_in_thai(driver, channel_db):
    _linked(channel_db, driver)
    driver.press("fund")
    text = driver.text
    assert "เงินสมทบจากสถาบันพัฒนาองค์กรชุมชน (พอช.): 2,100 บาท" in text
    assert "เงินสมทบจากเทศบาล/อบต.: 300 บาท" in text
    assert "เงินสัจจะจากสมาชิก" in text
    assert "สมทบจาก พอช." not in text and "อปท." not in text


def test_the_fund_card_says_matching_funds_from_codi_in_english(driver, channel_db):
    _linked(channel_db, driver, locale="en")
    driver.press("fund")
    text = driver.text
    assert "Matching funds from CODI: 2,100 baht" in text
    assert "Matching funds from local government" in text
    assert "Members' dues" in text


def test_a_new_member_has_been_one_for_less_than_a_month(driver, channel_db):
    _linked(channel_db, driver, joined_on=date(2026, 11, 10), months_paid=1)
    driver.press("acct")
    assert "10 พฤศจิกายน 2569 (ไม่ถึง 1 เดือน)" in driver.text and "0 เดือน" not in driver.text
    driver.press("lang:en")
    driver.press("acct")
    assert "10 November 2026 (less than a month)" in driver.text and "0 months" not in driver.text


def test_a_hospital_benefit_reads_its_limits_joined_with_and(driver, channel_db):
    _linked(channel_db, driver)
    driver.press("ben")
    assert "คืนละ 200 บาท ไม่เกินครั้งละ 600 บาท และไม่เกินปีละ 1,000 บาท" in driver.text
    assert "ต่อครั้ง" not in driver.text
    driver.press("lang:en")
    driver.press("ben")
    assert "200 baht a night, at most 600 baht each time and at most 1,000 baht a year" in driver.text


def test_english_my_data_reads_a_child_and_a_grandchild(driver, channel_db):
    _linked(channel_db, driver, locale="en")
    driver.say("my data")
    assert "สมหญิง ใจดี (child)" in driver.text
    assert "สมศักดิ์ ใจดี (grandchild, nephew or niece)" in driver.text
    assert "(บุตร)" not in driver.text and "(son)" not in driver.text


@pytest.mark.parametrize(("stored", "english"), [
    ("สามี", "husband"), ("ภรรยา", "wife"), ("ภริยา", "wife"), ("บุตร", "child"), ("ลูก", "child"),
    ("บิดา", "father"), ("พ่อ", "father"), ("มารดา", "mother"), ("แม่", "mother"), ("พี่", "sibling"),
    ("น้อง", "sibling"), ("พี่น้อง", "sibling"), ("หลาน", "grandchild, nephew or niece"),
    ("บุตรบุญธรรม", "adopted child"), (" ภรรยา ", "wife"),
])
def test_a_common_relation_reads_in_english_and_stays_thai_in_thai(stored, english):
    assert relation_name("en", stored) == english
    assert relation_name("th", stored) == stored.strip()


def test_one_benefit_paid_this_year_is_one_claim_in_english(driver, channel_db):
    _linked(channel_db, driver, locale="en")
    with channel_db() as s, s.begin():
        fund_id = s.scalar(select(Fund.id))
        s.add(FundExpense(fund_id=fund_id, kind=ExpenseKind.BENEFIT, amount=Decimal(1000),
                          spent_on=date(2026, 3, 1)))
    driver.press("fund")
    assert "Benefits paid in 2026: 1 claim, 1,000 baht" in driver.text and "1 claims" not in driver.text
    driver.press("lang:th")
    driver.press("fund")
    assert "จ่ายสวัสดิการปี 2569: 1 ราย รวม 1,000 บาท" in driver.text
