"""The treasurer records and reverses in the committee chat; the member then reads it in her own chat:
on the simulator and LINE (the member's chat there is linked by tests.cm_payments_helpers)."""

from __future__ import annotations

import pytest

from handlers import buttons as B
from tests.cm_payments_helpers import MEMBER_USER, data_of, make_treasurer, paying_member, record
from tests.drivers import SimulatorChat
from tests.fakes.line_webhook import LineUser


def _members_chat(request, channel: str, member_id: int):
    user = f"{MEMBER_USER}-{member_id}"
    if channel == "simulator":
        return SimulatorChat(request.getfixturevalue("client"), user)
    return LineUser(request.getfixturevalue("line_client"), request.getfixturevalue("fake_line"), user=user)


def test_what_the_treasurer_records_and_reverses_the_member_reads(request, driver, cm_world, channel_db):
    if driver.channel == "telegram":
        pytest.skip("the helper links the member's chat by a name; a Telegram chat id is a number")
    make_treasurer(channel_db, cm_world)
    member_id = paying_member(channel_db, cm_world, channel=driver.channel)  # through November 2569
    record(driver, "7012", "6 เดือน")
    record(driver, "7012", "1 เดือน")
    driver.tap("กลับรายการนี้")
    driver.say("บันทึกซ้ำ")
    driver.press(data_of(driver, "ยืนยันกลับรายการ"))
    assert "เรียบร้อยแล้ว" in driver.text

    member = _members_chat(request, driver.channel, member_id)
    member.press(B.HISTORY)
    text = member.text
    assert "ชำระถึงเดือน: พฤษภาคม 2570" in text  # November 2569 and six months more
    assert "29 พฤศจิกายน 2569: ↩️ ยกเลิกรายการ 30 บาท" in text
    assert "เหตุผล: บันทึกซ้ำ" in text
    assert ("29 พฤศจิกายน 2569: 30 บาท · 1 เดือน\nบันทึกโดยเหรัญญิก (ประยุทธ)"
            "\n↩️ รายการนี้ถูกยกเลิกแล้ว เมื่อ 29 พฤศจิกายน 2569") in text
    assert "29 พฤศจิกายน 2569: 180 บาท · 6 เดือน\nบันทึกโดยเหรัญญิก (ประยุทธ)" in text
    assert text.index("ยกเลิกรายการ 30 บาท") < text.index("180 บาท")  # newest first
    member.press(B.PAY_NOW)
    assert "ตอนนี้ยังไม่มียอดที่ต้องชำระค่ะ" in member.text and "(ล่วงหน้า 6 เดือน)" in member.text
