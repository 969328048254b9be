"""Reading a birth date the way people type it in a Thai chat.

Accepted, in any mix: Thai or Arabic digits; a label and polite words around it ("เกิด 15 ม.ค. 10
ค่ะ", "วันที่ 15 มกราคม พ.ศ. 2510"); months as numbers, Thai names full ("มกราคม"), spoken
("มกรา"), abbreviated with or without dots ("ม.ค.", "มค"), or English ("Jan", "January"); numbers
separated by "/", "-", "." or spaces ("15/1/2510", "15-01-2510", "1967-01-15"), or run together
("15012510", day-month-year).

How a year is read (`today` is the reference, the day the question is answered):
- four digits from 2400 are Buddhist Era (BE = CE + 543); 1800-2399 are Common Era. "พ.ศ." or
  "ค.ศ." typed beside the year says which, and wins.
- two digits are BE, as Thais write them: "10" is 2510 (1967). When 25xx would be in the future
  (a birth year past today's), 24xx is meant ("80" on 2026 is 2480, 1937): an age of 0-120 either
  way. After "ค.ศ.", or when the caller says so (an English chat), they are CE: 20xx unless that
  is in the future, else 19xx.
- a two-digit year is asked about (`ASK_YEAR`) when that reading makes the person a child (under
  `CHILD_AGE`) or is a date still to come, while the Common Era 19xx reading gives a grown-up's
  age (`CHILD_AGE` to `ASK_MAX_AGE`): "15/1/67" is 2567 (a 2-year-old) or 1967 (59). `choices` holds
  the readings to offer, the usual one first (left out when it is in the future). A four-digit year
  is never asked about: children may be registered, and the summary shows the age.
- a run of eight digits is day, month, four-digit year (ddmmyyyy); six digits, ddmmyy; seven
  digits only when one reading alone is a date (otherwise the person is asked to separate them).
- the day comes before the month ("5/1" is 5 January), as in Thai; a month over 12 is refused
  rather than guessed to be a US-style date.

The result is a date or a problem the caller names to the person (`BirthDate.problem`), with the
pieces that make the message concrete ("30 February 2510 does not exist: February has 28 days").
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from domain.thai import BE_OFFSET, to_arabic_digits

MAX_AGE_YEARS = 120

# Problems, each with a message of its own (locale key register.birth_<problem>).
UNREADABLE = "unreadable"
NO_YEAR = "no_year"
NO_SUCH_MONTH = "no_such_month"
NO_SUCH_DAY = "no_such_day"
FUTURE = "future"
TOO_OLD = "too_old"
RUN_TOGETHER = "run_together"  # seven digits that read two ways: ask for separators
ASK_YEAR = "ask_year"  # a two-digit year that reads as a child's or a grown-up's: ask which

CHILD_AGE = 15  # a two-digit year giving an age below this may be meant as 19xx
ASK_MAX_AGE = 110  # ... when 19xx gives an age up to this


@dataclass(frozen=True)
class BirthDate:
    value: date | None
    problem: str | None = None
    day: int | None = None  # as read, for the message
    month: int | None = None
    year_ce: int | None = None
    age: int | None = None
    choices: tuple[date, ...] = ()  # ASK_YEAR: the dates it may be, the usual reading first

    @property
    def days_in_month(self) -> int | None:
        if self.month is None or not 1 <= self.month <= 12:
            return None
        return calendar.monthrange(self.year_ce or 2001, self.month)[1]


# Every way of writing a month, full forms first so that an abbreviation never cuts a full name.
_MONTHS_TH = (
    ("มกราคม", "มกรา", "ม.ค."), ("กุมภาพันธ์", "กุมภาพันธ", "กุมภา", "ก.พ."), ("มีนาคม", "มีนา", "มี.ค."),
    ("เมษายน", "เมษา", "เม.ย."), ("พฤษภาคม", "พฤษภา", "พ.ค."), ("มิถุนายน", "มิถุนา", "มิ.ย."),
    ("กรกฎาคม", "กรกฏาคม", "กรกฎา", "กรกฏา", "ก.ค."), ("สิงหาคม", "สิงหา", "ส.ค."),
    ("กันยายน", "กันยา", "ก.ย."), ("ตุลาคม", "ตุลา", "ต.ค."), ("พฤศจิกายน", "พฤศจิกา", "พ.ย."),
    ("ธันวาคม", "ธันวา", "ธ.ค."),
)
_MONTHS_EN = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
    ("october", "oct"), ("november", "nov"), ("december", "dec"),
)
# "พ.ศ."/"ค.ศ." (or B.E./A.D./C.E.) beside the year. Anything else around the numbers (labels,
# polite words, "วันที่", "เกิด") is left alone: only the numbers and a month name are read.
_BE_MARK = re.compile(r"พ\.?\s*ศ\.?|(?<![a-z])b\.?\s*e\.?(?![a-z])")
_CE_MARK = re.compile(r"ค\.?\s*ศ\.?|(?<![a-z])(?:a\.?\s*d|c\.?\s*e)\.?(?![a-z])")


def _pattern(form: str) -> str:
    """A month form as a pattern: an abbreviation's dots optional, a space allowed after each."""
    if "." not in form:
        return re.escape(form)
    return r"\.?\s*".join(re.escape(part) for part in form.split(".") if part) + r"\.?"


