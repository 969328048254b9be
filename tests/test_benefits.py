"""The benefits list through the simulator and LINE: one short block per benefit (amount, my
status on one line), what the whole list shares said once, a button to open each benefit."""

from datetime import date
from decimal import Decimal

from handlers import buttons as B
from models import Claim, ClaimStatus, Member, MemberStatus
from tests.factories import link_chat, make_fund, make_member


def _setup(db, locale="th", **kwargs):
    with db() as s, s.begin():
        fund = make_fund(s)
        member = make_member(s, fund, **kwargs)
        link_chat(s, "U-test-1", member, locale=locale)
        return member.id


def _card(chat):
    return chat.last[0]["card"]


def _rows(chat):
    return {row["label"]: row["value"] for row in _card(chat)["rows"]}


def _claim(db, mid, code, amount, status=ClaimStatus.PAID, on=date(2026, 5, 2)):
    with db() as s, s.begin():
        s.add(Claim(member_id=mid, benefit_code=code, amount=Decimal(amount), nights=3, status=status,
                    event_on=on, submitted_on=on, paid_on=on if status == ClaimStatus.PAID else None))


def test_new_member_inside_waiting_period_is_told_the_reason_and_date_once(db, chat):
    # Joined 1 Sep 2026: 180 days later is 28 Feb 2027 (28 ก.พ. 2570).
    _setup(db, joined_on=date(2026, 9, 1), months_paid=3)
    chat.say("ได้สิทธิ์อะไรบ้าง")
    rows = _rows(chat)
    assert rows["คลอดบุตร"] == "ครั้งละ 1,000 บาท\n⏳ ใช้สิทธิ์ได้เมื่อพ้นช่วงรอ"
    assert rows["เจ็บป่วยนอนโรงพยาบาล"].startswith(
        "คืนละ 200 บาท ไม่เกินครั้งละ 600 บาท และไม่เกินปีละ 1,000 บาท\n")
    footer = _card(chat)["footer"]
    assert footer == ("⏳ ท่านยังอยู่ในช่วงรอ 180 วันแรกของการเป็นสมาชิก "
                      "ใช้สิทธิ์ได้ตั้งแต่ 28 กุมภาพันธ์ 2570 ค่ะ")
    assert chat.text.count("28 กุมภาพันธ์ 2570") == 1 and chat.text.count("ช่วงรอ 180") == 1
    # Death has its own reason: its first tier needs six months of membership (1 Mar 2027).
    assert ("⏳ เริ่มคุ้มครองตั้งแต่ 1 มีนาคม 2570 (เมื่อเป็นสมาชิกครบ 6 เดือน): "
            "หากเสียชีวิต ผู้รับผลประโยชน์จะได้รับ 3,000 บาท") in rows["เสียชีวิต"]
    assert "3,000 บาท ถึง 30,000 บาท" in rows["เสียชีวิต"]
    # The elderly allowance waits for its own conditions (60 in 2027, three years in 2029).
    assert "ใช้สิทธิ์ได้ตั้งแต่ 1 กันยายน 2572 (เมื่อเป็นสมาชิกครบ 3 ปี)" in rows["ผู้สูงอายุ"]


def test_long_member_eligible_now_with_cover_and_next_tier(db, chat):
    # Joined 1 Mar 2018: 8 years 8 months → 15,000; 10 years on 1 Mar 2028 → 20,000.
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105, birth_date=date(1980, 5, 5))
    chat.press(B.BENEFITS)
    rows = _rows(chat)
    assert rows["คลอดบุตร"] == "ครั้งละ 1,000 บาท\n✅ ใช้สิทธิ์ได้แล้ว"
    assert "🛡️ คุ้มครองแล้ว: หากเสียชีวิต ผู้รับผลประโยชน์จะได้รับ 15,000 บาท" in rows["เสียชีวิต"]
    assert "ตั้งแต่ 1 มีนาคม 2571 จะเพิ่มเป็น 20,000 บาท" in rows["เสียชีวิต"]
    # Elderly allowance waits for the 60th birthday: 5 May 2040 = 5 พฤษภาคม 2583.
    assert "ใช้สิทธิ์ได้ตั้งแต่ 5 พฤษภาคม 2583 (เมื่ออายุครบ 60 ปี)" in rows["ผู้สูงอายุ"]
    assert _card(chat)["footer"] is None  # nothing shared to explain


