"""Thai conventions (domain/thai.py): national ID, mobile numbers, Buddhist Era dates, money, text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.thai import (
    DateParse,
    format_baht,
    format_date,
    format_month,
    format_national_id,
    format_phone,
    mask_national_id,
    mask_phone,
    national_id_check_digit,
    normalize_text,
    parse_date,
    parse_mobile,
    parse_national_id,
    to_arabic_digits,
)

VALID_ID = "3100600445635"  # the example of DOMAIN.md
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def reference_check_digit(first12: str) -> int:
    """DOMAIN.md, written out independently: S = sum(d_i * (14 - i)), i = 1..12; (11 - S mod 11) mod 10."""
    s = sum(int(first12[i - 1]) * (14 - i) for i in range(1, 13))
    return (11 - s % 11) % 10


def with_check_digit(first12: str) -> str:
    return first12 + str(reference_check_digit(first12))


# --- digits ------------------------------------------------------------------------------------

def test_thai_digits_become_arabic():
    assert to_arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    assert to_arabic_digits("ปี ๒๕๖๙ ok") == "ปี 2569 ok"


# --- national ID -------------------------------------------------------------------------------

def test_example_id_is_valid():
    assert parse_national_id(VALID_ID) == VALID_ID
    assert national_id_check_digit(VALID_ID[:12]) == 5


@pytest.mark.parametrize("first12", ["310060044563", "110170020345", "512345678901", "899999999999",
                                     "100000000000", "123456789012", "333333333333"])
def test_check_digit_matches_the_domain_formula(first12):
    assert national_id_check_digit(first12) == reference_check_digit(first12)
    assert parse_national_id(with_check_digit(first12)) == with_check_digit(first12)


def _single_digit_changes() -> list[tuple[int, str]]:
    return [(i, VALID_ID[:i] + d + VALID_ID[i + 1:])
            for i in range(13) for d in "0123456789" if d != VALID_ID[i]]


@pytest.mark.parametrize(("position", "changed"), _single_digit_changes())
def test_every_single_digit_change_is_refused(position, changed):
    if position == 2:
        # The third digit's weight is 14 - 3 = 11, which is 0 mod 11: the official check digit cannot
        # see a change there. Such IDs pass the checksum, exactly as the algorithm specifies.
        assert parse_national_id(changed) == changed
    else:
        assert parse_national_id(changed) is None


@pytest.mark.parametrize("first", ["0", "9"])
def test_first_digit_zero_or_nine_is_refused_even_with_a_good_check_digit(first):
    candidate = with_check_digit(first + VALID_ID[1:12])
    assert reference_check_digit(candidate[:12]) == int(candidate[12])  # the checksum alone would pass
    assert parse_national_id(candidate) is None


@pytest.mark.parametrize("text", [
    "3-1006-00445-63-5",
    "3 1006 00445 63 5",
    " 3100600445635 ",
    "3.1006.00445.63.5",
    "๓๑๐๐๖๐๐๔๔๕๖๓๕",
    "๓-๑๐๐๖-๐๐๔๔๕-๖๓-๕",
])
def test_id_accepts_dashes_spaces_and_thai_digits(text):
    assert parse_national_id(text) == VALID_ID


@pytest.mark.parametrize("text", [
    VALID_ID[:12],            # 12 digits
    VALID_ID + "5",           # 14 digits
    "03100600445635",         # 14 digits (leading zero)
    "",
    "abcdefghijklm",
    "310060044563x",
    "3100600445635/",
])
def test_id_of_wrong_length_or_characters_is_refused(text):
    assert parse_national_id(text) is None


def test_format_and_mask_national_id():
    assert format_national_id(VALID_ID) == "3-1006-00445-63-5"
    masked = mask_national_id(VALID_ID[-4:])
    assert masked == "x-xxxx-xxxx5-63-5"
    # Same shape as the full ID, and nothing but the last four digits shows.
    assert [len(p) for p in masked.split("-")] == [len(p) for p in format_national_id(VALID_ID).split("-")]
    assert "".join(ch for ch in masked if ch.isdigit()) == VALID_ID[-4:]


# --- mobile phone ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "081-234-5678",
    "0812345678",
    "081 234 5678",
    "(081) 234-5678",
    "+66812345678",
    "+66 81 234 5678",
    "66812345678",
    "๐๘๑-๒๓๔-๕๖๗๘",
    "๐๘๑๒๓๔๕๖๗๘",
])
def test_mobile_in_any_usual_shape_becomes_e164(text):
    assert parse_mobile(text) == "+66812345678"


@pytest.mark.parametrize(("text", "e164"), [
    ("061-234-5678", "+66612345678"),
    ("091-234-5678", "+66912345678"),
    ("+66912345678", "+66912345678"),
    ("+66 081-234-5678", "+66812345678"),  # the trunk 0 kept after the country code
    ("660812345678", "+66812345678"),
])
def test_mobile_prefixes_06_08_09(text, e164):
    assert parse_mobile(text) == e164


@pytest.mark.parametrize("text", [
    "02-123-4567",      # Bangkok landline (9 digits)
    "021234567",
    "076-123-456",      # Phuket landline
    "0761234567",       # 07 with 10 digits is still not a mobile
    "081234567",        # 9 digits
    "08123456789",      # 11 digits
    "0512345678",       # 05 is not a mobile prefix
    "+6621234567",      # landline in E.164
    "+1 415 555 0100",
    "",
    "0812345678x",
    "hello",
])
def test_landlines_and_malformed_numbers_are_refused(text):
    assert parse_mobile(text) is None


def test_phone_masking_and_formatting():
    assert format_phone("+66812345678") == "081-234-5678"
    masked = mask_phone("+66812345678")
    assert masked == "08x-xxx-5678"
    assert "1234" not in masked.replace("-", "")  # the middle digits are hidden


# --- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("d", "locale", "short", "expected"), [
    (date(2026, 1, 15), "th", False, "15 มกราคม 2569"),
    (date(2026, 1, 15), "th", True, "15 ม.ค. 69"),
    (date(2026, 1, 15), "en", False, "15 January 2026"),
    (date(2026, 1, 15), "en", True, "15 Jan 2026"),
    (date(2026, 12, 31), "th", False, "31 ธันวาคม 2569"),
    (date(2026, 12, 31), "th", True, "31 ธ.ค. 69"),
    (date(2024, 2, 29), "th", False, "29 กุมภาพันธ์ 2567"),
    (date(2024, 2, 29), "th", True, "29 ก.พ. 67"),
    (date(2057, 5, 1), "th", True, "1 พ.ค. 00"),  # 2600 BE: two digits, zero-padded
    (date(2026, 5, 1), "en", False, "1 May 2026"),
])
def test_format_date(d, locale, short, expected):
    assert format_date(d, locale, short=short) == expected


THAI_MONTHS = "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม"
THAI_SHORT = "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค."


@pytest.mark.parametrize("month", range(1, 13))
def test_every_thai_month_name_full_and_short(month):
    d = date(2026, month, 1)
    assert format_date(d, "th") == f"1 {THAI_MONTHS.split()[month - 1]} 2569"
    assert format_date(d, "th", short=True) == f"1 {THAI_SHORT.split()[month - 1]} 69"


@pytest.mark.parametrize(("year", "month", "locale", "expected"), [
    (2026, 12, "th", "ธันวาคม 2569"),
    (2026, 12, "en", "December 2026"),
    (2027, 1, "th", "มกราคม 2570"),
    (2027, 1, "en", "January 2027"),
])
def test_format_month(year, month, locale, expected):
    assert format_month(year, month, locale) == expected


@pytest.mark.parametrize("text", [
    "15/1/2569",
    "15/1/2026",
    "15/01/2569",
    "15-01-2026",
    "15.1.2569",
    "15 1 2569",
    "15 ม.ค. 2569",
    "15 ม.ค 2569",
    "15 มค 2569",
    "15ม.ค.2569",
    "15 มกราคม 2569",
    "15 มกราคม 2026",
    "15 January 2026",
    "15 jan 2026",
    "2026-01-15",
    "2026-1-15",
    "2569-01-15",
    "๑๕/๑/๒๕๖๙",
    "๑๕ มกราคม ๒๕๖๙",
    "  15/1/2569  ",
    "15\u200b/1/2569",
])
def test_parse_date_in_either_era(text):
    assert parse_date(text) == DateParse(date(2026, 1, 15))


def test_both_eras_give_the_same_day():
    assert parse_date("15/1/2569").value == parse_date("15/1/2026").value == date(2026, 1, 15)


@pytest.mark.parametrize("text", ["15/1/69", "15/1/26", "15 ม.ค. 69", "15 มกราคม 69", "๑๕/๑/๖๙"])
def test_two_digit_year_is_ambiguous(text):
    result = parse_date(text)
    assert result.value is None
    assert result.ambiguous is True


@pytest.mark.parametrize("text", [
    "31/02/2569",     # no 31 February
    "29/2/2568",      # 2025 is not a leap year
    "29/2/2025",
    "31/4/2569",
    "15/13/2569",
    "0/1/2569",
    "32/1/2569",
    "15/1/1700",      # neither a plausible CE nor BE year
    "15 foo 2569",
    "garbage",
    "",
    "2569",
    "15/1",
    "15/1/256",
])
def test_impossible_or_garbage_dates_are_none_and_not_ambiguous(text):
    assert parse_date(text) == DateParse(None, ambiguous=False)


@pytest.mark.parametrize(("text", "expected"), [
    ("29/2/2567", date(2024, 2, 29)),
    ("29/2/2024", date(2024, 2, 29)),
    ("29 กุมภาพันธ์ 2567", date(2024, 2, 29)),
    ("31/12/2568", date(2025, 12, 31)),
    ("1/1/2500", date(1957, 1, 1)),
    ("5/6/1960", date(1960, 6, 5)),   # a birth date typed in CE
    ("5/6/2503", date(1960, 6, 5)),   # the same in BE
])
def test_parse_date_other_days(text, expected):
    assert parse_date(text).value == expected


def test_parse_date_round_trips_format_date():
    for d in (date(2026, 1, 15), date(2024, 2, 29), date(1955, 11, 3)):
        assert parse_date(format_date(d, "th")).value == d
        assert parse_date(format_date(d, "en")).value == d
        assert parse_date(format_date(d, "th", short=True)).ambiguous is True


# --- money -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "th", "en"), [
    (Decimal("1234.50"), "1,234.50 บาท", "1,234.50 baht"),
    (Decimal("1234.5"), "1,234.50 บาท", "1,234.50 baht"),
    (30, "30 บาท", "30 baht"),
    (Decimal("30.00"), "30 บาท", "30 baht"),
    (Decimal("1000000"), "1,000,000 บาท", "1,000,000 baht"),
    (0, "0 บาท", "0 baht"),
    (Decimal("0.25"), "0.25 บาท", "0.25 baht"),
    (Decimal("12.345"), "12.35 บาท", "12.35 baht"),   # rounded half up to satang
    (Decimal("99.999"), "100 บาท", "100 baht"),       # rounds to a whole amount: no satang shown
    (Decimal("-30"), "-30 บาท", "-30 baht"),
])
def test_format_baht(amount, th, en):
    assert format_baht(amount) == th
    assert format_baht(amount, "en") == en


# --- normalize_text ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Hello", "hello"),
    ("  ยอด   เงิน  ", "ยอด เงิน"),
    ("เมนู\u200b", "เมนู"),
    ("\ufeffเมนู", "เมนู"),
    ("ยอด\u200cเงิน\u200d\u2060", "ยอดเงิน"),
    ("จ่าย ๓๐ บาท", "จ่าย 30 บาท"),
    ("MENU\tเมนู\n", "menu เมนู"),
    ("Straße", "strasse"),
])
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


def test_normalize_text_is_nfc():
    # A decomposed accent and its precomposed form must match the same way.
    assert normalize_text("e\u0301") == normalize_text("\u00e9") == "\u00e9"
