"""A draft is never lost on the way: text typed where a button is asked for, or an old button pressed
(scrolling up in the chat), shows the open step again with the draft kept."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers import buttons as B
from models import Announcement

TEXT = "ขอเชิญสมาชิกร่วมทำบุญตักบาตรวันพ่อ 5 ธันวาคม ที่ศาลาหมู่บ้าน เวลา 07.00 น. ค่ะ"


def _scheduled(Session) -> int:
    with Session() as s:
        return s.scalar(select(func.count()).select_from(Announcement))


def test_typing_at_the_audience_preview_and_summary_keeps_the_draft(driver, channel_db, cm_world):
    driver.press(B.CM_ANN_NEW)
    driver.say(TEXT)
    driver.say("ทุกคน")  # the audience is a button
    assert "ขั้นนี้ให้กดปุ่ม" in driver.text and "สมาชิกทุกคน" in driver.labels()
    driver.tap("สมาชิกทุกคน")
    driver.say("ส่งเลย")  # typed at the preview
    assert "ขั้นนี้ให้กดปุ่ม" in driver.text and TEXT in driver.text
    driver.tap("ส่งเลย")
    driver.say("ตกลง")  # typed at the summary
    assert "ขั้นนี้ให้กดปุ่ม" in driver.text
    driver.press(next(b.data for b in driver.buttons() if b.data.startswith(B.CM_ANN_OK)))
    assert _scheduled(channel_db) == 1


def test_an_old_confirm_button_leaves_the_current_summary_valid(driver, channel_db, cm_world):
    driver.press(B.CM_ANN_NEW)
    driver.say(TEXT)
    driver.tap("สมาชิกทุกคน")
    driver.tap("ส่งเลย")
    first = next(b.data for b in driver.buttons() if b.data.startswith(B.CM_ANN_OK))
    driver.press(first)
    assert _scheduled(channel_db) == 1
    driver.press(B.CM_ANN_NEW)  # a second announcement
    driver.say("ประกาศฉบับที่สองค่ะ")
    driver.tap("สมาชิกทุกคน")
    driver.tap("ส่งเลย")
    second = next(b.data for b in driver.buttons() if b.data.startswith(B.CM_ANN_OK))
    driver.press(first)  # scrolled up: the first summary's button
    assert "ยืนยันไปแล้ว" in driver.text and "ประกาศฉบับที่สอง" in driver.text
    driver.press(B.CM_ANN_OK + "not-a-token")  # made up: the open summary is shown again
    assert "ข้อความเก่า" in driver.text
    driver.press(second)
    assert _scheduled(channel_db) == 2


def test_a_test_to_myself_in_quiet_hours_says_when_it_will_arrive(chat, db, clock):
    from datetime import datetime

    from tests.committee_fixtures import seat
    from tests.conftest import BANGKOK
    from tests.factories import make_fund

    clock.now = datetime(2026, 11, 29, 22, 30, tzinfo=BANGKOK)
    with db() as s, s.begin():
        seat(s, chat.user, make_fund(s))
    chat.press(B.CM_ANN_NEW)
    chat.say(TEXT)
    chat.tap("สมาชิกทุกคน")
    chat.tap("ส่งทดสอบถึงฉัน")
    assert "ช่วงงดส่งข้อความยามค่ำคืน จะส่งถึงแชตนี้วันจันทร์ที่ 30 พฤศจิกายน 2569 เวลา 08:00 น." in chat.text