def test_each_block_is_short_amount_and_one_status_line(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105, birth_date=date(1980, 5, 5))
    chat.press(B.BENEFITS)
    for label, value in _rows(chat).items():
        lines = value.split("\n")
        assert len(lines) <= (3 if label == "เสียชีวิต" else 2), value  # only a coming tier adds one


def test_the_yearly_allowance_left_is_on_the_line(db, chat):
    mid = _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    _claim(db, mid, "hospital", 600)
    _claim(db, mid, "hospital", 400, status=ClaimStatus.REJECTED, on=date(2026, 8, 1))  # uses nothing
    _claim(db, mid, "hospital", 600, on=date(2025, 12, 20))  # last year's
    chat.press(B.BENEFITS)
    rows = _rows(chat)
    assert rows["เจ็บป่วยนอนโรงพยาบาล"].endswith("✅ ใช้สิทธิ์ได้แล้ว · ปีนี้เหลือ 400 บาท")
    assert rows["ประสบภัยพิบัติ"].endswith("· ปีนี้เหลือ 1,000 บาท")
    assert "เหลือ" not in rows["คลอดบุตร"]  # no yearly cap


def test_elderly_member_eligible_for_allowance(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105, birth_date=date(1955, 2, 1))
    chat.say("สวัสดิการ")
    assert "ใช้สิทธิ์ได้แล้ว" in _rows(chat)["ผู้สูงอายุ"]


def test_lapsed_by_arrears_rights_ended_and_why_said_once(db, chat):
    # Paid through June 2026: July, Aug, Sep unpaid → lapsed on 1 Oct 2026.
    _setup(db, joined_on=date(2018, 3, 1), months_paid=100)
    chat.say("สิทธิ์")
    rows = _rows(chat)
    assert all(value.endswith("— สิทธิ์นี้สิ้นสุดแล้ว") for value in rows.values())
    assert chat.text.count("ขาดส่งเงินสัจจะ") == 1
    assert "สิทธิสวัสดิการจึงสิ้นสุดลงด้วยค่ะ" in _card(chat)["footer"]


def test_pending_applicant_is_told_not_yet_and_why_once(db, chat):
    _setup(db, status=MemberStatus.PENDING, member_no=None)
    chat.press(B.BENEFITS)
    rows = _rows(chat)
    assert all(value.endswith("— ยังใช้สิทธิ์ไม่ได้") for value in rows.values())
    assert chat.text.count("รอคณะกรรมการอนุมัติ") == 1
    assert "ใบสมัครของท่านรอคณะกรรมการอนุมัติอยู่ค่ะ" in _card(chat)["footer"]


def test_claims_are_listed_with_status(db, chat):
    mid = _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    with db() as s, s.begin():
        s.add(Claim(member_id=mid, benefit_code="hospital", amount=Decimal(600), nights=3,
                    status=ClaimStatus.PAID, event_on=date(2026, 5, 2), submitted_on=date(2026, 5, 10),
                    paid_on=date(2026, 5, 20)))
    chat.say("เบิก")
    claims = chat.last[2]["card"]
    assert claims["title"] == "การเบิกสวัสดิการของฉัน"
    row = claims["rows"][0]
    assert "เจ็บป่วยนอนโรงพยาบาล" in row["label"] and "10 พ.ค. 69" in row["label"]
    assert row["value"] == "600 บาท · จ่ายแล้ว"