@cache
def _month_regex() -> tuple[re.Pattern[str], dict[str, int]]:
    forms: dict[str, int] = {}
    for number, names in enumerate((*_MONTHS_TH,), 1):
        for name in names:
            forms[name] = number
    for number, names in enumerate(_MONTHS_EN, 1):
        for name in names:
            forms[name] = number
    ordered = sorted(forms, key=len, reverse=True)
    # English names must stand alone ("mar" not inside "march" is handled by the order; "may" not
    # inside "mayor" by the look-around); Thai has no spaces between words, so no boundary there.
    parts = [(_pattern(f) if not f.isascii() else rf"(?<![a-z]){re.escape(f)}\.?(?![a-z])") for f in ordered]
    return re.compile("|".join(f"({p})" for p in parts)), {str(i): forms[f] for i, f in enumerate(ordered)}


def _normal(text: str) -> str:
    return to_arabic_digits(unicodedata.normalize("NFC", text)).replace("เเ", "แ").casefold()


def _find_month(text: str) -> tuple[int | None, str]:
    """The month named in words, and the text with it taken out."""
    regex, numbers = _month_regex()
    found = regex.search(text)
    if found is None:
        return None, text
    number = numbers[str(found.lastindex - 1)] if found.lastindex else None
    return number, f"{text[:found.start()]} m {text[found.end():]}"


def _era(text: str) -> tuple[str | None, str]:
    if _BE_MARK.search(text):
        return "be", _BE_MARK.sub(" ", text)
    if _CE_MARK.search(text):
        return "ce", _CE_MARK.sub(" ", text)
    return None, text


def _year_ce(year: str, era: str | None, today: date, two_digit: str = "be") -> int | None:
    value = int(year)
    if len(year) == 2:
        if (era or two_digit) == "ce":
            return 2000 + value if 2000 + value <= today.year else 1900 + value
        be = 2500 + value
        return be - BE_OFFSET if be - BE_OFFSET <= today.year else be - 100 - BE_OFFSET
    if len(year) != 4:
        return None
    if era == "be" or (era is None and value >= 2400):
        return value - BE_OFFSET
    if era == "ce" or 1800 <= value < 2400:
        return value
    return None


