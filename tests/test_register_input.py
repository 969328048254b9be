"""Wrong or odd answers in the registration dialog: explained in Thai, and the step asked again;
names typed with a title; the same messages in Thai and English."""

from __future__ import annotations

import pytest

from locales import catalog
from models import Member
from tests.drivers import CoreChat
from tests.registration import (
    count,
    data_of,
    start_link,
    state,
    walk_apply,
)

# --- staying at the step -----------------------------------------------------------------------

@pytest.mark.parametrize(("step", "typed", "expected"), [
    ("reg.apply.name", "สมหญิง", "ทั้งชื่อและนามสกุล"),
    ("reg.apply.name", "นางสาว สมหญิง", "ทั้งชื่อและนามสกุล"),
    ("reg.apply.name", "สมหญิง 123", "ไม่มีตัวเลข"),
    ("reg.apply.name", "สมหญิง @รักดี", "ไม่มีตัวเลขหรือสัญลักษณ์"),
    ("reg.apply.id", "1234567890123", "ไม่ถูกต้อง"),
    ("reg.apply.id", "12345", "มี 5 หลัก"),
    ("reg.apply.birth", "15/1", "ขอปีเกิดด้วย"),
    ("reg.apply.birth", "31 เมษา 2510", "เดือนเมษายน 2510 มีแค่ 30 วัน"),
    ("reg.apply.birth", "1112510", "คั่นวัน เดือน ปี ด้วยเครื่องหมาย /"),
    ("reg.apply.birth", "30/2/2520", "ไม่มีอยู่ในปฏิทิน"),
    ("reg.apply.birth", "1/1/2570", "ยังมาไม่ถึง"),
    ("reg.apply.birth", "พรุ่งนี้", "อ่านวันเกิดนี้ไม่ออก"),
    ("reg.apply.phone", "12345", "อ่านเบอร์นี้ไม่ได้"),
    ("reg.apply.phone", "060-123-4567", "060, 068 หรือ 1800"),
    ("reg.apply.phone", "081-234-567", "อ่านเบอร์นี้ไม่ได้"),
    ("reg.apply.phone", "มีค่ะ", "อ่านเบอร์นี้ไม่ได้"),
    ("reg.apply.district", "ไม่รู้", "เลือกจากปุ่ม"),
    ("reg.apply.fund", "99", "ไม่มีหมายเลข 99 ค่ะ กรุณาพิมพ์หมายเลข 1–2"),
    ("reg.apply.confirm", "โอเค", "ยืนยัน"),
    ("reg.apply.consent", "อะไรนะ", "ยินยอม"),
    ("reg.choose", "ไม่แน่ใจ", "เป็นสมาชิกแล้ว"),
])
def test_a_bad_answer_is_explained_and_the_step_repeats(chat, db, roster, step, typed, expected):
    walk_apply(chat, step)
    before_buttons = chat.buttons()
    chat.say(typed)
    assert expected in chat.text
    assert state(db)[0] == step
    assert chat.buttons() == before_buttons  # the same choices again
    assert "cancel" in data_of(chat)
    assert count(db, Member) == 1


def test_a_valid_date_typed_where_the_id_is_expected_is_not_confused(chat, db, roster):
    start_link(chat)
    chat.say("15/1/2510")
    assert "เฉพาะตัวเลข 13 หลัก" in chat.text
    assert state(db)[0] == "reg.link.id"


def test_a_sticker_or_empty_text_repeats_the_question(app, db, roster):
    tg = CoreChat(app, "700005")
    tg.say("สมัคร")
    tg.press("reg:apply")
    tg.press("reg:consent:apply")
    tg.say("")
    assert "ชื่อและนามสกุล" in tg.text
    assert state(db, "700005", "telegram")[0] == "reg.apply.name"


@pytest.mark.parametrize(("typed", "first"), [
    ("นางสาวสมหญิง รักดี", "สมหญิง"),    # a title typed glued to the name
    ("น.ส.สมหญิง รักดี", "สมหญิง"),
    ("นาง สมหญิง รักดี", "สมหญิง"),
    ("นางนวล รักดี", "นางนวล"),          # a given name that starts like a title is kept whole
])
def test_titles_are_taken_off_the_name(chat, db, roster, typed, first):
    walk_apply(chat, "reg.apply.name")
    chat.say(typed)
    name, data = state(db)
    assert name == "reg.apply.id"
    assert (data["first_name"], data["last_name"]) == (first, "รักดี")


# --- the messages -------------------------------------------------------------------------------

def test_thai_and_english_catalogs_have_the_same_messages():
    th = {k for k in catalog("th") if k.startswith("register.")}
    en = {k for k in catalog("en") if k.startswith("register.")}
    assert th == en and len(th) > 40
