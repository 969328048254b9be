"""The treasurer's desk: reversing a wrong entry with a reason (a new opposite entry, never an edit),
refused twice and for a reversal itself; the day's entries, recorded in the chat and imported as
one ledger, paged, on another day. Each test runs on the simulator, LINE and Telegram."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers import buttons as B
from tests.cm_payments_helpers import (
    audits,
    data_of,
    deliver_receipts,
    labels_of,
    ledger,
    make_treasurer,
    paid_total,
    paying_member,
    record,
    statuses,
    told,
)


def test_a_reversal_with_a_reason_adds_the_opposite_entry_and_tells_the_member(driver, cm_world,
                                                                              channel_db):
    make_treasurer(channel_db, cm_world)
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    before = paid_total(channel_db, member)
    record(driver, "7012", "6 เดือน")
    deliver_receipts(channel_db, member)  # the dispatcher sent the receipt: the correction follows
    driver.tap("กลับรายการนี้")
    assert "กลับรายการรับเงิน 180 บาท ของคุณบุญมี ศรีสุข (07012)" in driver.text
    assert "พิมพ์เหตุผล" in driver.text and labels_of(driver) == ["ยกเลิก"]
    driver.say("   ")  # nothing typed (spaces): a reason is required
    assert "ต้องมีเหตุผล" in driver.text
    driver.say("ก" * 201)
    assert "ยาวเกินไป" in driver.text
    driver.say("บันทึกผิดคน")
    text = driver.text
    assert "กลับรายการรับเงินนี้ไหมคะ" in text and "-180 บาท" in text and "บันทึกผิดคน" in text
    driver.say("โอเค")  # typed at the summary: what to press
    assert "ยืนยันกลับรายการ" in driver.text
    confirm = data_of(driver, "ยืนยันกลับรายการ")
    driver.press(confirm)
    assert "เรียบร้อยแล้ว" in driver.text and "ชำระเงินสัจจะถึง: พฤศจิกายน 2569" in driver.text
    assert "แจ้งสมาชิกทางแชตพร้อมเหตุผลแล้ว" in driver.text
    driver.press(confirm)  # pressed again: acts once
    assert "ยืนยันไปแล้ว" in driver.text
    original, reversal = ledger(channel_db, member)[-2:]
    assert (reversal.amount, reversal.months_covered) == (Decimal("-180"), -6)
    assert (reversal.reverses_id, reversal.note, reversal.paid_on) == (original.id, "บันทึกผิดคน",
                                                                       date(2026, 11, 29))
    assert paid_total(channel_db, member) == before
    assert (original.amount, original.months_covered) == (Decimal("180"), 6)  # never edited
    receipt, correction = told(channel_db, member)
    assert "ยกเลิกรายการรับเงิน 180 บาท วันที่ 29 พฤศจิกายน 2569" in correction
    assert "เหตุผล: บันทึกผิดคน" in correction and "ชำระเงินสัจจะถึง: พฤศจิกายน 2569" in correction
    [row] = audits(channel_db, "payment.reverse")
    assert row.entity_id == str(reversal.id) and row.detail["reverses"] == original.id
    assert Decimal(row.detail["amount"]) == -180 and row.detail["reason_length"] == len("บันทึกผิดคน")
    assert "บันทึกผิดคน" not in str(row.detail)


def test_a_receipt_still_waiting_is_withdrawn_and_the_member_hears_of_neither(driver, cm_world, channel_db):
    """Recorded and reversed before the dispatcher ran: the receipt (with a paid-through month now
    wrong) never goes, and no correction of a payment the member never heard of."""
    make_treasurer(channel_db, cm_world)
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    record(driver, "7012", "6 เดือน")
    driver.tap("กลับรายการนี้")
    driver.say("บันทึกผิดคน")
    driver.tap("ยืนยันกลับรายการ")
    assert "ยังไม่ได้ส่งถึงสมาชิก" in driver.text and "ไม่ได้แจ้งการกลับรายการ" in driver.text
    assert "แจ้งสมาชิกทางแชตพร้อมเหตุผลแล้ว" not in driver.text
    [(key, status)] = statuses(channel_db, member)
    assert key.startswith("receipt:") and status == "expired"


def test_a_receipt_being_sent_keeps_the_correction(driver, cm_world, channel_db):
    make_treasurer(channel_db, cm_world)
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    record(driver, "7012")
    deliver_receipts(channel_db, member, status="sending")  # may have reached LINE already
    driver.tap("กลับรายการนี้")
    driver.say("จำนวนเงินผิด")
    driver.tap("ยืนยันกลับรายการ")
    assert "แจ้งสมาชิกทางแชตพร้อมเหตุผลแล้ว" in driver.text
    assert [s for _, s in statuses(channel_db, member)] == ["sending", "pending"]
    assert "เหตุผล: จำนวนเงินผิด" in told(channel_db, member)[-1]


def test_reversing_twice_or_reversing_a_reversal_is_refused(driver, cm_world, channel_db):
    make_treasurer(channel_db, cm_world)
    member = paying_member(channel_db, cm_world, channel=driver.channel, locale="en")
    record(driver, "7012")
    deliver_receipts(channel_db, member)
    again = data_of(driver, "กลับรายการนี้")
    driver.tap("กลับรายการนี้")
    driver.say("wrong amount")
    driver.tap("ยืนยันกลับรายการ")
    assert "Reason: wrong amount" in told(channel_db, member)[-1]  # in the member's language
    driver.press(again)
    assert "ถูกกลับรายการไปแล้ว" in driver.text and "กลับซ้ำไม่ได้" in driver.text
    reversal = ledger(channel_db, member)[-1]
    driver.press(f"{B.CM_PAY_REVERSE}{reversal.id}")  # forged: the reversal itself
    assert "เป็นรายการกลับอยู่แล้ว" in driver.text
    assert len(ledger(channel_db, member)) == 3 and len(audits(channel_db, "payment.reverse")) == 1


def test_the_days_entries_show_chat_and_imported_payments_as_one_ledger(driver, cm_world, channel_db, run,
                                                                        tmp_path):
    make_treasurer(channel_db, cm_world)
    paying_member(channel_db, cm_world, channel=driver.channel)
    paying_member(channel_db, cm_world, channel=driver.channel, first_name="ลำดวน", last_name="หอมจัง",
                  member_no="07013")
    record(driver, "7012", "3 เดือน")
    path = tmp_path / "payments.csv"
    path.write_text("fund_code,member_no,paid_on,amount\nPAKHLOK,07013,29/11/2569,60\n"
                    "PAKHLOK,07013,28/11/2569,30\n", encoding="utf-8")
    result = run("import", "payments", str(path))
    assert result.exit_code == 0, result.output
    driver.tap("รายการวันนี้")
    text = driver.text
    assert "รายการรับเงินวันที่ 29 พฤศจิกายน 2569: 2 รายการ รวม 150 บาท" in text
    # The latest written first: the file imported after the payment taken in the chat.
    assert "1. 07013 ลำดวน ห. · 60 บาท · นำเข้าจากไฟล์" in text
    assert "2. 07012 บุญมี ศ. · 90 บาท · บันทึกทางแชต (ประยุทธ)" in text
    assert {"กลับรายการ 1 ลำดวน", "กลับรายการ 2 บุญมี", "◀ วันก่อนหน้า", "เลือกวันอื่น", "ยกเลิก"} <= \
        set(labels_of(driver))
    driver.tap("กลับรายการ 1")  # the imported entry is reversed like any other
    driver.say("นำเข้าซ้ำ")
    driver.tap("ยืนยันกลับรายการ")
    driver.tap("รายการวันนี้")
    text = driver.text
    assert "3 รายการ รวม 90 บาท" in text and "รายการนี้ถูกกลับรายการแล้ว" in text
    assert "1. 07013 ลำดวน ห. · -60 บาท" in text and "กลับรายการ: นำเข้าซ้ำ" in text
    assert "กลับรายการ 1 ลำดวน" not in labels_of(driver) and "กลับรายการ 2 ลำดวน" not in labels_of(driver)
    driver.tap("◀ วันก่อนหน้า")
    assert "28 พฤศจิกายน 2569: 1 รายการ รวม 30 บาท" in driver.text
    driver.tap("เลือกวันอื่น")
    driver.say("1/11/2569")
    assert "1 พฤศจิกายน 2569 ยังไม่มีรายการรับเงิน" in driver.text
    driver.tap("เลือกวันอื่น")
    driver.say("1/1/2570")
    assert "ยังมาไม่ถึง" in driver.text


def test_many_entries_are_paged(driver, cm_world, channel_db):
    make_treasurer(channel_db, cm_world)
    for n in range(10):
        paying_member(channel_db, cm_world, channel=driver.channel, first_name=f"สมาชิก{n}",
                      member_no=f"{7100 + n:05d}", linked=False)
        record(driver, str(7100 + n))
    driver.tap("รายการวันนี้")
    assert "10 รายการ รวม 300 บาท (หน้า 1/2)" in driver.text and "1. 07109" in driver.text
    assert "8. 07102" in driver.text and "9. 07101" not in driver.text and len(driver.buttons()) <= 13
    driver.say("ขอดูหน้าถัดไป")  # typed at the list: what to press, the page again
    assert "กดปุ่มด้านล่าง" in driver.text and "(หน้า 1/2)" in driver.text
    driver.tap("ถัดไป ▶")
    assert "(หน้า 2/2)" in driver.text and "10. 07100" in driver.text and "1. 07109" not in driver.text
    driver.tap("◀ ก่อนหน้า")
    assert "(หน้า 1/2)" in driver.text


def test_cancelling_a_reversal_writes_nothing(driver, cm_world, channel_db):
    make_treasurer(channel_db, cm_world)
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    record(driver, "7012")
    driver.tap("กลับรายการนี้")
    driver.say("ผิด")
    driver.tap("ยกเลิก")
    assert len(ledger(channel_db, member)) == 2 and audits(channel_db, "payment.reverse") == []


def test_a_member_without_a_chat_is_to_be_told_by_the_treasurer(driver, cm_world, channel_db):
    make_treasurer(channel_db, cm_world)
    member = paying_member(channel_db, cm_world, channel=driver.channel, linked=False)
    record(driver, "7012")
    assert "ออกใบเสร็จให้สมาชิกด้วยตนเอง" in driver.text
    driver.tap("กลับรายการนี้")
    driver.say("ผิดคน")
    driver.tap("ยืนยันกลับรายการ")
    assert "กรุณาแจ้งสมาชิกด้วยตนเอง" in driver.text and "แจ้งสมาชิกทางแชตพร้อมเหตุผลแล้ว" not in driver.text
    assert told(channel_db, member) == [] and len(ledger(channel_db, member)) == 3


def test_a_forged_day_out_of_range_is_answered_as_an_old_button(driver, cm_world, channel_db):
    make_treasurer(channel_db, cm_world)
    for forged in (f"{B.CM_PAY_DAY}00010101:0", f"{B.CM_PAY_DAY}99991231:0", f"{B.CM_PAY_DAY}20261340:0"):
        driver.press(forged)
        assert "ขัดข้อง" not in driver.text and driver.buttons()