def test_no_claims_said_plainly(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    chat.press(B.BENEFITS)
    assert "ยังไม่เคยเบิก" in chat.last[2]["text"]
    assert [b["postback"] for b in chat.last[2]["buttons"]] == [B.ACCOUNT, B.MENU]


def test_one_button_per_benefit_opens_that_benefit(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    chat.press(B.BENEFITS)
    details = chat.last[1]
    assert "กดที่ชื่อสวัสดิการได้เลยค่ะ" in details["text"]
    buttons = {b["label"]: b["postback"] for b in details["buttons"]}
    assert buttons == {"คลอดบุตร": "bn:birth", "เจ็บป่วยนอนโรงพยาบาล": "bn:hospital", "เสียชีวิต": "bn:death",
                       "ผู้สูงอายุ": "bn:elderly", "ทุนการศึกษาบุตร": "bn:scholarship",
                       "ประสบภัยพิบัติ": "bn:disaster"}
    assert all(len(label) <= 20 for label in buttons)
    for label, data in buttons.items():
        chat.press(data)
        assert _card(chat)["title"] == f"สวัสดิการ{label}"


def test_benefits_in_english(db, chat):
    _setup(db, locale="en", joined_on=date(2026, 9, 1), months_paid=3)
    chat.say("what benefits am I entitled to")
    rows = _rows(chat)
    assert rows["Childbirth"] == "1,000 baht each time\n⏳ Once the waiting period is over."
    assert "at most 600 baht each time and at most 1,000 baht a year" in rows["Hospital stay"]
    assert "you can claim from 28 February 2027" in _card(chat)["footer"]
    labels = [b["label"] for b in chat.last[1]["buttons"]]
    assert "Death" in labels and all(len(label) <= 20 for label in labels)


def test_each_fund_has_its_own_table(db, chat):
    with db() as s, s.begin():
        fund = make_fund(s)
        fund.benefits[0].amount = Decimal(1500)  # this fund pays more for a birth
        member = make_member(s, fund, joined_on=date(2018, 3, 1), months_paid=105)
        link_chat(s, "U-test-1", member)
    chat.press(B.BENEFITS)
    assert "ครั้งละ 1,500 บาท" in _rows(chat)["คลอดบุตร"]


def test_member_row_count_matches_rules(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    chat.press(B.BENEFITS)
    with db() as s:
        assert len(_rows(chat)) == len(s.query(Member).one().fund.benefits) == 6


# --- LINE ---------------------------------------------------------------------------------------

def test_line_the_list_and_its_buttons(line_app, line_user):
    with line_app.extensions["kongtun"].Session() as s, s.begin():
        fund = make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก")
        link_chat(s, line_user.user, make_member(s, fund, months_paid=80, joined_on=date(2020, 1, 10)),
                  channel="line")
    line_user.press(B.BENEFITS)
    assert "สิทธิสวัสดิการ เทศบาลตำบลป่าคลอก" in line_user.text
    assert "🛡️ คุ้มครองแล้ว: หากเสียชีวิต ผู้รับผลประโยชน์จะได้รับ 15,000 บาท" in line_user.text
    data = [b.data for b in line_user.buttons()]
    assert {"bn:birth", "bn:hospital", "bn:death"} <= set(data)
    line_user.press("bn:hospital")
    assert "สวัสดิการเจ็บป่วยนอนโรงพยาบาล" in line_user.text


def test_line_a_lapsed_member_is_told_once_why(line_member, line_user):
    line_user.press(B.BENEFITS)  # สมชาย paid 24 months from January 2020: lapsed long ago
    assert line_user.text.count("ขาดส่งเงินสัจจะ") == 1 and "สิทธิ์นี้สิ้นสุดแล้ว" in line_user.text


def test_an_age_limit_is_the_benefits_own_reason_on_its_line(db, chat):
    with db() as s, s.begin():
        fund = make_fund(s)
        next(r for r in fund.benefits if r.code == "scholarship").max_age = 65
        member = make_member(s, fund, joined_on=date(2018, 3, 1), months_paid=105,
                             birth_date=date(1950, 1, 1))
        link_chat(s, "U-test-1", member)
    chat.press(B.BENEFITS)
    assert _rows(chat)["ทุนการศึกษาบุตร"].endswith("— ใช้สิทธิ์นี้ไม่ได้: อายุเกิน 65 ปี")
    chat.press("bn:scholarship")
    assert "— ท่านใช้สิทธิ์นี้ไม่ได้ค่ะ เพราะอายุเกิน 65 ปี" in chat.text and "ยังใช้" not in chat.text


def test_dues_in_arrears_are_a_caveat_said_once(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=102)  # paid through August: Sep and Oct behind
    chat.press(B.BENEFITS)
    assert _card(chat)["footer"] == "⚠️ ตอนนี้ท่านค้างส่งเงินสัจจะ 2 เดือน กรุณาชำระเพื่อรักษาสิทธิ์นะคะ"
    assert chat.text.count("ค้างส่งเงินสัจจะ") == 1
