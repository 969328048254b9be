"""My payments, through the chat on the simulator, LINE and Telegram: the latest 12 ledger entries,
newest first, each with its date (Buddhist Era), amount, months covered and who recorded it; a
reversed payment marked, the reversal shown as one with its reason; a polite line when there is
none; never in a group chat. The ledger is written by the committee's own payment services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from handlers import buttons as B
from models import ChatAccount, Member
from services.accounts import chat_actor
from services.payments import record_payment
from services.reversals import reverse
from tests.committee_fixtures import seat
from tests.conftest import BANGKOK
from tests.factories import link_chat, make_fund, make_member, pay
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import LineUser


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 10, 0, tzinfo=BANGKOK)


def _world(channel_db, driver, locale: str = "th") -> tuple[int, str]:
    """A member who joined in January 2026, linked to `driver`; a treasurer of the fund (ประยุทธ),
    whose chat is the actor of what is recorded in the chat."""
    with channel_db() as s, s.begin():
        fund = make_fund(s)
        member = make_member(s, fund, joined_on=date(2026, 1, 1))
        link_chat(s, driver.user, member, channel=driver.channel, locale=locale)
        treasurer = seat(s, "treasurer-chat", fund, roles=("treasurer",))
        account = s.scalar(select(ChatAccount).where(ChatAccount.member_id == treasurer.id))
        return member.id, chat_actor(account)


def _ledger(channel_db, member_id: int, actor: str) -> None:
    """January: 90 (3 months) in the chat; April: 90 from the fund's books; July: 60 in the chat,
    reversed on 10 July as entered for the wrong member; August: 100 (3 months and 10 baht)."""
    with channel_db() as s, s.begin():
        member = s.get(Member, member_id)

        def paid(amount: int, on: date, by: str = actor):
            return record_payment(s, member, Decimal(amount), paid_on=on, actor=by, at=_at(on))

        paid(90, date(2026, 1, 5))
        paid(90, date(2026, 4, 5), "cli")
        wrong = paid(60, date(2026, 7, 3))
        reverse(s, wrong.id, reason="บันทึกผิดคน", actor=actor, at=_at(date(2026, 7, 10)))
        paid(100, date(2026, 8, 2))


def test_entries_show_date_amount_months_recorder_and_reversals(driver, channel_db):
    member_id, actor = _world(channel_db, driver)
    _ledger(channel_db, member_id, actor)
    driver.press(B.HISTORY)
    text = driver.text
    assert "ประวัติการชำระเงินสัจจะ" in text
    assert "ชำระถึงเดือน: กันยายน 2569" in text  # 280 baht: nine months, 10 baht towards October
    entries = [
        "2 สิงหาคม 2569: 100 บาท · 3 เดือน (10 บาท เก็บไว้รวมกับครั้งถัดไป)\nบันทึกโดยเหรัญญิก (ประยุทธ)",
        "10 กรกฎาคม 2569: ↩️ ยกเลิกรายการ 60 บาท\nยกเลิกรายการของวันที่ 3 กรกฎาคม 2569"
        "\nเหตุผล: บันทึกผิดคน\nบันทึกโดยเหรัญญิก (ประยุทธ)",
        "3 กรกฎาคม 2569: 60 บาท · 2 เดือน\nบันทึกโดยเหรัญญิก (ประยุทธ)"
        "\n↩️ รายการนี้ถูกยกเลิกแล้ว เมื่อ 10 กรกฎาคม 2569",
        "5 เมษายน 2569: 90 บาท · 3 เดือน\nบันทึกโดยคณะกรรมการ (จากสมุดบัญชีกองทุน)",
        "5 มกราคม 2569: 90 บาท · 3 เดือน\nบันทึกโดยเหรัญญิก (ประยุทธ)",
    ]
    positions = [text.find(entry) for entry in entries]
    assert -1 not in positions, text
    assert positions == sorted(positions)  # newest first
    assert "จากทั้งหมด" not in text  # all five are shown
    assert "-60" not in text and "-2 เดือน" not in text and "ทุกรายการบันทึกโดย" not in text
    assert "แจ้งเหรัญญิกหรือคณะกรรมการกองทุน" in text
    assert {B.ACCOUNT, B.PAY_NOW} <= {b.data for b in driver.buttons()}


def test_only_the_latest_twelve_of_fifteen(driver, channel_db):
    member_id, _ = _world(channel_db, driver)
    with channel_db() as s, s.begin():
        member = s.get(Member, member_id)
        for month in range(1, 16):  # 15 monthly payments, the 5th of January 2026 to March 2027
            year, m = divmod(month - 1, 12)
            pay(s, member, 30, on=date(2026 + year, m + 1, 5))
    driver.press(B.HISTORY)
    text = driver.text
    assert "5 มีนาคม 2570: 30 บาท · 1 เดือน" in text and "5 เมษายน 2569: 30 บาท · 1 เดือน" in text
    for gone in ("5 มกราคม 2569", "5 กุมภาพันธ์ 2569", "5 มีนาคม 2569"):
        assert gone not in text
    assert text.count("30 บาท · 1 เดือน") == 12
    # One recorder for all: said once, not on each of the twelve rows.
    assert text.count("บันทึกโดย") == 1 and "ทุกรายการบันทึกโดย" in text
    assert "แสดง 12 รายการล่าสุด จากทั้งหมด 15 รายการค่ะ" in text


def test_a_payment_short_of_a_month_says_it_is_kept_towards_the_next(driver, channel_db):
    member_id, actor = _world(channel_db, driver)
    with channel_db() as s, s.begin():
        record_payment(s, s.get(Member, member_id), Decimal(20), paid_on=date(2026, 11, 5), actor=actor,
                       at=_at(date(2026, 11, 5)))
    driver.press(B.HISTORY)
    assert "5 พฤศจิกายน 2569: 20 บาท · ยังไม่ครบเดือน (เก็บรวมกับครั้งถัดไป)" in driver.text
    assert "ทุกรายการบันทึกโดยเหรัญญิก (ประยุทธ)ค่ะ" in driver.text
    assert "ชำระถึงเดือน: ยังไม่มีการชำระ" in driver.text


def test_none_yet_is_a_polite_line(driver, channel_db):
    _world(channel_db, driver)
    driver.press(B.HISTORY)
    assert "ยังไม่มีรายการชำระเงินสัจจะในระบบค่ะ" in driver.text
    assert "บาท" not in driver.text


def test_in_english(driver, channel_db):
    member_id, actor = _world(channel_db, driver, locale="en")
    _ledger(channel_db, member_id, actor)
    driver.press(B.HISTORY)
    text = driver.text
    assert "My payments" in text and "Paid through: September 2026" in text
    assert ("2 August 2026: 100 baht · 3 months (10 baht kept towards the next)"
            "\nRecorded by the treasurer (ประยุทธ)") in text
    assert "10 July 2026: ↩️ Cancelled: an entry of 60 baht\nCancels the entry of 3 July 2026" in text
    assert "↩️ This entry was cancelled on 10 July 2026" in text
    assert "5 April 2026: 90 baht · 3 months\nRecorded by the committee (from the fund's books)" in text
    # Only the treasurer's name and the treasurer's reason are Thai: they are data, not the bot's words.
    words = text.replace("ประยุทธ", "").replace("บันทึกผิดคน", "")
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in words)


def test_the_account_card_has_the_button(driver, channel_db):
    _world(channel_db, driver)
    driver.press(B.ACCOUNT)
    driver.tap("ประวัติการชำระ")
    assert "ยังไม่มีรายการชำระเงินสัจจะ" in driver.text


def test_never_in_a_line_group_but_in_the_members_own_chat(line_client, line_user, line_member, fake_line):
    in_group = LineUser(line_client, fake_line, user=line_user.user, group=wh.group_id())
    for data in (B.HISTORY, B.PAY_NOW):
        in_group.press(data)
        assert "ข้อมูลส่วนตัว" in in_group.text and "บาท" not in in_group.text
    in_group.say("@น้องกองทุน ประวัติการจ่าย", mention_self=True)
    assert "720 บาท" not in in_group.text
    line_user.press(B.HISTORY)  # alone with the bot: her entries
    assert "10 กุมภาพันธ์ 2563: 720 บาท · 24 เดือน" in line_user.text


def test_a_committee_member_is_named_by_role_and_a_chat_since_deleted_as_the_committee(driver, channel_db):
    member_id, _ = _world(channel_db, driver)
    with channel_db() as s, s.begin():
        fund = s.get(Member, member_id).fund
        clerk = seat(s, "committee-chat", fund, first_name="มานพ")
        account = s.scalar(select(ChatAccount).where(ChatAccount.member_id == clerk.id))
        member = s.get(Member, member_id)
        record_payment(s, member, Decimal(30), paid_on=date(2026, 2, 5), actor=chat_actor(account),
                       at=_at(date(2026, 2, 5)))
        record_payment(s, member, Decimal(30), paid_on=date(2026, 3, 5), actor="chat:999999",
                       at=_at(date(2026, 3, 5)))
    driver.press(B.HISTORY)
    assert "5 กุมภาพันธ์ 2569: 30 บาท · 1 เดือน\nบันทึกโดยกรรมการ (มานพ)" in driver.text
    assert "5 มีนาคม 2569: 30 บาท · 1 เดือน\nบันทึกโดยคณะกรรมการกองทุน" in driver.text