def _pieces(text: str, today: date) -> tuple[str, str | None, str | None, str | None, str | None]:
    """(problem or "", day, month, year, era) as typed: the numbers before they are checked."""
    era, text = _era(text)
    month_word, text = _find_month(text)
    numbers = re.findall(r"\d+", text)
    if month_word is not None:
        if len(numbers) == 1 and len(numbers[0]) <= 2:
            return NO_YEAR, numbers[0], str(month_word), None, era
        if len(numbers) != 2:
            return UNREADABLE, None, None, None, era
        day, year = numbers if len(numbers[0]) <= 2 else numbers[::-1]
        return "", day, str(month_word), year, era
    if len(numbers) == 1:
        return _run_together(numbers[0], era, today)
    if len(numbers) == 2 and all(len(n) <= 2 for n in numbers):
        return NO_YEAR, numbers[0], numbers[1], None, era
    if len(numbers) != 3:
        return UNREADABLE, None, None, None, era
    if len(numbers[0]) == 4:  # 1967-01-15, year first
        return "", numbers[2], numbers[1], numbers[0], era
    return "", numbers[0], numbers[1], numbers[2], era


def _run_together(run: str, era: str | None, today: date) -> tuple[str, str | None, str | None, str | None,
                                                                      str | None]:
    if len(run) in (6, 8):  # ddmmyy, ddmmyyyy
        return "", run[:2], run[2:4], run[4:], era
    if len(run) == 7:  # dmmyyyy or ddmyyyy: only when one of them alone is a date
        readings = [(run[:1], run[1:3]), (run[:2], run[2:3])]
        good = [(d, m) for d, m in readings if _valid(d, m, run[3:], era, today)]
        if len(good) == 1:
            return "", good[0][0], good[0][1], run[3:], era
        return (RUN_TOGETHER if good else UNREADABLE), None, None, None, era
    return UNREADABLE, None, None, None, era


def _valid(day: str, month: str, year: str, era: str | None, today: date) -> bool:
    ce = _year_ce(year, era, today)
    try:
        return ce is not None and date(ce, int(month), int(day)) <= today
    except ValueError:
        return False


def parse_birth_date(text: str, today: date, two_digit: str = "be") -> BirthDate:
    """A birth date typed in a chat, as of `today`: the date, or what is wrong with it. A two-digit
    year with no era beside it is `two_digit` ("be", as Thais write; "ce" in an English chat)."""
    problem, day, month, year, era = _pieces(_normal(text), today)
    if problem == NO_YEAR:
        return BirthDate(None, NO_YEAR, day=int(day or 0) or None, month=int(month) if month else None)
    if problem:
        return BirthDate(None, problem)
    assert day is not None and month is not None and year is not None
    ce = _year_ce(year, era, today, two_digit)
    if ce is None:
        return BirthDate(None, UNREADABLE)
    d, m = int(day), int(month)
    if not 1 <= m <= 12:
        return BirthDate(None, NO_SUCH_MONTH, day=d, month=m, year_ce=ce)
    if not 1 <= d <= calendar.monthrange(ce, m)[1]:
        return BirthDate(None, NO_SUCH_DAY, day=d, month=m, year_ce=ce)
    born = date(ce, m, d)
    if len(year) == 2 and era is None and (asked := _ask_year(d, m, ce, int(year), today)) is not None:
        return asked
    if born > today:
        return BirthDate(None, FUTURE, day=d, month=m, year_ce=ce)
    age = age_on(born, today)
    if age > MAX_AGE_YEARS:
        return BirthDate(None, TOO_OLD, day=d, month=m, year_ce=ce, age=age)
    return BirthDate(born, day=d, month=m, year_ce=ce, age=age)


def age_on(born: date, today: date) -> int:
    """Full years of age on `today`."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _ask_year(day: int, month: int, ce: int, typed: int, today: date) -> BirthDate | None:
    """The question when a two-digit year (`typed`) read as `ce` makes a child (or a date to come) and 19xx
    makes a grown-up; None when the usual reading stands."""
    usual = date(ce, month, day)
    young = usual > today or age_on(usual, today) < CHILD_AGE
    old_year = 1900 + typed
    if not young or old_year == ce:
        return None
    try:
        old = date(old_year, month, day)
    except ValueError:  # 29 February of a year that has none
        return None
    if not CHILD_AGE <= age_on(old, today) <= ASK_MAX_AGE:
        return None
    choices = (old,) if usual > today else (usual, old)
    return BirthDate(None, ASK_YEAR, day=day, month=month, year_ce=ce, choices=choices)
