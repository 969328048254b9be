"""Reports in the chat (รายงาน), on every channel: the fund's cards, the arrears list page by page,
near lapse, the network table for admins; and every refusal, by text and by forged button."""

from __future__ import annotations

from domain.thai import format_baht, format_number
from handlers import buttons as B
from models import Fund
from services.reports import fund_report
from tests import report_world as W
from tests.committee_fixtures import refusals, seat
from tests.factories import link_chat, make_fund, make_member


def _home_report(channel_db, cm_world):
    with channel_db() as s:
        report = fund_report(s, s.get(Fund, cm_world.home_id), W.TODAY)
        return len(report.arrears), report.arrears_amount, report.money.balance.balance, report.active


def test_the_committee_reads_the_fund_report_in_thai(driver, channel_db, cm_world):
    with channel_db() as s, s.begin():
        W.build(s, fund=s.get(Fund, cm_world.home_id), reversal=False)
    arrears, owed, balance, active = _home_report(channel_db, cm_world)
    driver.press(B.COMMITTEE)
    driver.tap("รายงาน")
    text = driver.text
    assert "รายงานสมาชิก กองทุนสวัสดิการชุมชนตำบลป่าคลอก" in text
    assert f"สมาชิกปัจจุบัน: {active} คน" in text and "ขาดสมาชิกภาพ: 1 คน" in text
    assert "ใบสมัครรอพิจารณา: 1 คน" in text and "เสียชีวิต: 1 คน" in text
    assert f"ค้างเงินสัจจะ: {arrears} คน รวม {format_baht(owed)}" in text
    assert f"เงินกองทุนคงเหลือ: {format_baht(balance)}" in text
    assert "เงินสมทบจากสถาบันพัฒนาองค์กรชุมชน (พอช.): 5,000 บาท" in text
    assert "จ่ายสวัสดิการปี 2569: 1 ราย รวม 1,000 บาท" in text
    assert "ส่งไม่สำเร็จ: 2 ข้อความ" in text and "รอโควตา LINE: 1 ข้อความ" in text
    assert "ใช้ไป 120 เหลือ 380 จาก 500 ข้อความ" in text
    assert {"รายชื่อผู้ค้าง", "ใกล้ขาดสมาชิกภาพ", "กลับเมนูกรรมการ"} <= set(driver.labels())
    assert "ตารางเครือข่าย" not in driver.labels()  # not an admin


def test_the_report_in_english(driver, channel_db):
    with channel_db() as s, s.begin():
        fund, _ = W.build(s, reversal=False)
        seat(s, driver.user, fund, channel=driver.channel, roles=("treasurer",), locale="en", months_paid=200)
    driver.press(B.CM_REPORTS)
    text = driver.text
    assert "Active members: 6 people" in text  # five built, and the treasurer
    assert (
        "In arrears: 4 people, 230 baht in total" in text and "Near lapse (one month left): 2 people" in text
    )
    assert "Benefits paid in 2026: 1 claims, 1,000 baht in total" in text
    driver.tap("In arrears")
    assert "4 members in arrears, 230 baht owed in total (page 1/1)" in driver.text
    assert "90000 อำไพ" not in driver.text and "90004 เอื้อม ใ.: 3 months, 90 baht" in driver.text


def test_the_treasurer_pages_through_the_arrears(driver, channel_db, cm_world):
    with channel_db() as s, s.begin():
        home = s.get(Fund, cm_world.home_id)
        for n in range(20):
            make_member(
                s, home, joined_on=W.JOINED, months_paid=8, first_name=f"ค้าง{n:02d}", member_no=f"5{n:04d}"
            )
    arrears, owed, _, _ = _home_report(channel_db, cm_world)
    assert arrears == 24  # the chair and 3 members since 2018, and 20 two months behind
    driver.press(B.CM_REPORTS)
    driver.tap("รายชื่อผู้ค้าง")
    assert f"{arrears} คน ยอดรวม {format_baht(owed)} (หน้า 1/3)" in driver.text
    assert "หน้าก่อน" not in driver.labels()
    first = [line for line in driver.text.splitlines() if " ค้าง " in line]
    assert len(first) == 10 and "ประยุทธ ก." in driver.text  # the chair, most months first
    driver.tap("หน้าถัดไป")
    assert "(หน้า 2/3)" in driver.text and "50006 ค้าง06 ใ. ค้าง 2 เดือน 60 บาท" in driver.text
    driver.tap("หน้าถัดไป")
    assert "(หน้า 3/3)" in driver.text and "หน้าถัดไป" not in driver.labels()
    assert len([line for line in driver.text.splitlines() if " ค้าง " in line]) == 4
    driver.tap("หน้าก่อน")
    assert "(หน้า 2/3)" in driver.text
    driver.tap("กลับรายงาน")
    assert "รายงานสมาชิก" in driver.text
    driver.press(f"{B.CM_REP_LAPSE}{cm_world.home_id}:0")
    assert "ผู้ที่จะขาดสมาชิกภาพหากไม่ชำระอีก 1 เดือน" in driver.text and "20 คน" in driver.text
    assert "ค้าง 2 เดือน ขาดสมาชิกภาพวันที่ 1 ธ.ค. 69" in driver.text


