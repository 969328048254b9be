"""Thai conventions: digits, national ID, Buddhist Era dates, phone numbers, money."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import phonenumbers
from babel.dates import get_month_names

BE_OFFSET = 543
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


@cache
def _compatible(ch: str) -> str:
    """`ch` as NFKC has it, where that is plain ASCII: a full-width digit, letter or sign, a bold
    mathematical digit. Anything else stays, so Thai text is never decomposed (NFKC would split
    sara am) and digits of other scripts (Arabic-Indic, ...) stay what they are and are refused
    where a number is read."""
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    if folded.isascii() and (unicodedata.category(ch) == "Nd" or "\uff01" <= ch <= "\uff5e"):
        return folded
    return ch


def to_arabic_digits(text: str) -> str:
    """Thai digits and full-width (NFKC) digits and signs as ASCII: '๐๘๑' and '０８１' read as '081'."""
    text = text.translate(_THAI_DIGITS)
    if text.isascii():
        return text
    return "".join(map(_compatible, text))


def normalize_text(text: str) -> str:
    """What matching sees: NFC, no zero-width characters, แ for เเ, Arabic digits, folded case and
    spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    # Many type แ as two เ (เเ): on screen the same letter, to a comparison a different word.
    text = text.replace("เเ", "แ")
    return " ".join(to_arabic_digits(text).casefold().split())


# Said at the end of a request to be polite (or friendly); they never change which command it is.
_POLITE_TAIL = re.compile(
    r"(?:\s*(?:ครับผม|ครับ|คร้าบ+|ค้าบ+|คับ|ฮะ|ฮ้ะ|ค่ะ+|คะ+|ค่า+|คร่ะ|จ้ะ|จ้า+|จ๊ะ|จ๋า|นะ+|น้ะ|น้า+|เด้อ|เนาะ|"
    r"หน่อย|ด้วย|ก่อน|please|pls|plz)|[\s!?.~ๆ,]+)+$")
_POLITE_HEAD = re.compile(r"^(?:ขอ(?![บง])|please\s+)(?=\S)")  # not ขอบคุณ, not ของ


def strip_polite(said: str) -> str:
    """A normalized request without its polite particles: "ยกเลิกค่ะ", "ไม่เอาแล้วนะคะ", "ขอยกเลิกครับ"
    are "ยกเลิก" and "ไม่เอาแล้ว". Only for comparing with command words: a text that is nothing
    but particles ("ค่ะ") stays as it is."""
    stripped = _POLITE_HEAD.sub("", _POLITE_TAIL.sub("", said))
    return stripped or said


# What people put before a value they type: "เลขบัตร 1-1017-...", "วันเกิด 2/2/2541", "เบอร์ 081...".
_VALUE_LABEL = re.compile(
    r"^(?:(?:หมายเลข|เลขที่|เลข)?(?:บัตรประจำตัวประชาชน|บัตรประชาชน|ประจำตัวประชาชน|บัตร)|"
    r"วันเดือนปีเกิด|วันเกิด|เกิดวันที่|เกิด|"
    r"(?:หมายเลข|เลข)?(?:เบอร์โทรศัพท์|เบอร์โทร|เบอร์มือถือ|เบอร์|โทรศัพท์|มือถือ|โทร)|"
    r"national id|id|birth ?date|born|date of birth|dob|phone|mobile|tel)"
    r"(?:\s*(?:คือ|ของ(?:ฉัน|ดิฉัน|ผม|หนู)|is))*\s*[:：=]?\s*(?=\S)")


def typed_value(text: str) -> str:
    """What someone typed as a value (an ID, a date, a phone, a number), normalized, without the
    polite particles after it or a label before it: "1-1017-00123-45-6 ค่ะ", "วันเกิด 2/2/2541ค่ะ",
    "เบอร์ ๐๘๑-๒๓๔-๕๖๗๘ ค่ะ" are the value alone."""
    said = normalize_text(text)
    stripped = _VALUE_LABEL.sub("", _POLITE_TAIL.sub("", said))
    return stripped or said


# --- national ID -------------------------------------------------------------------------------

def national_id_check_digit(first12: str) -> int:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def parse_national_id(text: str) -> str | None:
    """The 13 digits if `text` is a valid Thai national ID (dashes, spaces, Thai digits allowed)."""
    digits = re.sub(r"[\s\-.]", "", typed_value(text))
    if not re.fullmatch(r"[0-9]{13}", digits) or digits[0] in "09":
        return None
    if national_id_check_digit(digits[:12]) != int(digits[12]):
        return None
    return digits


