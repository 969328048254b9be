"""How to pay and whom to call, as a member asks on the simulator and on LINE: every channel the fund
set, the contact, the arrears answer's footer, a fund that set nothing, a chat not linked, a group."""

from __future__ import annotations

from datetime import date

from handlers import buttons as B
from models import Fund
from services.fund_paying import set_fields
from tests.factories import link_chat, make_fund, make_member
from tests.fakes.line_webhook import LineUser, group_id

CHANNELS = {
    "meeting_th": "ทุกวันที่ 5 ที่ศาลาประชาคมหมู่ 3",
    "bank_name": "ธ.ก.ส. สาขาถลาง",
    "bank_account": "020-1-23456-789",
    "bank_account_name": "กองทุนสวัสดิการชุมชนตำบลป่าคลอก",
    "promptpay": "081-234-5678",
    "treasurer_name": "นางสมหญิง ใจงาม",
    "treasurer_phone": "089-876-5432",
    "contact_name": "นายสมชาย ใจดี",
    "contact_phone": "076-311-234",
}


def member_of_fund(Session, user: str, *, channel: str = "simulator", channels: dict | None = CHANNELS,
                   notes: bool = True, locale: str = "th", months_paid: int = 103, **member) -> int:
    """A member joined March 2018 (103 months paid: October unpaid, November due) of a fund that set
    `channels`; `notes=False` clears the fund's free-text notes too."""
    with Session() as s, s.begin():
        fund = make_fund(s, "PAKHLOK", name_th="กองทุนสวัสดิการชุมชนตำบลป่าคลอก", name_en="Pa Khlok Fund")
        if channels:
            set_fields(s, fund, dict(channels), actor="test")
        if not notes:
            fund.payment_info_th = fund.payment_info_en = None
        member = make_member(s, fund, joined_on=date(2018, 3, 1), months_paid=months_paid, **member)
        link_chat(s, user, member, channel=channel, locale=locale)
        return fund.id


def _assert_every_channel(text: str) -> None:
    assert "ชำระในวันประชุมประจำเดือน" in text and "ทุกวันที่ 5 ที่ศาลาประชาคมหมู่ 3" in text
    assert "ธ.ก.ส. สาขาถลาง" in text and "เลขที่ 020-1-23456-789" in text
    assert "ชื่อบัญชี กองทุนสวัสดิการชุมชนตำบลป่าคลอก" in text
    assert "พร้อมเพย์" in text and "081-234-5678" in text
    assert "นางสมหญิง ใจงาม โทร 089-876-5432" in text
    assert "สอบถามเพิ่มเติม: นายสมชาย ใจดี โทร 076-311-234" in text
    assert "ชำระได้ที่ที่ทำการกองทุนทุกวันที่ 5 ของเดือน" in text  # the fund's older notes stay


def test_the_how_to_pay_button_lists_every_channel_on_the_simulator(db, chat):
    member_of_fund(db, chat.user)
    replies = chat.press(B.PAY_HOW)
    card = replies[0]
    assert card.is_card and card.title == "วิธีชำระเงินสัจจะ"
    labels = [row.label for row in card.rows]
    assert labels == ["", "ชำระในวันประชุมประจำเดือน", "โอนเข้าบัญชีธนาคาร", "พร้อมเพย์", "ชำระกับเหรัญญิก",
                      "หมายเหตุ"]
    bank = dict((r.label, r.value) for r in card.rows)["โอนเข้าบัญชีธนาคาร"]
    assert bank.splitlines() == ["ธ.ก.ส. สาขาถลาง", "เลขที่ 020-1-23456-789",
                                 "ชื่อบัญชี กองทุนสวัสดิการชุมชนตำบลป่าคลอก"]
    _assert_every_channel(chat.text)
    # The numbers alone, to copy into a banking app; the buttons on the last message.
    assert [r.text for r in replies[1:]] == ["020123456789", "0812345678"]
    assert [b.data for b in replies[-1].buttons] == [B.ACCOUNT, B.CONTACT, B.MENU]


def test_the_how_to_pay_button_on_line(line_user, line_app):
    member_of_fund(line_app.extensions["kongtun"].Session, line_user.user, channel="line")
    line_user.press(B.PAY_HOW)
    _assert_every_channel(line_user.text)
    assert "020123456789" in line_user.text
    assert {"ยอดเงินของฉัน", "ติดต่อกรรมการ"} <= set(line_user.labels())


