"""Who may record and reverse payments: the fund's committee and treasurer record, only the
treasurer (or an admin) reverses and sees the day's entries; a plain member is refused by text and
by forged buttons, and another fund's member or payment named by a forged button is refused; every
refusal is audited. Each test runs on the simulator, LINE and Telegram."""

from __future__ import annotations

from handlers import buttons as B
from models import Fund, Member, MemberStatus
from tests.cm_payments_helpers import (
    labels_of,
    ledger,
    make_treasurer,
    open_payments,
    paying_member,
    record,
)
from tests.committee_fixtures import refusals, seat
from tests.factories import link_chat, make_member

REFUSED = "สำหรับคณะกรรมการของกองทุนเท่านั้น"


def test_a_plain_member_is_refused_by_text_and_by_forged_buttons(driver, cm_world, new_driver, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    plain = new_driver()
    with channel_db() as s, s.begin():
        link_chat(s, plain.user, make_member(s, s.get(Fund, cm_world.home_id), first_name="ธรรมดา"),
                  channel=plain.channel)
        payment_id = ledger(channel_db, member)[-1].id
    plain.say("เมนูกรรมการ")
    assert REFUSED in plain.text
    forged = (B.CM_PAYMENTS, f"{B.CM_PAY_MEMBER}{member}", f"{B.CM_PAY_MONTHS}12", f"{B.CM_PAY_CONFIRM}abc",
              f"{B.CM_PAY_REVERSE}{payment_id}", f"{B.CM_PAY_REV_CONFIRM}abc", B.CM_PAY_DAY + "20261129:0",
              B.CM_PAY_DATE, B.CM_PAY_DAY_OTHER)
    for data in forged:
        plain.press(data)
        assert REFUSED in plain.text, data
        assert "บุญมี" not in plain.text
    plain.say("7012")  # no dialog was opened: an ordinary message, not a search
    assert "บุญมี" not in plain.text
    rows = refusals(channel_db)
    assert len(rows) == 1 + len(forged) and {r.detail["reason"] for r in rows} == {"no_role"}
    assert {r.detail["tried"] for r in rows} >= {"payments.find", "payments.member", "payments.reverse",
                                                  "payments.day", "payments.confirm"}
    assert len(ledger(channel_db, member)) == 1


def test_another_funds_member_or_payment_named_by_a_forged_button_is_refused(driver, cm_world, channel_db):
    with channel_db() as s, s.begin():
        seat(s, "other-treasurer", s.get(Fund, cm_world.other_id), roles=("treasurer",))
    theirs = paying_member(channel_db, cm_world, channel=driver.channel, member_no="07012",
                           fund_id=cm_world.other_id)
    their_payment = ledger(channel_db, theirs)[-1].id
    driver.press(f"{B.CM_PAY_MEMBER}{theirs}")
    assert REFUSED in driver.text and "บุญมี" not in driver.text
    make_treasurer(channel_db, cm_world)  # now a treasurer of Pa Khlok: still not of Kamala
    driver.press(f"{B.CM_PAY_REVERSE}{their_payment}")
    assert REFUSED in driver.text and "บุญมี" not in driver.text
    rows = refusals(channel_db)
    assert [(r.detail["tried"], r.detail["reason"]) for r in rows] == [
        ("payments.member", "other_fund"), ("payments.reverse", "other_fund")]
    assert len(ledger(channel_db, theirs)) == 1


def test_a_forged_member_in_the_dialog_state_is_checked_again_at_confirm(driver, cm_world, channel_db):
    """The confirm step loads the member named in the dialog state and authorises for its fund."""
    ours = paying_member(channel_db, cm_world, channel=driver.channel)
    open_payments(driver)
    driver.say("7012")
    driver.tap("1 เดือน")
    with channel_db() as s, s.begin():  # meanwhile the member moved to Kamala's roster
        s.get(Member, ours).fund_id = cm_world.other_id
    driver.tap("ยืนยันรับเงิน")
    assert REFUSED in driver.text
    assert len(ledger(channel_db, ours)) == 1


def test_a_committee_member_who_is_not_treasurer_records_but_may_not_reverse(driver, cm_world, channel_db):
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    open_payments(driver)
    assert "รายการวันนี้" not in labels_of(driver)  # the day's entries are the treasurer's
    driver.say("7012")
    driver.tap("1 เดือน")
    driver.tap("ยืนยันรับเงิน")
    assert "บันทึกรับเงินเรียบร้อยแล้ว" in driver.text and "กลับรายการนี้" not in labels_of(driver)
    payment = ledger(channel_db, member)[-1].id
    for data in (f"{B.CM_PAY_REVERSE}{payment}", B.CM_PAY_DAY + "20261129:0", B.CM_PAY_DAY_OTHER):
        driver.press(data)
        assert "ต้องใช้สิทธิ์อื่นของคณะกรรมการ" in driver.text, data
    assert [r.detail["reason"] for r in refusals(channel_db)] == ["role"] * 3
    assert len(ledger(channel_db, member)) == 2


def test_a_treasurer_alone_records_and_reverses(driver, channel_db, new_driver, cm_world):
    treasurer = new_driver()
    with channel_db() as s, s.begin():
        seat(s, treasurer.user, s.get(Fund, cm_world.home_id), channel=treasurer.channel,
             roles=("treasurer",), first_name="เหรัญญิก")
    member = paying_member(channel_db, cm_world, channel=driver.channel)
    record(treasurer, "7012", "12 เดือน")
    treasurer.tap("กลับรายการนี้")
    treasurer.say("จำนวนเงินผิด")
    treasurer.tap("ยืนยันกลับรายการ")
    assert "เรียบร้อยแล้ว" in treasurer.text
    assert [p.amount for p in ledger(channel_db, member)][-2:] == [360, -360]
    assert "รายการวันนี้" in labels_of(treasurer)


def test_a_lapsed_member_may_pay_up_a_resigned_one_is_not_found(driver, cm_world, channel_db):
    lapsed = paying_member(channel_db, cm_world, channel=driver.channel, months_paid=1)
    gone = paying_member(channel_db, cm_world, channel=driver.channel, first_name="ลาออก", member_no="07013")
    with channel_db() as s, s.begin():
        s.get(Member, lapsed).status = MemberStatus.LAPSED
        s.get(Member, gone).status = MemberStatus.RESIGNED
    open_payments(driver)
    driver.say("7012")
    assert "ขาดสมาชิกภาพ" in driver.text and "ชำระเงินสัจจะถึง: มกราคม 2569" in driver.text
    assert "ค้างชำระ 9 เดือน (270 บาท)" in driver.text
    driver.tap("3 เดือน")
    assert "กุมภาพันธ์ 2569 ถึง เมษายน 2569" in driver.text
    driver.tap("ยืนยันรับเงิน")
    assert "บันทึกรับเงินเรียบร้อยแล้ว" in driver.text
    open_payments(driver)
    driver.say("7013")
    assert "ไม่พบสมาชิก" in driver.text
    driver.press(f"{B.CM_PAY_MEMBER}{gone}")  # an old button naming them
    assert "ไม่ได้เป็นสมาชิกที่ชำระเงินสัจจะได้" in driver.text