# National ID problems, each with its own message: nothing like a number, the wrong number of digits,
# a first digit no ID has (0 or 9), a check digit that does not match (a typo or swapped digits).
ID_NOT_DIGITS, ID_LENGTH, ID_FIRST_DIGIT, ID_CHECKSUM = "not_digits", "length", "first_digit", "checksum"
_DIGIT_RUN = re.compile(r"[0-9](?:[\s\-.]*[0-9])*")


@dataclass(frozen=True)
class NationalIdRead:
    digits: str | None
    problem: str | None = None
    count: int = 0  # how many digits were typed, for ID_LENGTH


def read_national_id(text: str) -> NationalIdRead:
    """A national ID typed alone ("3-1006-00445-63-5", Thai digits too) or inside a sentence
    ("เลขบัตร 3100600445635 ค่ะ", "บัตรประชาชนเลข 3-1006-00445-63-5 นะคะ"). In a sentence the longest
    run of digits (with dashes, dots or spaces between them) is the ID; typed alone, anything but
    digits and those separators is refused, so a date typed at the ID step is not read as digits."""
    said = typed_value(text)
    if re.search(r"[^\W\d_]", said):  # letters around it: a sentence
        runs = [re.sub(r"\D", "", run) for run in _DIGIT_RUN.findall(said)]
        if not runs:
            return NationalIdRead(None, ID_NOT_DIGITS)
        digits = next((r for r in runs if len(r) == 13), max(runs, key=len))
    else:
        digits = re.sub(r"[\s\-.]", "", said)
        if not re.fullmatch(r"[0-9]+", digits):
            return NationalIdRead(None, ID_NOT_DIGITS)
    if len(digits) != 13:
        return NationalIdRead(None, ID_LENGTH, len(digits))
    if digits[0] in "09":
        return NationalIdRead(None, ID_FIRST_DIGIT, 13)
    if national_id_check_digit(digits[:12]) != int(digits[12]):
        return NationalIdRead(None, ID_CHECKSUM, 13)
    return NationalIdRead(digits, count=13)


def format_national_id(digits: str) -> str:
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def mask_national_id(last4: str) -> str:
    """Show only the last four digits, in the usual 1-2345-67890-12-3 shape."""
    return f"x-xxxx-xxxx{last4[0]}-{last4[1:3]}-{last4[3]}"


# --- phone -------------------------------------------------------------------------------------

_PHONE_RUN = re.compile(r"\+?[0-9][0-9\s\-().]{6,22}[0-9]")


def _thai_number(text: str) -> phonenumbers.PhoneNumber | None:
    """A valid Thai number of any kind, read by `phonenumbers`; only digits and the usual
    separators may be typed around it."""
    cleaned = typed_value(text)
    if not re.fullmatch(r"\+?[0-9\s\-().]{8,24}", cleaned):
        return None
    try:
        number = phonenumbers.parse(cleaned, "TH")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 66 or not phonenumbers.is_valid_number(number):
        return None
    return number


def phone_national_number(text: str) -> str | None:
    """The national significant digits of any valid Thai number ('812345678' for '+66 (0)81-234-5678'
    or '๐๘๑๒๓๔๕๖๗๘'): for comparing a typed number with one on file, whatever the shapes."""
    number = next(filter(None, map(_thai_number, _phone_candidates(text))), None)
    return str(number.national_number) if number is not None else None


def _phone_candidates(text: str) -> list[str]:
    """What may be the number: all that was typed, and in a sentence ("เบอร์บ้าน 076 211 234 ค่ะ")
    each run of digits and separators."""
    said = typed_value(text)
    return [said] + _PHONE_RUN.findall(said) if re.search(r"[^\W\d_]", said) else [said]


def parse_mobile(text: str) -> str | None:
    """A Thai mobile number as E.164 (+66812345678), or None.

    The number is read by `phonenumbers` (region TH), which knows the ranges: 06, 08 and 09 are
    mobiles except the VoIP ranges (060, 068), and '+66 (0) 81 ...' is the same number. Only
    digits and the usual separators may be typed around it.
    """
    number = _thai_number(text)
    if number is None or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# The kinds of number an applicant may give: a mobile, or a fixed line at home (Phuket's start 076).
_PHONE_KINDS = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
                          phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})


def parse_phone(text: str) -> str | None:
    """A Thai mobile or fixed-line number as E.164 (+66812345678, +6676211234), typed alone or in a
    sentence ("เบอร์บ้าน 076-211-234 ค่ะ"); None for anything else (VoIP 060/068, 1800 numbers, ...)."""
    for candidate in _phone_candidates(text):
        number = _thai_number(candidate)
        if number is not None and phonenumbers.number_type(number) in _PHONE_KINDS:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def is_mobile(e164: str) -> bool:
    number = _thai_number(e164)
    return number is not None and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


