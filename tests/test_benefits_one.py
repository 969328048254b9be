"""One benefit, through the simulator and LINE: typed in everyday words or pressed, it says what it
pays, its conditions, where this member stands and from when, the yearly allowance left, how to
claim, the documents, and leads back to all benefits."""

from datetime import date
from decimal import Decimal

import pytest

from handlers import buttons as B
from locales import translate
from models import Claim, ClaimStatus, MemberStatus
from tests.factories import link_chat, make_fund, make_member
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import LineUser

NEW = {"joined_on": date(2026, 9, 1), "months_paid": 3}  # in the 180-day wait until 28 Feb 2027
LONG = {"joined_on": date(2018, 3, 1), "months_paid": 105}  # 8 years 8 months: death tier 15,000


def _setup(db, user="U-test-1", locale="th", channel="simulator", **kwargs) -> int:
    with db() as s, s.begin():
        member = make_member(s, make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก"), **kwargs)
        link_chat(s, user, member, locale=locale, channel=channel)
        return member.id


@pytest.fixture
def line_db(line_app):
    return line_app.extensions["kongtun"].Session


def _hospital_claim(db, mid, amount, status=ClaimStatus.PAID, on=date(2026, 6, 3)):
    with db() as s, s.begin():
        s.add(Claim(member_id=mid, benefit_code="hospital", amount=Decimal(amount), nights=3, status=status,
                    event_on=on, submitted_on=on))


def _birth_answer_is_complete(text: str) -> None:
    assert "สวัสดิการคลอดบุตร" in text
    assert "💰 ครั้งละ 1,000 บาท" in text
    assert "📋 เงื่อนไข: เป็นสมาชิกครบ 180 วัน" in text
    assert "⏳ ท่านใช้สิทธิ์นี้ได้ตั้งแต่ 28 กุมภาพันธ์ 2570 (เมื่อเป็นสมาชิกครบ 180 วัน) ค่ะ" in text
    assert "📝 วิธีขอรับ: แจ้งกรรมการภายใน 30 วันหลังคลอด พร้อมเอกสาร" in text
    assert "• สำเนาสูติบัตรของเด็ก\n• สำเนาบัตรประชาชนของสมาชิก" in text


@pytest.mark.parametrize("how", ["say", "press"])
def test_birth_typed_or_pressed(db, chat, how):
    _setup(db, **NEW)
    if how == "say":
        chat.say("ลูกเกิดใหม่ได้เงินไหมคะ")
    else:
        chat.press(B.BENEFIT_ONE + "birth")
    assert len(chat.last) == 1 and chat.last[0]["card"]["title"] == "สวัสดิการคลอดบุตร"
    _birth_answer_is_complete(chat.text)
    assert [b.data for b in chat.buttons()] == [B.BENEFITS, B.MENU]
    assert chat.buttons()[0].label == "สวัสดิการทั้งหมด"


def test_the_all_benefits_button_opens_the_list(db, chat):
    _setup(db, **NEW)
    chat.press(B.BENEFIT_ONE + "birth")
    chat.press(B.BENEFITS)
    assert chat.last[0]["card"]["title"] == "สิทธิสวัสดิการ เทศบาลตำบลป่าคลอก"


def test_hospital_with_600_claimed_this_year_has_400_left(db, chat):
    mid = _setup(db, **LONG)
    _hospital_claim(db, mid, 600)
    _hospital_claim(db, mid, 300, status=ClaimStatus.REJECTED)  # a rejected claim uses nothing
    chat.press(B.BENEFIT_ONE + "hospital")
    text = chat.text
    assert "💰 คืนละ 200 บาท ไม่เกินครั้งละ 600 บาท และไม่เกินปีละ 1,000 บาท" in text
    assert "✅ ท่านใช้สิทธิ์นี้ได้แล้วค่ะ" in text
    assert "📊 ปีนี้ใช้สิทธิ์ไปแล้ว 600 บาท จากปีละ 1,000 บาท เหลืออีก 400 บาท" in text


def test_a_claim_being_checked_counts_against_the_cap(db, chat):
    mid = _setup(db, **LONG)
    _hospital_claim(db, mid, 400, status=ClaimStatus.SUBMITTED)
    _hospital_claim(db, mid, 200, status=ClaimStatus.APPROVED)
    chat.press(B.BENEFIT_ONE + "hospital")
    assert "เหลืออีก 400 บาท" in chat.text


def test_hospital_unused_this_year_says_the_whole_cap(db, chat):
    mid = _setup(db, **LONG)
    _hospital_claim(db, mid, 600, on=date(2025, 11, 1))  # last year's stay
    chat.say("นอนโรงพยาบาลได้เท่าไหร่")
    assert "📊 ปีนี้ยังไม่ได้ใช้สิทธิ์ ใช้ได้เต็มปีละ 1,000 บาท" in chat.text


def test_death_is_cover_with_the_members_tier_and_each_tier_explained(db, chat):
    _setup(db, **LONG)
    chat.press(B.BENEFIT_ONE + "death")
    text = chat.text
    assert "🛡️ คุ้มครองแล้ว: หากเสียชีวิต ผู้รับผลประโยชน์จะได้รับ 15,000 บาท" in text
    assert "ตั้งแต่ 1 มีนาคม 2571 จะเพิ่มเป็น 20,000 บาท" in text
    assert "• เป็นสมาชิก 6 เดือนขึ้นไป: 3,000 บาท" in text and "• เป็นสมาชิก 15 ปีขึ้นไป: 30,000 บาท" in text
    assert "ใช้สิทธิ์" not in text  # protection, not something to claim now
    assert "สำเนาใบมรณบัตร" in text


def test_elderly_conditions_joined_with_and_and_its_own_date(db, chat):
    _setup(db, **NEW)
    chat.press(B.BENEFIT_ONE + "elderly")
    text = chat.text
    assert "📋 เงื่อนไข: อายุ 60 ปีขึ้นไป และเป็นสมาชิก 3 ปีขึ้นไป และเป็นสมาชิกครบ 180 วัน" in text
    assert "ตั้งแต่ 1 กันยายน 2572 (เมื่อเป็นสมาชิกครบ 3 ปี)" in text


def test_scholarship_note_is_a_condition(db, chat):
    _setup(db, **LONG)
    chat.press(B.BENEFIT_ONE + "scholarship")
    assert "และเกรดเฉลี่ย 3.50 ขึ้นไป เมื่อจบชั้น ป.6 ม.3 หรือ ม.6" in chat.text


def test_lapsed_member_is_told_the_right_ended_and_why(db, chat):
    _setup(db, joined_on=date(2018, 3, 1), months_paid=100)  # three months unpaid: lapsed
    chat.press(B.BENEFIT_ONE + "hospital")
    assert "— สิทธิ์นี้สิ้นสุดแล้วค่ะ เพราะสมาชิกภาพสิ้นสุดจากการขาดส่งเงินสัจจะ" in chat.text
    assert "📊" not in chat.text  # no allowance for a right that ended
    assert "วิธีขอรับ" not in chat.text and "เอกสาร" not in chat.text  # nothing to claim
    assert translate("th", "benefits.ended_note") in chat.text


def test_pending_applicant_is_told_not_yet(db, chat):
    _setup(db, status=MemberStatus.PENDING, member_no=None)
    chat.press(B.BENEFIT_ONE + "birth")
    assert "— ท่านยังใช้สิทธิ์นี้ไม่ได้ค่ะ เพราะใบสมัครรอคณะกรรมการอนุมัติก่อน" in chat.text
    assert "สิ้นสุด" not in chat.text


def test_in_english(db, chat):
    _setup(db, locale="en", **LONG)
    chat.press(B.BENEFIT_ONE + "death")
    text = chat.text
    assert "Benefit: Death (paid to the named beneficiary)" in text
    assert "🛡️ Covered: if you die, your beneficiary receives 15,000 baht." in text
    assert "A member for 6 months or more: 3,000 baht" in text
    assert "A copy of the death certificate" in text
    assert [b.label for b in chat.buttons()] == ["All benefits", "Main menu"]
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def test_unknown_code_is_answered_politely_with_all_benefits(db, chat):
    _setup(db, **LONG)
    chat.press(B.BENEFIT_ONE + "lottery")
    assert chat.last[0]["text"].startswith("ขออภัยค่ะ น้องกองทุนไม่พบสวัสดิการนี้")
    assert chat.last[1]["card"]["title"] == "สิทธิสวัสดิการ เทศบาลตำบลป่าคลอก"


def test_unlinked_user_is_asked_to_register(chat):
    chat.press(B.BENEFIT_ONE + "birth")
    assert B.REGISTER in [b.data for b in chat.buttons()]
    assert "1,000 บาท" not in chat.text


# --- LINE ---------------------------------------------------------------------------------------

def test_line_birth_typed_and_pressed(line_db, line_user):
    _setup(line_db, user=line_user.user, channel="line", **NEW)
    line_user.say("ลูกเกิดใหม่ได้เงินไหมคะ")
    _birth_answer_is_complete(line_user.text)
    assert [b.data for b in line_user.buttons()] == [B.BENEFITS, B.MENU]
    line_user.press(B.BENEFIT_ONE + "birth")
    _birth_answer_is_complete(line_user.text)


def test_line_hospital_allowance_and_death_cover(line_db, line_user):
    mid = _setup(line_db, user=line_user.user, channel="line", **LONG)
    _hospital_claim(line_db, mid, 600)
    line_user.press(B.BENEFIT_ONE + "hospital")
    assert "เหลืออีก 400 บาท" in line_user.text
    line_user.press(B.BENEFIT_ONE + "death")
    assert "คุ้มครองแล้ว: หากเสียชีวิต ผู้รับผลประโยชน์จะได้รับ 15,000 บาท" in line_user.text


def test_line_unknown_code(line_db, line_user):
    _setup(line_db, user=line_user.user, channel="line", **LONG)
    line_user.press(B.BENEFIT_ONE + "lottery")
    assert "ไม่พบสวัสดิการนี้" in line_user.text and "สิทธิสวัสดิการ เทศบาลตำบลป่าคลอก" in line_user.text


def test_line_group_gets_no_personal_data(line_client, line_db, line_user, fake_line):
    mid = _setup(line_db, user=line_user.user, channel="line", **LONG)
    _hospital_claim(line_db, mid, 600)
    in_group = LineUser(line_client, fake_line, user=line_user.user, group=wh.group_id())
    in_group.press(B.BENEFIT_ONE + "hospital")
    assert "ข้อมูลส่วนตัว" in in_group.text and "บาท" not in in_group.text
    in_group.say("@น้องกองทุน ลูกเกิดใหม่ได้เงินไหม", mention_self=True)
    assert "บาท" not in in_group.text
    in_group.press(B.BENEFITS)
    assert "บาท" not in in_group.text