def test_no_one_in_arrears_says_so(driver, channel_db):
    with channel_db() as s, s.begin():
        seat(s, driver.user, make_fund(s), channel=driver.channel, months_paid=200)
    driver.press(B.CM_REPORTS)
    assert "ค้างเงินสัจจะ: 0 คน รวม 0 บาท" in driver.text and "ส่งถึงสมาชิกครบทุกข้อความค่ะ" in driver.text
    driver.tap("รายชื่อผู้ค้าง")
    assert "ไม่มีสมาชิกกองทุนทดสอบ PAKHLOKค้างเงินสัจจะ" in driver.text


def test_an_admin_reads_the_network_table(driver, channel_db):
    with channel_db() as s, s.begin():
        big = make_fund(
            s, "PKT-CITY", population=1000, name_th="เทศบาลนครภูเก็ต", name_en="Phuket City Municipality"
        )
        small = make_fund(
            s,
            "SAKHU",
            population=20,
            name_th="องค์การบริหารส่วนตำบลสาคู",
            name_en="Sakhu Subdistrict Administrative Organization",
        )
        seat(s, driver.user, big, channel=driver.channel, roles=("admin",))
        for _ in range(49):
            make_member(s, big)
        for _ in range(3):
            make_member(s, small)
    driver.press(B.CM_REPORTS)
    assert "ตารางเครือข่าย" in driver.labels()
    driver.tap("ตารางเครือข่าย")
    text = driver.text
    assert "ตารางเครือข่ายกองทุนสวัสดิการชุมชน" in text and "รวมทั้งเครือข่าย: 53 คน" in text
    assert "กองทุนที่มีสมาชิกมากที่สุด: เทศบาลนครภูเก็ต 50 คน (5.0% ของประชากร)" in text
    assert "สมาชิกเกินร้อยละ 10 ของประชากร: ทต.สาคู (15.0%)"  # the factory makes every fund a ทต. in text
    # An admin may read any fund's report.
    driver.press(f"{B.CM_REP_FUND}{small.id}")
    assert "รายงานสมาชิก องค์การบริหารส่วนตำบลสาคู" in driver.text


def test_a_committee_member_is_refused_the_network_table(driver, channel_db, cm_world):
    driver.press(B.CM_REP_NETWORK)
    assert "ขออภัยค่ะ" in driver.text and "ตารางเครือข่าย" not in driver.text
    assert [r.detail["reason"] for r in refusals(channel_db, tried="reports.network")] == ["other_fund"]


def test_a_committee_member_of_pakhlok_cannot_read_kamala(driver, channel_db, cm_world):
    for data in (
        f"{B.CM_REP_FUND}{cm_world.other_id}",
        f"{B.CM_REP_ARREARS}{cm_world.other_id}:0",
        f"{B.CM_REP_LAPSE}{cm_world.other_id}:1",
    ):
        driver.press(data)
        assert "กมลา" not in driver.text and "ขออภัยค่ะ" in driver.text, data
    rows = refusals(channel_db)
    assert [r.detail["tried"] for r in rows] == ["reports.fund", "reports.arrears", "reports.near_lapse"]
    assert {r.detail["reason"] for r in rows} == {"other_fund"}
    driver.press(f"{B.CM_REP_ARREARS}nonsense")  # a made-up page is the member's own fund
    assert "กองทุนสวัสดิการชุมชนตำบลป่าคลอก" in driver.text


def test_a_plain_member_is_refused_by_text_and_by_forged_buttons(driver, channel_db):
    with channel_db() as s, s.begin():
        fund, _ = W.build(s, reversal=False)
        link_chat(s, driver.user, make_member(s, fund), channel=driver.channel)
    driver.say("รายงาน")
    assert "ค้างเงินสัจจะ" not in driver.text
    for data in (
        B.CM_REPORTS,
        f"{B.CM_REP_FUND}{fund.id}",
        f"{B.CM_REP_ARREARS}{fund.id}:0",
        B.CM_REP_NETWORK,
    ):
        driver.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text and "บุญมี" not in driver.text, data
    assert [r.detail["reason"] for r in refusals(channel_db)] == ["no_role"] * 4
    assert format_number(1) == "1"
