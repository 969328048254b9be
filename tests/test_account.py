"""My account through the simulator: balance, paid-through month, arrears, lapse warning."""

import re
from datetime import date

import pytest

from handlers.formatting import format_duration
from locales import catalog
from models import MemberStatus
from tests.factories import link_chat, make_fund, make_member, pay


def _member(db, user="U-test-1", locale="th", **kwargs):
    with db() as s, s.begin():
        fund = make_fund(s)
        member = make_member(s, fund, **kwargs)
        link_chat(s, user, member, locale=locale)
        return member.id


def _card(chat):
    cards = [r for r in chat.last if "card" in r]
    assert cards, chat.last
    return {row["label"]: row["value"] for row in cards[0]["card"]["rows"]}, cards[0]


def test_paid_up_member_sees_balance_in_thai_with_buddhist_era(db, chat):
    # Joined March 2018; 105 months paid = March 2018 .. November 2026.
    _member(db, joined_on=date(2018, 3, 1), months_paid=105)
    chat.say("เช็คยอด")
    rows, card = _card(chat)
    assert rows["ชำระถึงเดือน"] == "พฤศจิกายน 2569"
    assert rows["ค้างชำระ"] == "ไม่มี"
    assert rows["เงินสัจจะสะสม"] == "3,150 บาท"
    assert rows["เป็นสมาชิกตั้งแต่"].startswith("1 มีนาคม 2561")
    assert "8 ปี 8 เดือน" in rows["เป็นสมาชิกตั้งแต่"]
    assert rows["เลขที่สมาชิก"]
    assert "ชำระครบแล้ว" in card["card"]["footer"]
    assert "ชำระครบถึงเดือนนี้" not in rows  # nothing owed: no amount to pay
    assert "ประวัติการชำระ" in [b["label"] for b in card["buttons"]]
    # The plain text carries the same content as the card.
    assert "ชำระถึงเดือน: พฤศจิกายน 2569" in card["text"]


def test_two_months_behind_warns_of_lapse_with_date_and_how_to_pay(db, chat):
    # 103 months: March 2018 .. September 2026. October has ended unpaid; November is due.
    _member(db, joined_on=date(2018, 3, 1), months_paid=103)
    chat.say("ค้างกี่เดือน")
    rows, card = _card(chat)
    assert rows["ชำระถึงเดือน"] == "กันยายน 2569"
    assert rows["ค้างชำระ"] == "1 เดือน (30 บาท)"
    assert rows["ชำระครบถึงเดือนนี้"] == "60 บาท (ตุลาคม – พฤศจิกายน 2569)"
    # Nothing paid by 31 December would leave October to December unpaid: it lapses on 1 January.
    assert rows["ขั้นต่ำเพื่อไม่ให้สิ้นสภาพ"] == "30 บาท ภายในวันที่ 31 ธันวาคม 2569"
    footer = card["card"]["footer"]
    assert "วิธีชำระ" in footer

    with db() as s, s.begin():
        from models import Member
        m = s.query(Member).one()
        pay(s, m, -30, on=date(2026, 11, 1))  # a reversal: one month less
    chat.say("ยอดเงิน")
    rows, card = _card(chat)
    assert rows["ค้างชำระ"] == "2 เดือน (60 บาท)"
    assert rows["ชำระครบถึงเดือนนี้"] == "90 บาท (กันยายน – พฤศจิกายน 2569)"
    assert rows["ขั้นต่ำเพื่อไม่ให้สิ้นสภาพ"] == "30 บาท ภายในวันที่ 30 พฤศจิกายน 2569"
    assert "ภายในวันที่ 30 พฤศจิกายน 2569" in card["card"]["footer"]  # it lapses on 1 December
    assert "สิ้นสภาพ" in card["card"]["footer"]


def test_partial_payment_counts_whole_months_only(db, chat):
    mid = _member(db, joined_on=date(2026, 6, 1), months_paid=0)
    with db() as s, s.begin():
        from models import Member
        pay(s, s.get(Member, mid), 100, on=date(2026, 6, 5))  # 3 months and 10 baht credit
    chat.say("balance")
    rows, _ = _card(chat)
    assert rows["ชำระถึงเดือน"] == "สิงหาคม 2569"
    assert rows["ค้างชำระ"] == "2 เดือน (50 บาท)"  # the 10 baht credit counts towards it
    assert rows["ชำระครบถึงเดือนนี้"] == "80 บาท (กันยายน – พฤศจิกายน 2569)"
    assert rows["ขั้นต่ำเพื่อไม่ให้สิ้นสภาพ"] == "20 บาท ภายในวันที่ 30 พฤศจิกายน 2569"


