"""Recording a payment in the committee's chat: the member found by number or name, the amount by
months or baht, the months it covers in the Buddhist Era, the day paid, a confirmation that acts
once; the ledger row, the audit row and the member's receipt. Each test runs on the simulator, LINE
and Telegram (`driver` is Pa Khlok's committee member)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from handlers import buttons as B
from tests.cm_payments_helpers import (
    audits,
    data_of,
    labels_of,
    ledger,
    open_payments,
    paying_member,
    record,
    told,
)
from tests.registration import assert_buttons_fit


def test_recording_six_months_writes_the_ledger_audits_and_sends_the_receipt(driver, cm_world, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    before = len(ledger(channel_db, member))
    open_payments(driver)
    assert "พิมพ์เลขสมาชิก" in driver.text and labels_of(driver)[-1] == "ยกเลิก"
    driver.say("๗๐๑๒")  # Thai digits, without the leading zeros
    text = driver.text
    assert "คุณบุญมี ศรีสุข (สมาชิกเลขที่ 07012)" in text
    assert "ชำระเงินสัจจะถึง: พฤศจิกายน 2569" in text and "ไม่มียอดค้างชำระ" in text
    assert "เบอร์" not in text and "+66" not in text
    assert {"1 เดือน 30 บาท", "3 เดือน 90 บาท", "6 เดือน 180 บาท", "12 เดือน 360 บาท"} <= set(labels_of(driver))
    assert_buttons_fit(driver)
    driver.tap("6 เดือน")
    text = driver.text
    assert "ธันวาคม 2569 ถึง พฤษภาคม 2570" in text and "180 บาท" in text
    assert "29 พฤศจิกายน 2569" in text  # paid today by default
    assert {"ยืนยันรับเงิน", "รับเงินวันอื่น", "ยกเลิก"} <= set(labels_of(driver))
    driver.tap("ยืนยันรับเงิน")
    assert "บันทึกรับเงินเรียบร้อยแล้ว" in driver.text and "ส่งใบรับเงินให้สมาชิก" in driver.text
    rows = ledger(channel_db, member)
    assert len(rows) == before + 1
    new = rows[-1]
    assert (new.amount, new.months_covered, new.paid_on) == (Decimal("180"), 6, date(2026, 11, 29))
    assert new.recorded_by.startswith("chat:") and new.reverses_id is None
    receipt = told(channel_db, member)
    assert len(receipt) == 1 and "ได้รับเงินสัจจะ 180 บาท" in receipt[0] and "พฤษภาคม 2570" in receipt[0]
    audit = audits(channel_db, "payment.record")[-1]
    assert audit.entity_id == str(new.id) and audit.detail["months"] == 6 and audit.actor == new.recorded_by
    assert "name" not in audit.detail and "บุญมี" not in str(audit.detail)


def test_a_typed_amount_in_thai_digits_and_a_name_search_with_several_matches(driver, cm_world, channel_db):
    one = paying_member(channel_db, cm_world, channel=driver.channel, first_name="สมพร", last_name="ทองดี",
                        member_no="07021")
    paying_member(channel_db, cm_world, channel=driver.channel, first_name="สมพงษ์", last_name="ทองดี",
                  member_no="07022")
    open_payments(driver)
    driver.say("คุณทองดีค่ะ")  # a title and a polite word around part of the surname
    assert "พบสมาชิก 2 คน" in driver.text
    assert "สมพร ทองดี (07021)" in driver.text and "สมพงษ์ ทองดี (07022)" in driver.text
    driver.press(data_of(driver, "07021"))
    assert "คุณสมพร ทองดี (สมาชิกเลขที่ 07021)" in driver.text
    driver.say("๙๐ บาทค่ะ")
    assert "ธันวาคม 2569 ถึง กุมภาพันธ์ 2570" in driver.text and "90 บาท" in driver.text
    driver.tap("ยืนยันรับเงิน")
    assert [p.months_covered for p in ledger(channel_db, one)][-1] == 3


def test_a_search_that_finds_no_one_or_too_many_says_what_to_type(driver, cm_world, channel_db):
    for n in range(9):
        paying_member(channel_db, cm_world, channel=driver.channel, first_name=f"มณี{n}", last_name="ดีงาม",
                      member_no=f"{7200 + n:05d}", linked=False)
    paying_member(channel_db, cm_world, channel=driver.channel, first_name="ปิติ", last_name="กมลา",
                  member_no="07777", fund_id=cm_world.other_id, linked=False)
    open_payments(driver)
    driver.say("ดีงาม")
    assert "มากกว่า 8 คน" in driver.text and "พิมพ์ชื่อให้ยาวขึ้น" in driver.text
    driver.say("มณี3")
    assert "คุณมณี3 ดีงาม (สมาชิกเลขที่ 07203)" in driver.text
    driver.tap("เลือกสมาชิกคนอื่น")
    driver.say("7777")  # another fund's member: not found in this one
    assert "ไม่พบสมาชิก \"7777\"" in driver.text
    driver.say("ใครก็ได้")
    assert "ไม่พบสมาชิก" in driver.text and labels_of(driver)[-1] == "ยกเลิก"
    driver.say("%")  # not a wildcard
    assert "ไม่พบสมาชิก" in driver.text


def test_wrong_amounts_are_refused_and_the_step_stays_open(driver, cm_world, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    before = len(ledger(channel_db, member))
    open_payments(driver)
    driver.say("07012")
    for wrong, reply in (("0", "มากกว่า 0 บาท"), ("-30", "มากกว่า 0 บาท"), ("สามร้อย", "ไม่เข้าใจจำนวนเงิน"),
                         ("1,200", "เกินที่กองทุนให้ชำระล่วงหน้าได้ (12 เดือน)")):
        driver.say(wrong)
        assert reply in driver.text, (wrong, driver.text)
        assert "1 เดือน 30 บาท" in labels_of(driver)
    assert "รับได้ไม่เกิน 360 บาท" in driver.text
    assert "12 เดือน 360 บาท" in labels_of(driver)
    driver.say("1,080.00")  # 36 months is too far ahead too; 360 is the most
    assert "เกินที่กองทุนให้ชำระล่วงหน้า" in driver.text
    driver.say("360")
    assert "ธันวาคม 2569 ถึง พฤศจิกายน 2570" in driver.text and "เงินที่เหลือ" not in driver.text
    driver.tap("แก้จำนวนเงิน")
    driver.say("45")  # a month and a half: the half is kept, and the summary says so
    assert "ธันวาคม 2569" in driver.text and "15 บาท เก็บไว้รวมกับการชำระครั้งต่อไป" in driver.text
    assert len(ledger(channel_db, member)) == before


def test_a_back_dated_payment_in_either_era_never_in_the_future(driver, cm_world, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    open_payments(driver)
    driver.say("7012")
    driver.tap("1 เดือน")
    driver.tap("รับเงินวันอื่น")
    assert "รับเงินวันที่เท่าไรคะ" in driver.text
    driver.say("5/12/2569")
    assert "ยังมาไม่ถึง" in driver.text
    driver.say("พรุ่งนี้")
    assert "ยังมาไม่ถึง" in driver.text
    driver.say("วันไหนก็ได้")
    assert "อ่านวันที่นี้ไม่ออก" in driver.text
    driver.say("1/1/2560")  # before she joined (January 2026): a wrong year, asked again
    assert "ก่อนวันที่สมาชิกท่านนี้เข้าเป็นสมาชิก" in driver.text and "ยกเลิก" in driver.labels()
    driver.say("๒๐/๑๑/๒๕๖๙")
    assert "20 พฤศจิกายน 2569" in driver.text and "ธันวาคม 2569" in driver.text
    driver.tap("รับเงินวันอื่น")
    driver.say("2026-11-18")  # the Christian era too
    assert "18 พฤศจิกายน 2569" in driver.text
    driver.tap("ยืนยันรับเงิน")
    assert "รับเงินวันที่ 18 พฤศจิกายน 2569" in driver.text
    assert ledger(channel_db, member)[-1].paid_on == date(2026, 11, 18)


def test_cancel_mid_way_writes_nothing(driver, cm_world, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    before = len(ledger(channel_db, member))
    open_payments(driver)
    driver.say("7012")
    driver.tap("3 เดือน")
    driver.say("ยกเลิกค่ะ")
    assert "ยืนยันรับเงิน" not in labels_of(driver)
    open_payments(driver)
    driver.say("7012")
    driver.tap("ยกเลิก")
    driver.say("30")  # the dialog is over: not an amount any more
    assert len(ledger(channel_db, member)) == before and told(channel_db, member) == []


def test_a_confirmation_pressed_twice_records_once(driver, cm_world, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    before = len(ledger(channel_db, member))
    open_payments(driver)
    driver.say("7012")
    driver.tap("1 เดือน")
    driver.say("ได้เลย")  # typed at the summary: what to press
    assert "กดปุ่ม \"ยืนยันรับเงิน\"" in driver.text
    confirm = data_of(driver, "ยืนยันรับเงิน")
    driver.press(confirm)
    driver.press(confirm)
    assert "ยืนยันไปแล้ว" in driver.text and "บันทึกไว้แล้ว" in driver.text
    assert len(ledger(channel_db, member)) == before + 1
    assert len(told(channel_db, member)) == 1 and len(audits(channel_db, "payment.record")) == 1


def test_in_english_for_an_english_speaking_committee_member(driver, cm_world, channel_db):
    driver.say("Language")
    driver.tap("English")
    member = paying_member(channel_db, cm_world, channel=driver.channel, locale="en")
    driver.press(B.CM_PAYMENTS)
    assert "Type the member number" in driver.text
    driver.say("7012")
    assert "Dues paid through: November 2026" in driver.text and "Nothing owed." in driver.text
    driver.tap("3 mo.")
    assert "December 2026 to February 2027" in driver.text and "Paid on" in driver.text
    driver.tap("Confirm payment")
    assert "Payment recorded" in driver.text
    assert "We have received your dues of 90 baht" in told(channel_db, member)[0]


def test_an_old_confirm_button_leaves_the_summary_open_now_valid(driver, cm_world, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    before = len(ledger(channel_db, member))
    open_payments(driver)
    driver.say("7012")
    driver.tap("1 เดือน")
    first = data_of(driver, "ยืนยันรับเงิน")
    driver.press(first)
    driver.press(B.CM_PAYMENTS)  # a second payment
    driver.say("7012")
    driver.tap("1 เดือน")
    second = data_of(driver, "ยืนยันรับเงิน")
    driver.press(first)  # scrolled up: the first summary's button
    assert "ยืนยันไปแล้ว" in driver.text and "ยืนยันรับเงิน" in driver.labels()
    driver.press(B.CM_PAY_CONFIRM + "made-up")
    assert "ข้อความเก่า" in driver.text
    driver.press(second)
    assert len(ledger(channel_db, member)) == before + 2


@pytest.mark.parametrize(("hour", "night"), [(14, False), (22, True), (7, True)])
def test_the_receipt_remark_names_the_night_only_in_the_quiet_hours(driver, cm_world, channel_db, clock,
                                                                    hour, night):
    clock.now = clock.now.replace(hour=hour, minute=45)
    paying_member(channel_db, cm_world, channel=driver.channel)
    record(driver, "7012")
    assert "ส่งใบรับเงินให้สมาชิกทางแชตค่ะ" in driver.text
    assert ("ยามค่ำคืน" in driver.text) is night