def test_whom_to_call_names_the_treasurer_and_the_contact(db, chat, line_user, line_app):
    member_of_fund(db, chat.user)
    chat.press(B.CONTACT)
    [card] = chat.replies
    rows = {r.label: r.value for r in card.rows}
    assert card.title == "ติดต่อกองทุน"
    assert rows["เหรัญญิก"] == "นางสมหญิง ใจงาม\n089-876-5432"
    assert rows["ผู้ประสานงาน"] == "นายสมชาย ใจดี\n076-311-234"
    assert "020-1-23456-789" not in chat.text  # whom to call, not how to pay
    chat.tap("วิธีชำระ")
    assert "020-1-23456-789" in chat.text


def test_whom_to_call_on_line(line_user, line_app):
    member_of_fund(line_app.extensions["kongtun"].Session, line_user.user, channel="line")
    line_user.press(B.CONTACT)
    assert "นางสมหญิง ใจงาม" in line_user.text and "089-876-5432" in line_user.text
    assert "076-311-234" in line_user.text


def test_the_arrears_answer_shows_the_channels(db, chat):
    member_of_fund(db, chat.user)
    chat.say("ค้างกี่เดือนคะ")  # a word the keyword table knows: the account
    [card] = chat.replies
    footer = card.text.split("กรุณาชำระยอดค้าง", 1)[1]
    assert "วิธีชำระ:" in footer
    assert "• ในวันประชุมประจำเดือน ทุกวันที่ 5 ที่ศาลาประชาคมหมู่ 3" in footer
    assert "• โอนเข้าบัญชี ธ.ก.ส. สาขาถลาง 020-1-23456-789 ชื่อบัญชี กองทุนสวัสดิการชุมชนตำบลป่าคลอก" in footer
    assert "• พร้อมเพย์ 081-234-5678" in footer
    assert "• ชำระกับเหรัญญิก นางสมหญิง ใจงาม โทร 089-876-5432" in footer
    assert "สอบถาม: นายสมชาย ใจดี โทร 076-311-234" in footer


def test_the_arrears_answer_shows_the_channels_on_line(line_user, line_app):
    member_of_fund(line_app.extensions["kongtun"].Session, line_user.user, channel="line")
    line_user.say("ค้างกี่เดือน")
    assert "• โอนเข้าบัญชี ธ.ก.ส. สาขาถลาง 020-1-23456-789" in line_user.text
    assert "• พร้อมเพย์ 081-234-5678" in line_user.text


def test_in_english(db, chat):
    member_of_fund(db, chat.user, locale="en")
    chat.press(B.PAY_HOW)
    text = chat.text
    assert "How to pay your dues" in text and "Bank transfer" in text and "Account 020-1-23456-789" in text
    assert "Questions: นายสมชาย ใจดี, tel. 076-311-234" in text
    assert "Pay at the fund office on the 5th of each month" in text  # the English notes
    chat.say("arrears")
    assert "How to pay:" in chat.text
    assert "• bank transfer: BAAC (Bank for Agriculture and Agricultural Cooperatives) 020-1-23456-789" \
        in chat.text and "ธ.ก.ส." not in chat.text


def test_in_english_the_bank_is_named_in_english(db, chat):
    member_of_fund(db, chat.user, locale="en")
    replies = chat.press(B.PAY_HOW)
    bank = dict((r.label, r.value) for r in replies[0].rows)["Bank transfer"]
    assert bank.splitlines()[:2] == ["BAAC (Bank for Agriculture and Agricultural Cooperatives)",
                                     "Account 020-1-23456-789"]
    assert "first the account number, then the PromptPay number" in replies[0].text


def test_a_fund_that_set_nothing_asks_to_see_the_committee(db, chat, line_user, line_app):
    member_of_fund(db, chat.user, channels=None, notes=False)
    chat.press(B.PAY_HOW)
    assert "ยังไม่ได้แจ้งช่องทางชำระเงิน" in chat.text and "ในวันประชุมประจำเดือน" in chat.text
    assert chat.labels() == ["ยอดเงินของฉัน", "เมนูหลัก"]  # no contact to offer
    chat.press(B.CONTACT)
    assert "ยังไม่ได้แจ้งเบอร์ติดต่อ" in chat.text
    chat.say("ค้างกี่เดือน")
    assert "วิธีชำระ: ชำระกับคณะกรรมการกองทุนในวันประชุมประจำเดือนได้ค่ะ" in chat.text