# "I have no phone", as people say it (compared without polite words).
_NO_PHONE = re.compile(
    r"(?:ไม่มี|ไม่ได้ใช้|ไม่ใช้)(?:เบอร์|โทรศัพท์|มือถือ|เบอร์โทร(?:ศัพท์)?|เบอร์มือถือ|ค่ะ|ครับ|\s)*|"
    r"no(?:ne| phone| mobile| number)?|i (?:do not|don't) have (?:a )?(?:phone|mobile)|-")


def says_no_phone(text: str) -> bool:
    return _NO_PHONE.fullmatch(strip_polite(normalize_text(text))) is not None


def _local(e164: str) -> str:
    return "0" + e164[3:] if e164.startswith("+66") else e164


def mask_phone(e164: str) -> str:
    local = _local(e164)
    return f"{local[:2]}x-xxx-{local[-4:]}"


def format_phone(e164: str) -> str:
    """081-234-5678, 076-211-234, and Bangkok's 02-123-4567."""
    local = _local(e164)
    if local.startswith("02") and len(local) == 9:
        return f"{local[:2]}-{local[2:5]}-{local[5:]}"
    return f"{local[:3]}-{local[3:6]}-{local[6:]}"


# --- dates -------------------------------------------------------------------------------------

@cache
def _months(locale: str, width: str) -> dict[int, str]:
    return dict(get_month_names(width, locale="th" if locale == "th" else "en"))


def format_date(d: date, locale: str = "th", short: bool = False) -> str:
    """'15 มกราคม 2569' / '15 ม.ค. 69' in Thai (Buddhist Era); '15 January 2026' in English."""
    if locale == "th":
        year = d.year + BE_OFFSET
        if short:
            return f"{d.day} {_months('th', 'abbreviated')[d.month]} {year % 100:02d}"
        return f"{d.day} {_months('th', 'wide')[d.month]} {year}"
    width = "abbreviated" if short else "wide"
    return f"{d.day} {_months('en', width)[d.month]} {d.year}"


def format_month(year: int, month: int, locale: str = "th") -> str:
    """'ธันวาคม 2569' / 'December 2026'."""
    if locale == "th":
        return f"{_months('th', 'wide')[month]} {year + BE_OFFSET}"
    return f"{_months('en', 'wide')[month]} {year}"


@dataclass(frozen=True)
class DateParse:
    value: date | None
    ambiguous: bool = False  # a two-digit year: ask for all four digits


@cache
def _month_lookup() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in ("th", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in _months(locale, width).items():
                names[name.casefold().rstrip(".")] = number
                names[name.casefold().replace(".", "")] = number
    for number, name in _months("th", "wide").items():  # everyday speech drops -คม/-ยน/-พันธ์: "มกรา"
        names[re.sub(r"(?:คม|ยน|พันธ์)$", "", name)] = number
    return names


def _year_to_ce(year: int) -> int | None:
    if year >= 2400:  # Buddhist Era: 2400 BE is 1857 CE; no plausible CE date is that late
        return year - BE_OFFSET
    if 1800 <= year < 2400:
        return year
    return None


def parse_date(text: str) -> DateParse:
    """Day-month-year in either era: '15/1/2569', '15-01-2026', '15 ม.ค. 2569', '2026-01-15'."""
    text = typed_value(text)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        return _build(y, mo, d)
    m = re.fullmatch(r"(\d{1,2})\s*[/\-.\s]\s*(\d{1,2})\s*[/\-.\s]\s*(\d{2}|\d{4})", text)
    if m:
        d, mo, y = (int(x) for x in m.groups())
        if len(m.group(3)) == 2:
            return DateParse(None, ambiguous=True)
        return _build(y, mo, d)
    m = re.fullmatch(r"(\d{1,2})\s*([^\d\s]+?)\.?\s*(\d{2}|\d{4})", text)
    if m:
        month = _month_lookup().get(m.group(2).replace(".", "").strip())
        if month is None:
            return DateParse(None)
        if len(m.group(3)) == 2:
            return DateParse(None, ambiguous=True)
        return _build(int(m.group(3)), month, int(m.group(1)))
    return DateParse(None)


def _build(year: int, month: int, day: int) -> DateParse:
    ce = _year_to_ce(year)
    if ce is None:
        return DateParse(None)
    try:
        return DateParse(date(ce, month, day))
    except ValueError:
        return DateParse(None)


# --- money and numbers ------------------------------------------------------------------------

def format_baht(amount: Decimal | int, locale: str = "th") -> str:
    """'1,234.50 บาท'; whole amounts without satang: '30 บาท'."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{text} บาท" if locale == "th" else f"{text} baht"


def format_number(n: int | float | Decimal) -> str:
    return f"{n:,}"