def test_pending_applicant_sees_pending_not_arrears_advice(db, chat):
    _member(db, status=MemberStatus.PENDING, member_no=None, joined_on=date(2026, 11, 20))
    chat.press("acct")
    rows, card = _card(chat)
    assert rows["สถานะ"] == "รออนุมัติ"
    assert "รอคณะกรรมการอนุมัติ" in card["card"]["footer"]
    assert "วิธีชำระ" not in card["card"]["footer"]


def test_account_in_english(db, chat):
    _member(db, locale="en", joined_on=date(2018, 3, 1), months_paid=104)
    chat.say("my balance please")
    rows, card = _card(chat)
    assert rows["In arrears"] == "None"  # October is paid, November is due but not late
    assert rows["Paid through"] == "October 2026"
    assert rows["Total saved"] == "3,120 baht"
    assert rows["All through this month"] == "30 baht (November 2026)"
    assert "The least to stay a member" not in rows  # only this month is due: the least is all of it
    assert card["alt_text"] == "Savings: paid through October 2026"


def test_english_counts_months_in_words(db, chat):
    _member(db, locale="en", joined_on=date(2018, 3, 1), months_paid=102)  # through August
    chat.say("balance")
    rows, _ = _card(chat)
    assert rows["In arrears"] == "2 months (60 baht)"


def test_not_linked_is_asked_to_register(chat):
    chat.say("เช็คยอด")
    assert "ลงทะเบียนก่อน" in chat.text
    assert "reg" in {b.data for b in chat.buttons()}


def test_thai_digits_and_spaces_in_free_text(db, chat):
    _member(db, joined_on=date(2018, 3, 1), months_paid=105)
    chat.say(" ยอด\u200bเงิน ")
    rows, _ = _card(chat)
    assert rows["ชำระถึงเดือน"] == "พฤศจิกายน 2569"


def test_a_member_of_less_than_a_month_reads_under_a_month(db, chat):
    _member(db, joined_on=date(2026, 11, 10), months_paid=1)
    chat.press("acct")
    rows, _ = _card(chat)
    assert rows["เป็นสมาชิกตั้งแต่"] == "10 พฤศจิกายน 2569 (ไม่ถึง 1 เดือน)"
    assert "0 เดือน" not in chat.text


def test_an_applicant_reads_the_application_date_not_a_membership(db, chat):
    _member(db, status=MemberStatus.PENDING, member_no=None, joined_on=date(2026, 11, 20))
    chat.press("acct")
    rows, card = _card(chat)
    assert rows["วันที่สมัคร"] == "20 พฤศจิกายน 2569"
    assert "เป็นสมาชิกตั้งแต่" not in rows and "0 เดือน" not in chat.text
    assert rows["เงินสัจจะ"] == "เดือนละ 30 บาท (เริ่มชำระหลังได้รับอนุมัติ)"
    assert "hist" not in [b["postback"] for b in card["buttons"]]  # nothing paid, nothing to list


def test_in_english_under_a_month_and_savings(db, chat):
    _member(db, locale="en", joined_on=date(2026, 11, 10), months_paid=1)
    chat.press("acct")
    rows, card = _card(chat)
    assert rows["Member since"] == "10 November 2026 (less than a month)"
    assert rows["Savings"] == "30 baht a month" and rows["Total saved"] == "30 baht"
    assert card["card"]["title"] == "My savings"


@pytest.mark.parametrize(("start", "on", "th", "en"), [
    (date(2026, 11, 10), date(2026, 11, 29), "ไม่ถึง 1 เดือน", "less than a month"),
    (date(2026, 10, 30), date(2026, 11, 29), "ไม่ถึง 1 เดือน", "less than a month"),
    (date(2026, 10, 29), date(2026, 11, 29), "1 เดือน", "1 month"),
    (date(2025, 11, 29), date(2026, 11, 29), "1 ปี", "1 year"),
    (date(2018, 3, 1), date(2026, 11, 29), "8 ปี 8 เดือน", "8 years 8 months"),
])
def test_format_duration(start, on, th, en):
    assert (format_duration(start, on, "th"), format_duration(start, on, "en")) == (th, en)


def test_savings_are_never_called_a_fee_and_english_has_no_thai():
    assert not [k for k, v in catalog("th").items() if isinstance(v, str) and "ค่าสัจจะ" in v]
    english = {k: v for k, v in catalog("en").items() if k.split(".")[0] in ("account", "history")}
    assert english and not [k for k, v in english.items() if re.search("[\u0e00-\u0e7f]", v)]
