"""Registration and the account in Thai on Telegram, end to end through the webhook; a shared contact
as the phone; one member with both a LINE and a Telegram account, each linked by the same checks."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bot.channels.telegram_render import render
from handlers.base import Incoming
from locales import translate
from models import ChatAccount, DialogState, Member, MemberStatus
from tests.conftest import BANGKOK
from tests.factories import make_fund, make_member, valid_national_id

ROSTER_ID = "3100600445635"  # Somsri's, a valid national ID
NEW_ID = valid_national_id(737373)  # an applicant's, on no roster
BIRTH = date(1967, 1, 15)  # 15 มกราคม 2510
SOMSRI_TG = 6_100_200_300
LINE_USER = "U" + "4f" * 16


def th(key: str, **fields) -> str:
    return translate("th", key, **fields)


def thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


@pytest.fixture
def db(tg_app):
    return tg_app.extensions["kongtun"].Session


@pytest.fixture
def roster(db):
    with db() as s, s.begin():
        fund = make_fund(s, "PAKHLOK", district_th="ถลาง", district_en="Thalang",
                         name_th="เทศบาลตำบลป่าคลอก", name_en="Pa Khlok Subdistrict Municipality")
        somsri = make_member(s, fund, national_id=ROSTER_ID, birth_date=BIRTH, first_name="สมศรี",
                             last_name="มีสุข", member_no="00017", months_paid=80, joined_on=date(2019, 6, 1))
    return SimpleNamespace(member_id=somsri.id, fund_id=fund.id)


@pytest.fixture
def somsri(tg_person):
    return tg_person(SOMSRI_TG, "ศรี")


def tg_account(db, user_id: int) -> ChatAccount | None:
    with db() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == "telegram",
                                                  ChatAccount.external_user_id == str(user_id)))


def link(person, national_id: str = ROSTER_ID, birth: str = "15 ม.ค. 2510",
         phone: str = "66812345678") -> None:
    person.say("/register")
    assert th("register.ask_kind").splitlines()[0] in person.text
    person.tap("เป็นสมาชิกแล้ว")
    assert "ข้อมูลส่วนบุคคล" in person.text  # the privacy notice comes before any question
    person.tap("ยินยอม")
    assert "เลขประจำตัวประชาชน 13 หลัก" in person.text
    person.say(national_id)
    assert "วันเดือนปีเกิด" in person.text
    person.say(birth)
    # The phone on file: Telegram offers to share the number (as it sends it, without a plus sign).
    assert th("register.ask_phone_telegram") in person.text
    assert person.last[-1]["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    person.share_contact(phone)


def test_a_member_links_telegram_in_thai_and_sees_their_account(db, roster, somsri, fake_telegram):
    link(somsri, national_id=thai_digits("3-1006-00445-63-5"))
    assert "เชื่อมบัญชีเรียบร้อยแล้วค่ะ" in somsri.text and "สมศรี มีสุข" in somsri.text
    assert tg_account(db, SOMSRI_TG).member_id == roster.member_id
    assert len(fake_telegram.calls_to("answerCallbackQuery")) == 2  # both taps stopped spinning

    somsri.say("/balance")
    html, text = somsri.html, somsri.text
    assert html.startswith(f"<b>{th('account.title')}</b>")
    assert "สมศรี มีสุข" in text and "00017" in text and "เทศบาลตำบลป่าคลอก" in text
    assert th("account.paid_through") in text and th("account.total_paid") in text
    assert {"ben", "fund", "menu"} <= {b.data for b in somsri.buttons()}

    somsri.say("เช็คยอดหน่อยค่ะ")
    assert somsri.html == html  # typed Thai, the same answer

    somsri.tap("สิทธิสวัสดิการ")
    assert th("benefits.title", fund="เทศบาลตำบลป่าคลอก") in somsri.text


def test_a_wrong_birth_date_does_not_link(db, roster, somsri):
    link(somsri, birth="16/1/2510")
    assert "ไม่พบข้อมูลสมาชิก" in somsri.text and "อีก 2 ครั้ง" in somsri.text
    assert tg_account(db, SOMSRI_TG).member_id is None
    somsri.say("/balance")  # the registration waits at the ID step: finish it first
    assert th("menu.need_register_waiting") in somsri.text and th("dialog.btn_resume") in somsri.text


def test_a_mistyped_id_is_explained_in_thai(roster, somsri):
    somsri.say("/register")
    somsri.tap("เป็นสมาชิกแล้ว")
    somsri.tap("ยินยอม")
    somsri.say("3100600445636")
    assert th("register.id_checksum") in somsri.text


def test_applying_with_a_shared_telegram_contact(db, roster, somying):
    somying.say("/register")
    somying.tap("สมัครสมาชิกใหม่")
    assert "ข้อมูลส่วนบุคคล" in somying.text
    somying.tap("ยินยอม")
    somying.say("นาง สมหญิง รักถิ่น")
    somying.say(NEW_ID)
    somying.say("๑/๒/๒๕๒๐")
    assert th("register.ask_phone_telegram") in somying.text
    keyboard = somying.last[-1]["reply_markup"]  # a "share my number" button under the question
    assert keyboard["keyboard"][0][0] == {"text": th("telegram.share_phone"), "request_contact": True}
    assert keyboard["keyboard"][1][0]["text"] == th("register.btn_no_phone")  # sent as its words
    assert keyboard["keyboard"][1][1]["text"] == th("menu.btn_cancel")  # the word cancels, typed
    assert keyboard["one_time_keyboard"] is True

    somying.share_contact("66891234567", own=False, first_name="ลูกชาย")  # someone else's card
    assert somying.text == th("telegram.not_own_contact")
    with db() as s:
        assert s.get(DialogState, ("telegram", str(5_012_345_678))).state == "reg.apply.phone"

    somying.share_contact("66891234567")  # her own, as Telegram sends it: no plus sign
    assert "ป่าคลอก" in somying.text
    somying.tap("ป่าคลอก")
    assert "089-123-4567" in somying.text and th("register.summary_title") in somying.text
    assert "<b>" in somying.html
    somying.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อยแล้ว" in somying.text

    with db() as s:
        member = s.scalar(select(Member).where(Member.first_name == "สมหญิง"))
        assert (member.status, member.phone) == (MemberStatus.PENDING, "+66891234567")
        assert member.last_name == "รักถิ่น"
        assert member.birth_date == date(1977, 2, 1)
        assert tg_account(db, 5_012_345_678).member_id == member.id


def test_the_cancel_key_under_the_phone_question_cancels(db, roster, somying):
    somying.say("/register")
    somying.tap("สมัครสมาชิกใหม่")
    somying.tap("ยินยอม")
    somying.say("สมหญิง รักถิ่น")
    somying.say(NEW_ID)
    somying.say("1/2/2520")
    somying.say(somying.last[-1]["reply_markup"]["keyboard"][1][1]["text"])  # what the key sends
    assert th("menu.cancelled") in somying.text
    with db() as s:
        assert s.get(DialogState, ("telegram", str(5_012_345_678))) is None


def test_a_typed_phone_works_too(db, roster, somying):
    somying.say("/register")
    somying.tap("สมัครสมาชิกใหม่")
    somying.tap("ยินยอม")
    somying.say("สมหญิง รักถิ่น")
    somying.say(NEW_ID)
    somying.say("1/2/2520")
    somying.say("๐๘๙-๑๒๓-๔๕๖๗")
    assert "ป่าคลอก" in somying.text


def test_registration_is_refused_in_a_group(db, roster, somsri):
    group = somsri.in_group()
    group.say("/register@KongtunTestBot")
    assert group.text == th("menu.private_only")
    group.press("reg:link")
    assert group.text == th("menu.private_only")
    with db() as s:
        assert s.get(DialogState, ("telegram", str(SOMSRI_TG))) is None


# --- one member, two chat apps -----------------------------------------------------------------------

@pytest.fixture
def on_line(db, roster):
    """Somsri linked her LINE account earlier."""
    with db() as s, s.begin():
        s.add(ChatAccount(channel="line", external_user_id=LINE_USER, member_id=roster.member_id,
                          locale="th", linked_at=datetime(2026, 6, 1, 9, 0, tzinfo=BANGKOK)))


def test_a_member_on_line_links_telegram_with_the_same_checks_and_both_see_the_same_member(
        tg_app, db, roster, on_line, somsri):
    somsri.say("/balance")
    assert th("menu.need_register") in somsri.text  # being on LINE does not open Telegram

    link(somsri)
    assert "เชื่อมบัญชีเรียบร้อยแล้วค่ะ" in somsri.text
    with db() as s:
        accounts = s.scalars(select(ChatAccount).where(ChatAccount.member_id == roster.member_id)).all()
        assert sorted(a.channel for a in accounts) == ["line", "telegram"]

    somsri.say("/balance")
    core = tg_app.extensions["kongtun"]
    on_line_now = core.handle(Incoming(channel="line", user_id=LINE_USER, postback="acct",
                                       event_id=str(uuid.uuid4())))
    assert [m["text"] for m in somsri.last] == [m.text for m in render(on_line_now)]

    somsri.press("mydata")
    assert "LINE, Telegram" in somsri.text


def test_linking_telegram_needs_the_same_verification_even_for_a_line_member(db, roster, on_line, somsri):
    for _ in range(3):
        link(somsri, birth="1/1/2500")
    assert th("register.link_locked", when="", minutes=15).splitlines()[0] in somsri.text
    assert tg_account(db, SOMSRI_TG).member_id is None
    somsri.say("/register")
    somsri.tap("เป็นสมาชิกแล้ว")  # not even the right answers are asked for during the pause
    assert "พักไว้ชั่วคราว" in somsri.text
    assert tg_account(db, SOMSRI_TG).member_id is None
