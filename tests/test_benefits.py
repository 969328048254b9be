"""Benefits through the simulator: amounts in plain words, eligibility now or from a date."""

from datetime import date
from decimal import Decimal

from models import Claim, ClaimStatus, Member
from tests.factories import link_chat, make_fund, make_member


def _setup(db, locale="th", **kwargs):
    with db() as s, s.begin():
        fund = make_fund(s)
        member = make_member(s, fund, **kwargs)
        link_chat(s, "U-test-1", member, locale=locale)
        return member.id


def _rows(chat):
    card = chat.last[0]["card"]
    return {row["label"]: row["value"] for row in card["rows"]}


def test_new_member_inside_waiting_period_sees_date_it_ends(db, chat):
    # Joined 1 Sep 2026: 180 days later is 28 Feb 2027 (28 ก.พ. 2570).
    _setup(db, joined_on=date(2026, 9, 1), months_paid=3)
    chat.say("ได้สิทธิ์อะไรบ้าง")
    rows = _rows(chat)
    assert "ครั้งละ 1,000 บาท" in rows["คลอดบุตร"]
    assert "ใช้สิทธิ์ได้ตั้งแต่ 28 กุมภาพันธ์ 2570" in rows["คลอดบุตร"]
    assert "คืนละ 200 บาท" in rows["เจ็บป่วยนอนโรงพยาบาล"]
    assert "(ไม่เกินครั้งละ 600 บาท และไม่เกินปีละ 1,000 บาท)" in rows["เจ็บป่วยนอนโรงพยาบาล"]
    # Death: the first tier is reached at six months of membership (1 Mar 2027), after the wait.
    assert "ใช้สิทธิ์ได้ตั้งแต่ 1 มีนาคม 2570" in rows["เสียชีวิต"]
    assert "3,000 บาท ถึง 30,000 บาท" in rows["เสียชีวิต"]


def test_long_member_eligible_now_with_tier_and_next_tier(db, chat):
    # Joined 1 Mar 2018: 8 years 8 months → 15,000; 10 years on 1 Mar 2028 → 20,000.
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105, birth_date=date(1980, 5, 5))
    chat.press("ben")
    rows = _rows(chat)
    assert "ใช้สิทธิ์ได้แล้ว" in rows["คลอดบุตร"]
    assert "ตอนนี้ได้ 15,000 บาท" in rows["เสียชีวิต"]
    assert "ตั้งแต่ 1 มีนาคม 2571 จะเพิ่มเป็น 20,000 บาท" in rows["เสียชีวิต"]
    # Elderly allowance waits for the 60th birthday: 5 May 2040 = 5 พฤษภาคม 2583.
    assert "ใช้สิทธิ์ได้ตั้งแต่ 5 พฤษภาคม 2583 (เมื่ออายุครบตามเกณฑ์)" in rows["ผู้สูงอายุ"]
    assert "อายุ 60 ปีขึ้นไป" in rows["ผู้สูงอายุ"]


def test_elderly_member_eligible_for_allowance(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105, birth_date=date(1955, 2, 1))
    chat.say("สวัสดิการ")
    assert "ใช้สิทธิ์ได้แล้ว" in _rows(chat)["ผู้สูงอายุ"]


def test_lapsed_by_arrears_gets_nothing_with_reason(db, chat):
    # Paid through June 2026: July, Aug, Sep unpaid → lapsed on 1 Oct 2026.
    _setup(db, joined_on=date(2018, 3, 1), months_paid=100)
    chat.say("สิทธิ์")
    rows = _rows(chat)
    assert all("ขาดส่งเงินสัจจะ" in value for value in rows.values())


def test_claims_are_listed_with_status(db, chat):
    mid = _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    with db() as s, s.begin():
        s.add(Claim(member_id=mid, benefit_code="hospital", amount=Decimal(600), nights=3,
                    status=ClaimStatus.PAID, event_on=date(2026, 5, 2), submitted_on=date(2026, 5, 10),
                    paid_on=date(2026, 5, 20)))
    chat.say("เบิก")
    claims = chat.last[1]["card"]
    assert claims["title"] == "การเบิกสวัสดิการของฉัน"
    row = claims["rows"][0]
    assert "เจ็บป่วยนอนโรงพยาบาล" in row["label"] and "10 พ.ค. 69" in row["label"]
    assert row["value"] == "600 บาท · จ่ายแล้ว"


def test_no_claims_said_plainly(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    chat.press("ben")
    assert "ยังไม่เคยเบิก" in chat.last[1]["text"]


def test_benefits_in_english(db, chat):
    _setup(db, locale="en", joined_on=date(2026, 9, 1), months_paid=3)
    chat.say("what benefits am I entitled to")
    rows = _rows(chat)
    assert "1,000 baht each time" in rows["Childbirth"]
    assert "You can claim this from 28 February 2027" in rows["Childbirth"]


def test_each_fund_has_its_own_table(db, chat):
    with db() as s, s.begin():
        fund = make_fund(s)
        fund.benefits[0].amount = Decimal(1500)  # this fund pays more for a birth
        member = make_member(s, fund, joined_on=date(2018, 3, 1), months_paid=105)
        link_chat(s, "U-test-1", member)
    chat.press("ben")
    assert "ครั้งละ 1,500 บาท" in _rows(chat)["คลอดบุตร"]


def test_member_row_count_matches_rules(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=105)
    chat.press("ben")
    with db() as s:
        assert len(_rows(chat)) == len(s.query(Member).one().fund.benefits) == 6
