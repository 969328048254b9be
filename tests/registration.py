"""What the registration tests share: the roster they link to, the IDs they type, and walking the
dialog to a step. The tests talk through the simulator (`chat`), or as another channel through the
core (`tests.drivers.CoreChat`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

from sqlalchemy import func, select

from handlers.register import STATES
from models import ChatAccount, DialogState
from tests.factories import make_fund, make_member, valid_national_id

ROSTER_ID = "3100600445635"  # Somsri's national ID, a valid one
NEW_ID = valid_national_id(424242)  # an applicant's, on no roster
BIRTH = date(1967, 1, 15)  # 15/1/2510 BE
PHONE = "081-234-5678"  # the phone on file of every roster member the factories make (+66812345678)
USER = "U-test-1"
THAI_CHARS = re.compile(r"[\u0e00-\u0e7f]")


def dashed(digits: str) -> str:
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def wrong_check_digit(digits: str) -> str:
    return digits[:12] + str((int(digits[12]) + 1) % 10)


def build_roster(db) -> SimpleNamespace:
    """Three districts, four funds; Somsri is an active member of Pa Khlok."""
    with db() as s, s.begin():
        pakhlok = make_fund(s, "PAKHLOK", district_th="ถลาง", district_en="Thalang",
                            name_th="เทศบาลตำบลป่าคลอก", name_en="Pa Khlok Subdistrict Municipality")
        sakhu = make_fund(s, "SAKHU", district_th="ถลาง", district_en="Thalang",
                          name_th="องค์การบริหารส่วนตำบลสาคู",
                          name_en="Sakhu Subdistrict Administrative Organization")
        sakhu.kind = "อบต."
        make_fund(s, "RAWAI", district_th="เมืองภูเก็ต", district_en="Mueang Phuket",
                  name_th="เทศบาลตำบลราไวย์", name_en="Rawai Subdistrict Municipality")
        make_fund(s, "KAMALA", district_th="กะทู้", district_en="Kathu",
                  name_th="องค์การบริหารส่วนตำบลกมลา", name_en="Kamala Subdistrict Administrative Organization")
        somsri = make_member(s, pakhlok, national_id=ROSTER_ID, birth_date=BIRTH,
                             first_name="สมศรี", last_name="มีสุข", member_no="00017")
    return SimpleNamespace(member_id=somsri.id, pakhlok_id=pakhlok.id)


def account(db, user: str = USER, channel: str = "simulator") -> ChatAccount | None:
    with db() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == channel,
                                                  ChatAccount.external_user_id == user))


def state(db, user: str = USER, channel: str = "simulator") -> tuple[str | None, dict]:
    with db() as s:
        row = s.get(DialogState, (channel, user))
        return (row.state, dict(row.data or {})) if row else (None, {})


def count(db, model) -> int:
    with db() as s:
        return s.scalar(select(func.count()).select_from(model))


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; PostgreSQL an aware time."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def data_of(chat) -> set[str]:
    return {b.data for b in chat.buttons()}


def assert_buttons_fit(chat) -> None:
    """What every platform can carry: ASCII data of at most 64 bytes, labels of at most 20 chars."""
    buttons = chat.buttons()
    assert len(buttons) <= 13, buttons
    for b in buttons:
        assert b.data.isascii() and len(b.data.encode()) <= 64, b
        assert len(b.label) <= 20, b


def start_link(chat) -> None:
    chat.say("ลงทะเบียน")
    chat.tap("เป็นสมาชิกแล้ว")
    chat.tap("ยินยอม")


def walk_apply(chat, upto: str) -> None:
    """Drive an application up to (and showing) step `upto`."""
    steps = [
        ("reg.choose", lambda: chat.say("สมัคร")),
        ("reg.apply.consent", lambda: chat.tap("สมัครสมาชิกใหม่")),
        ("reg.apply.name", lambda: chat.tap("ยินยอม")),
        ("reg.apply.id", lambda: chat.say("นาง สมหญิง รักดี")),
        ("reg.apply.birth", lambda: chat.say(dashed(NEW_ID))),
        ("reg.apply.phone", lambda: chat.say("2/3/2520")),
        ("reg.apply.district", lambda: chat.say("081-234-5678")),
        ("reg.apply.fund", lambda: chat.tap("ถลาง")),
        ("reg.apply.confirm", lambda: chat.tap("ทต.ป่าคลอก")),
    ]
    for name, act in steps:
        act()
        if name == upto:
            return
    raise AssertionError(upto)


APPLY_STEPS = [s for s in STATES if s.startswith("reg.apply.") or s == "reg.choose"]
LINK_STEPS = ["reg.link.consent", "reg.link.id", "reg.link.birth", "reg.link.phone"]


def walk_link(chat, upto: str) -> None:
    chat.say("ลงทะเบียน")
    chat.tap("เป็นสมาชิกแล้ว")
    if upto == "reg.link.consent":
        return
    chat.tap("ยินยอม")
    if upto == "reg.link.id":
        return
    chat.say(ROSTER_ID)
    if upto == "reg.link.birth":
        return
    chat.say("15/1/2510")


def give_details(chat, national_id: str = ROSTER_ID, birth: str = "15/1/2510", phone: str = PHONE) -> None:
    """At the ID step: the ID, the birth date and the phone on file, as a member types them."""
    chat.say(national_id)
    chat.say(birth)
    chat.say(phone)
