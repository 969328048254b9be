"""National IDs and phones typed in a sentence (`domain.thai`), "no phone" in words, a landline, and
every example ID the bot shows passing the check digit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.thai import (
    ID_CHECKSUM,
    ID_FIRST_DIGIT,
    ID_LENGTH,
    ID_NOT_DIGITS,
    format_phone,
    mask_phone,
    parse_national_id,
    parse_phone,
    read_national_id,
    says_no_phone,
)

ID = "3100600445635"
LOCALES = Path(__file__).resolve().parents[1] / "locales"


@pytest.mark.parametrize("typed", [
    ID, "3-1006-00445-63-5", "3 1006 00445 63 5", "๓๑๐๐๖๐๐๔๔๕๖๓๕", "เลขบัตร 3100600445635 ค่ะ",
    "บัตรประชาชนเลข 3-1006-00445-63-5 นะคะ", "เลขประจำตัวประชาชนของดิฉันคือ ๓-๑๐๐๖-๐๐๔๔๕-๖๓-๕ ค่ะ",
    "ได้ค่ะ 3100600445635", "my ID is 3100600445635", "เลขบัตร 3100600445635 เบอร์ 0812345678",
])
def test_an_id_alone_or_in_a_sentence(typed):
    assert read_national_id(typed).digits == ID


@pytest.mark.parametrize(("typed", "problem", "count"), [
    ("เลขบัตร 3100600445636 ค่ะ", ID_CHECKSUM, 13),
    ("3100600445636", ID_CHECKSUM, 13),
    ("0100600445635", ID_FIRST_DIGIT, 13),
    ("9100600445635", ID_FIRST_DIGIT, 13),
    ("เลขบัตร 310060044563 ค่ะ", ID_LENGTH, 12),
    ("12345", ID_LENGTH, 5),
    ("15/1/2510", ID_NOT_DIGITS, 0),  # a date typed at the ID step
    ("ไม่ทราบค่ะ", ID_NOT_DIGITS, 0),
    ("สมศรี มีสุข", ID_NOT_DIGITS, 0),
])
def test_a_wrong_id_names_its_problem(typed, problem, count):
    read = read_national_id(typed)
    assert read.digits is None and (read.problem, read.count) == (problem, count)


@pytest.mark.parametrize(("typed", "e164"), [
    ("081-234-5678", "+66812345678"), ("๐๘๑๒๓๔๕๖๗๘ ค่ะ", "+66812345678"),
    ("โทร 0812345678 ได้เลยค่ะ", "+66812345678"), ("เบอร์ 081 234 5678 นะคะ", "+66812345678"),
    ("076-211-234", "+6676211234"), ("076211234", "+6676211234"), ("เบอร์บ้าน 076 211 234 ค่ะ", "+6676211234"),
    ("๐๗๖-๒๑๑-๒๓๔", "+6676211234"), ("02-123-4567", "+6621234567"), ("+66 76 211 234", "+6676211234"),
])
def test_a_mobile_or_a_landline(typed, e164):
    assert parse_phone(typed) == e164


@pytest.mark.parametrize("typed", ["060-123-4567", "068-123-4567", "1800-123-456", "12345", "081-234-567",
                                   "+1 415 555 0100", "ไม่มี", "0812345678 / 0891234567"])
def test_not_a_phone_an_applicant_can_give(typed):
    assert parse_phone(typed) is None


def test_a_landline_is_shown_and_masked_like_a_mobile():
    assert format_phone("+6676211234") == "076-211-234"
    assert format_phone("+6621234567") == "02-123-4567"
    assert format_phone("+66812345678") == "081-234-5678"
    assert mask_phone("+6676211234") == "07x-xxx-1234"


@pytest.mark.parametrize("typed", ["ไม่มี", "ไม่มีค่ะ", "ไม่มีเบอร์", "ไม่มีเบอร์ค่ะ", "ไม่มีโทรศัพท์",
                                   "ไม่มีเบอร์โทรศัพท์ครับ", "ไม่มีมือถือ", "ไม่ได้ใช้โทรศัพท์", "none",
                                   "No phone", "I don't have a phone"])
def test_no_phone_in_words(typed):
    assert says_no_phone(typed)


@pytest.mark.parametrize("typed", ["มี", "มีค่ะ", "0812345678", "ไม่รู้", "ยกเลิก", "no idea"])
def test_not_saying_no_phone(typed):
    assert not says_no_phone(typed)


def _example_ids() -> list[tuple[str, str]]:
    found = []
    for path in sorted(LOCALES.rglob("*.toml")):
        text = path.read_text(encoding="utf-8")
        for shown in re.findall(r"(?<![\d-])\d-\d{4}-\d{5}-\d{2}-\d(?![\d-])|(?<!\d)\d{13}(?!\d)", text):
            found.append((f"{path.parent.name}/{path.name}", shown))
    return found


def test_the_prompts_show_example_ids():
    assert any(name.endswith("register.toml") for name, _ in _example_ids())


@pytest.mark.parametrize(("where", "shown"), _example_ids())
def test_every_example_id_in_the_locales_passes_the_check_digit(where, shown):
    """An example a person copies must be read as an ID, not refused as a typo."""
    assert parse_national_id(shown) is not None, (where, shown)
