"""Everyday Thai (and English) reaches the right feature, through the simulator."""

from datetime import date

import pytest

from handlers.intents import detect_intent
from tests.factories import link_chat, make_fund, make_member

PHRASES = [
    ("เช็คยอด", "account"),
    ("ค้างกี่เดือน", "account"),
    ("ยอดเงินของฉันเท่าไหร่คะ", "account"),
    ("จ่ายถึงเดือนไหนแล้ว", "account"),
    ("ได้สิทธิ์อะไรบ้าง", "benefits"),
    ("เบิกค่านอนโรงพยาบาลได้ไหม", "benefits"),
    ("สวัสดิการมีอะไรบ้าง", "benefits"),
    ("ประชุมเมื่อไหร่", "meetings"),
    ("วันประชุมใหญ่", "meetings"),
    ("เงินกองทุนเหลือเท่าไหร่", "fund"),
    ("ยอดกองทุน", "fund"),
    ("อยากสมัครสมาชิก", "register"),
    ("ลงทะเบียน", "register"),
    ("เปลี่ยนภาษา", "language"),
    ("ข้อมูลของฉัน", "mydata"),
    ("ลบข้อมูลของฉัน", "deletedata"),
    ("สวัสดีค่ะ", "smalltalk"),  # a greeting: a warm answer with the menu (handlers/smalltalk.py)
    ("check my balance", "account"),
    ("/balance", "account"),
    ("what benefits do I get", "benefits"),
    ("next meeting?", "meetings"),
    ("this is nothing", "unknown"),  # "hi" inside "this" is not a greeting
    ("๑๒๓", "unknown"),
]


@pytest.mark.parametrize(("text", "intent"), PHRASES)
def test_detect_intent(text, intent):
    from domain.thai import normalize_text

    assert detect_intent(normalize_text(text)) == intent


@pytest.fixture
def linked(app):
    with app.extensions["kongtun"].Session() as s, s.begin():
        member = make_member(s, make_fund(s), joined_on=date(2018, 3, 1), months_paid=105)
        link_chat(s, "U-test-1", member)


@pytest.mark.parametrize(("text", "title"), [
    ("เช็คยอด", "ยอดเงินสัจจะของฉัน"),
    ("ค้างกี่เดือน", "ยอดเงินสัจจะของฉัน"),
    ("ได้สิทธิ์อะไรบ้าง", "สิทธิสวัสดิการ กองทุนทดสอบ PAKHLOK"),
    ("เงินกองทุนเหลือเท่าไหร่", "กองทุนทดสอบ PAKHLOK"),
])
def test_everyday_thai_gets_the_answer_end_to_end(linked, chat, text, title):
    chat.say(text)
    assert chat.last[0]["card"]["title"] == title


def test_meetings_question_end_to_end(linked, chat):
    chat.say("ประชุมเมื่อไหร่")
    assert "ประชุม" in chat.text
