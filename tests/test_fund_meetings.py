"""Fund status and meetings through the simulator."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from models import ExpenseKind, FundExpense, FundIncome, IncomeSource, MemberStatus
from tests.conftest import BANGKOK
from tests.factories import link_chat, make_fund, make_meeting, make_member


def _rows(reply):
    return {row["label"]: row["value"] for row in reply["card"]["rows"]}


def test_fund_status_shows_members_coverage_balance_sources_and_benefits(db, chat):
    with db() as s, s.begin():
        fund = make_fund(s, population=1000)
        first = make_member(s, fund, joined_on=date(2024, 1, 1), months_paid=20)  # 600 baht
        for _ in range(9):
            make_member(s, fund, joined_on=date(2024, 1, 1), months_paid=10)  # 300 each
        make_member(s, fund, status=MemberStatus.LAPSED)  # not counted as a member
        s.add_all([
            FundIncome(fund_id=fund.id, source=IncomeSource.CODI, amount=Decimal(2100),
                       received_on=date(2025, 6, 1)),
            FundIncome(fund_id=fund.id, source=IncomeSource.LOCAL_GOVERNMENT, amount=Decimal(300),
                       received_on=date(2025, 6, 1)),
            FundExpense(fund_id=fund.id, kind=ExpenseKind.BENEFIT, amount=Decimal(1000),
                        spent_on=date(2026, 3, 1)),
            FundExpense(fund_id=fund.id, kind=ExpenseKind.BENEFIT, amount=Decimal(600),
                        spent_on=date(2025, 3, 1)),
            FundExpense(fund_id=fund.id, kind=ExpenseKind.COST, amount=Decimal(100),
                        spent_on=date(2026, 3, 1)),
        ])
        link_chat(s, "U-test-1", first)
    chat.say("เงินกองทุนเหลือเท่าไหร่")
    rows = _rows(chat.last[0])
    assert rows["สมาชิก"] == "10 คน"
    assert rows["ครอบคลุมประชากร"] == "1.0% ของ 1,000 คน"
    # income 3,300 + 2,100 + 300 = 5,700; less 1,600 benefits and 100 costs
    assert rows["เงินกองทุนคงเหลือ"] == "4,000 บาท"
    assert rows["เงินสัจจะจากสมาชิก"] == "3,300 บาท (57.9%)"
    assert rows["เงินสมทบจากสถาบันพัฒนาองค์กรชุมชน (พอช.)"] == "2,100 บาท (36.8%)"
    assert rows["เงินสมทบจากเทศบาล/อบต."] == "300 บาท (5.3%)"
    assert rows["จ่ายสวัสดิการปี 2569"] == "1 ราย รวม 1,000 บาท"
    assert rows["จ่ายสวัสดิการสะสม"] == "1,600 บาท"


def test_guest_browses_network_then_district_then_fund(db, chat):
    with db() as s, s.begin():
        make_fund(s, "KAMALA", district_th="กะทู้", district_en="Kathu", name_th="องค์การบริหารส่วนตำบลกมลา")
        make_fund(s, "PAKHLOK", district_th="ถลาง", district_en="Thalang", name_th="เทศบาลตำบลป่าคลอก")
    chat.press("fund")
    assert "2 กองทุน" in chat.text
    chat.tap("ถลาง")
    labels = [b.label for b in chat.buttons()]
    assert labels == ["ทต.ป่าคลอก"]
    chat.tap("ทต.ป่าคลอก")
    assert chat.last[0]["card"]["title"] == "เทศบาลตำบลป่าคลอก"


def test_fund_buttons_fit_line_quick_reply_labels(db, chat):
    with db() as s, s.begin():
        make_fund(s, "X", name_th="องค์การบริหารส่วนตำบลเทพกระษัตรีและตำบลอื่นที่ยาวมาก")
    chat.press("fund:dist:0")
    assert all(len(b.label) <= 20 for b in chat.buttons())


def test_stale_fund_button_falls_back_to_overview(db, chat):
    chat.press("fund:show:NOPE")
    assert "เลือกอำเภอ" in chat.text
    chat.press("fund:dist:99")
    assert "เลือกอำเภอ" in chat.text


def test_meetings_of_own_fund_and_network_soonest_first_in_bangkok_time(db, chat, clock):
    now = clock.now
    with db() as s, s.begin():
        fund = make_fund(s)
        other = make_fund(s, "OTHER")
        member = make_member(s, fund)
        link_chat(s, "U-test-1", member)
        make_meeting(s, None, datetime(2027, 1, 20, 13, 0, tzinfo=BANGKOK), title="สมัชชาจังหวัด")
        make_meeting(s, fund, datetime(2026, 12, 15, 9, 30, tzinfo=BANGKOK), title="ประชุมประจำเดือน")
        make_meeting(s, other, now + timedelta(days=1), title="ของกองทุนอื่น")
        make_meeting(s, fund, now - timedelta(hours=1), title="ผ่านไปแล้ว")
    chat.say("ประชุมเมื่อไหร่")
    titles = [r["card"]["title"] for r in chat.last if "card" in r]
    assert titles == ["ประชุมประจำเดือน", "สมัชชาจังหวัด"]
    first = _rows(chat.last[0])
    assert first["วันที่"] == "วันอังคารที่ 15 ธันวาคม 2569"
    assert first["เวลา"] == "09:30 น."
    assert _rows(chat.last[1])["ผู้จัด"] == "เครือข่ายกองทุนสวัสดิการชุมชนจังหวัดภูเก็ต"


def test_guest_sees_only_network_meetings(db, chat, clock):
    with db() as s, s.begin():
        fund = make_fund(s)
        make_meeting(s, fund, clock.now + timedelta(days=3), title="ของกองทุน")
        make_meeting(s, None, clock.now + timedelta(days=30), title="สมัชชา")
    chat.press("meet")
    assert [r["card"]["title"] for r in chat.last if "card" in r] == ["สมัชชา"]
    assert "ลงทะเบียน" in chat.last[-1]["text"]


def test_no_meetings_said_plainly(chat):
    chat.say("meeting")
    assert "ยังไม่มีกำหนดการประชุม" in chat.text


def test_meetings_in_english(db, chat, clock):
    with db() as s, s.begin():
        fund = make_fund(s)
        member = make_member(s, fund)
        link_chat(s, "U-test-1", member, locale="en")
        make_meeting(s, fund, datetime(2026, 12, 15, 9, 30, tzinfo=BANGKOK))
    chat.say("when is the next meeting")
    rows = _rows(chat.last[0])
    assert rows["Date"] == "Tuesday 15 December 2026"
    assert rows["Place"] == "Community hall"