def test_a_fund_that_set_nothing_on_line(line_user, line_app):
    member_of_fund(line_app.extensions["kongtun"].Session, line_user.user, channel="line", channels=None,
                   notes=False)
    line_user.press(B.PAY_HOW)
    assert "กรุณาสอบถามคณะกรรมการกองทุนในวันประชุมประจำเดือนนะคะ" in line_user.text


def test_the_numbers_to_copy_are_named_in_the_card_and_stand_alone(driver, channel_db):
    member_of_fund(channel_db, driver.user, channel=driver.channel)
    driver.press(B.PAY_HOW)
    assert "ข้อความแรกคือเลขที่บัญชี ข้อความที่สองคือเลขพร้อมเพย์" in driver.text
    texts = driver.text.split("\n")
    # Each number is its own message, alone: copying it copies nothing else.
    assert {"020123456789", "0812345678"} <= set(texts)


def test_one_number_to_copy_says_which_it_is(db, chat):
    member_of_fund(db, chat.user, channels={"promptpay": "0812345678"}, notes=False)
    replies = chat.press(B.PAY_HOW)
    assert "ข้อความถัดไปคือเลขพร้อมเพย์อย่างเดียว" in replies[0].text and replies[-1].text == "0812345678"


def test_an_ended_membership_is_told_first_that_paying_would_not_restore_it(driver, channel_db):
    from models import MemberStatus

    member_of_fund(channel_db, driver.user, channel=driver.channel, status=MemberStatus.LAPSED)
    driver.say("โอนเงินได้ไหม")
    text = driver.text
    assert "สมาชิกภาพของท่านสิ้นสุดแล้ว" in text and "จะไม่ทำให้กลับเป็นสมาชิกได้เอง" in text
    assert "ก่อนโอน กรุณาติดต่อนายสมชาย ใจดี โทร 076-311-234" in text
    assert text.index("จะไม่ทำให้กลับเป็นสมาชิก") < text.index("020-1-23456-789")  # the note first


def test_past_the_lapse_limit_on_the_record_is_told_too(db, chat):
    member_of_fund(db, chat.user, months_paid=90)  # many months unpaid: lapsed on the record
    chat.press(B.PAY_HOW)
    assert "จะไม่ทำให้กลับเป็นสมาชิกได้เอง" in chat.text


def test_a_member_one_month_behind_is_not_warned(db, chat):
    member_of_fund(db, chat.user)
    chat.press(B.PAY_HOW)
    assert "สิ้นสุด" not in chat.text


def test_unlinked_who_is_the_treasurer_gets_the_contact_answer(driver):
    driver.say("ใครเป็นเหรัญญิก")
    text = driver.text
    assert "เหรัญญิกและผู้ประสานงานของแต่ละกองทุน" in text and "ที่ทำการกองทุน" in text
    assert "ช่องทางชำระเงิน" not in text


def test_a_chat_not_linked_is_asked_to_link_first(chat, line_user, line_app):
    for person in (chat, line_user):
        person.press(B.PAY_HOW)
        assert "ช่องทางชำระเงินของแต่ละกองทุนไม่เหมือนกัน" in person.text
        assert "ลงทะเบียน" in person.labels()
        person.press(B.CONTACT)
        assert "ลงทะเบียน" in person.labels()


def test_in_a_group_it_points_to_the_private_chat(line_user, line_client, fake_line, line_app):
    member_of_fund(line_app.extensions["kongtun"].Session, line_user.user, channel="line")
    in_group = LineUser(line_client, fake_line, user=line_user.user, group=group_id())
    in_group.press(B.PAY_HOW)
    assert "แชตส่วนตัว" in in_group.text and "020" not in in_group.text


def test_the_card_has_only_what_the_fund_set(db, chat):
    fund_id = member_of_fund(db, chat.user, channels={"promptpay": "3100600445635"}, notes=False)
    chat.press(B.PAY_HOW)
    assert [r.label for r in chat.replies[0].rows] == ["", "พร้อมเพย์"]
    assert "3-1006-00445-63-5" in chat.text and chat.replies[-1].text == "3100600445635"
    with db() as s, s.begin():
        set_fields(s, s.get(Fund, fund_id), {"promptpay": None, "meeting_th": "ทุกวันที่ 1"}, actor="test")
    chat.press(B.PAY_HOW)
    assert len(chat.replies) == 1 and "ทุกวันที่ 1" in chat.text and "พร้อมเพย์" not in chat.text
