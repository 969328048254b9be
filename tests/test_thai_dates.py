"""Birth dates as people type them (`domain.thai_dates`): every form, the two-digit-year rule, and a
problem named for each wrong date; a round trip through the ways a date can be written."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import thai_dates as D
from domain.thai import format_date
from domain.thai_dates import parse_birth_date

TODAY = date(2026, 12, 3)
BORN = date(1967, 1, 15)  # 15 มกราคม 2510


@pytest.mark.parametrize("typed", [
    "15/1/2510", "15/01/2510", "15-1-2510", "15.1.2510", "15 1 2510", "15/1/1967", "1967-01-15", "2510-01-15",
    "15012510", "15011967", "150110", "1512510",
    "15 มกราคม 2510", "15 มกรา 2510", "15 ม.ค. 2510", "15 ม.ค 2510", "15 มค 2510", "15 ม. ค. 2510",
    "15มกราคม2510", "15 ม.ค. 10", "15 มค 10", "15 มกรา 10", "15/1/10",
    "วันที่ 15 มกราคม พ.ศ. 2510", "เกิด 15 ม.ค. 10 ค่ะ", "เกิดวันที่ 15 เดือนมกราคม ปี 2510 ค่ะ",
    "วันเกิด 15/1/2510 นะคะ", "๑๕/๑/๒๕๑๐", "๑๕ ม.ค. ๑๐", "１５/１/２５１０",
    "15 Jan 1967", "15 January 1967", "January 15, 1967", "jan 15 1967", "15 jan. 1967",
    "ค.ศ. 15/1/1967", "15/1/67 ค.ศ.", "พ.ศ. 15/1/10",
])
def test_every_way_of_writing_15_january_2510(typed):
    assert parse_birth_date(typed, TODAY).value == BORN


@pytest.mark.parametrize(("typed", "month"), [
    ("1 ก.พ. 10", 2), ("1 กุมภา 10", 2), ("1 กุมภาพันธ์ 2510", 2), ("1 มี.ค. 10", 3), ("1 มีนา 10", 3),
    ("1 เม.ย. 10", 4), ("1 เมษา 10", 4), ("1 พ.ค. 10", 5), ("1 พฤษภาคม 10", 5), ("1 มิ.ย. 10", 6),
    ("1 มิถุนายน 10", 6), ("1 ก.ค. 10", 7), ("1 กรกฎาคม 10", 7), ("1 กรกฏาคม 10", 7), ("1 ส.ค. 10", 8),
    ("1 สิงหา 10", 8), ("1 ก.ย. 10", 9), ("1 กันยายน 10", 9), ("1 ต.ค. 10", 10), ("1 ตุลา 10", 10),
    ("1 พ.ย. 10", 11), ("1 พฤศจิกายน 10", 11), ("1 ธ.ค. 10", 12), ("1 ธันวาคม 10", 12),
    ("1 feb 1967", 2), ("1 march 1967", 3), ("1 may 1967", 5), ("1 sept 1967", 9), ("1 Dec 1967", 12),
])
def test_every_month_in_its_forms(typed, month):
    assert parse_birth_date(typed, TODAY).value == date(1967, month, 1)


@pytest.mark.parametrize(("typed", "expected"), [
    ("15 ก.พ. 10", date(1967, 2, 15)),   # 2510
    ("15 ก.พ. 54", date(2011, 2, 15)),   # 2554: 15 years old, no question
    ("15 ก.พ. 70", date(1927, 2, 15)),   # 2570 would be next year: 2470
    ("15 ก.พ. 99", date(1956, 2, 15)),   # 2499
    ("15 ก.พ. 00", date(1957, 2, 15)),   # 2500
])
def test_a_two_digit_year_is_buddhist_era_25xx_unless_that_is_in_the_future(typed, expected):
    assert parse_birth_date(typed, TODAY).value == expected


def test_a_two_digit_year_is_christian_era_when_the_caller_says_so_or_with_ce():
    assert parse_birth_date("15/1/67", TODAY, "ce").value == BORN
    assert parse_birth_date("15/1/05", TODAY, "ce").value == date(2005, 1, 15)
    assert parse_birth_date("15/1/30", TODAY, "ce").value == date(1930, 1, 15)
    assert parse_birth_date("15/1/67 ค.ศ.", TODAY).value == BORN
    assert parse_birth_date("พ.ศ. 15/1/10", TODAY, "ce").value == BORN  # the mark wins


@pytest.mark.parametrize(("typed", "problem", "fields"), [
    ("30 ก.พ. 2510", D.NO_SUCH_DAY, {"day": 30, "month": 2, "days_in_month": 28}),
    ("30/2/2511", D.NO_SUCH_DAY, {"days_in_month": 29}),  # 1968 is a leap year: 29 days
    ("31 เมษา 2510", D.NO_SUCH_DAY, {"days_in_month": 30}),
    ("0/1/2510", D.NO_SUCH_DAY, {}),
    ("15/13/2510", D.NO_SUCH_MONTH, {"month": 13}),
    ("1/1/2570", D.FUTURE, {"year_ce": 2027}),
    ("15 ธ.ค. 2569", D.FUTURE, {}),  # later this year
    ("1/1/2400", D.TOO_OLD, {"age": 169}),
    ("15 ธันวา", D.NO_YEAR, {"day": 15, "month": 12}),
    ("15/1", D.NO_YEAR, {}),
    ("1112510", D.RUN_TOGETHER, {}),  # 1/11/2510 or 11/1/2510
    ("พรุ่งนี้", D.UNREADABLE, {}), ("เมื่อวาน", D.UNREADABLE, {}), ("", D.UNREADABLE, {}),
    ("15/1/251", D.UNREADABLE, {}), ("1 2 3 4", D.UNREADABLE, {}), ("15 ม.ค. 2510 12", D.UNREADABLE, {}),
    ("15/1/1500", D.UNREADABLE, {}),
])
def test_a_wrong_date_names_its_problem(typed, problem, fields):
    read = parse_birth_date(typed, TODAY)
    assert read.value is None and read.problem == problem
    for name, value in fields.items():
        assert getattr(read, name) == value, name


def test_an_accepted_date_carries_the_age():
    assert parse_birth_date("15/1/2510", TODAY).age == 59
    assert parse_birth_date("29/2/2511", TODAY).value == date(1968, 2, 29)
    assert parse_birth_date("4/12/2448", TODAY).age == 120  # the oldest accepted
    assert parse_birth_date("3/12/2448", TODAY).problem == D.TOO_OLD


def _written(born: date, how: int) -> str:
    be = born.year + 543
    thai_digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    return [
        f"{born.day}/{born.month}/{be}", f"{born.day:02d}{born.month:02d}{be}", format_date(born, "th"),
        format_date(born, "th", short=True), format_date(born, "en"),
        f"{born.year}-{born.month:02d}-{born.day:02d}",
        f"เกิดวันที่ {format_date(born, 'th')} ค่ะ".translate(thai_digits),
        f"{born.day}/{born.month}/{born.year}",
    ][how]


@given(st.dates(min_value=date(1957, 1, 1), max_value=TODAY), st.integers(0, 7))
def test_a_date_written_any_way_reads_back(born, how):
    """Two-digit short forms ("15 ม.ค. 10") are 25xx: every date from 2500 BE reads back, or, for a
    child's, is the first of the years asked about."""
    read = parse_birth_date(_written(born, how), TODAY)
    assert read.value == born or (read.problem == D.ASK_YEAR and read.choices[0] == born)


@pytest.mark.parametrize(("typed", "two_digit", "choices"), [
    ("15/1/67", "be", (date(2024, 1, 15), date(1967, 1, 15))),  # 2567, a 2-year-old, or 1967 (59)
    ("150167", "be", (date(2024, 1, 15), date(1967, 1, 15))),  # run together: the same question
    ("15 ก.พ. 69", "be", (date(2026, 2, 15), date(1969, 2, 15))),  # 2569: a baby
    ("15/1/55", "be", (date(2012, 1, 15), date(1955, 1, 15))),  # 2555: 14 years old
    ("15 ธ.ค. 69", "be", (date(1969, 12, 15),)),  # 2569 is still to come: only 1969 is offered
    ("15/1/20", "ce", (date(2020, 1, 15), date(1920, 1, 15))),  # English: 2020 (6) or 1920 (106)
    ("15/12/26", "ce", (date(1926, 12, 15),)),  # English: 2026-12-15 is still to come
])
def test_a_two_digit_year_that_makes_a_child_asks_which_year(typed, two_digit, choices):
    read = parse_birth_date(typed, TODAY, two_digit)
    assert read.value is None and read.problem == D.ASK_YEAR and read.choices == choices


@pytest.mark.parametrize(("typed", "two_digit", "expected"), [
    ("15/1/54", "be", date(2011, 1, 15)),  # 2554: 15, old enough to be meant
    ("15/1/10", "be", date(1967, 1, 15)),
    ("15/1/80", "be", date(1937, 1, 15)),  # 2480: no 19xx question for an elderly reading
    ("15/1/67", "ce", date(1967, 1, 15)),
    ("15/1/05", "ce", date(2005, 1, 15)),  # 21
    ("15/1/67 ค.ศ.", "be", date(1967, 1, 15)),  # an era typed beside the year is never asked about
    ("พ.ศ. 15/1/67", "be", date(2024, 1, 15)),
    ("15/1/2568", "be", date(2025, 1, 15)),  # four digits: taken (children may be registered)
    ("15/1/2024", "be", date(2024, 1, 15)),
])
def test_a_year_that_reads_one_way_is_not_asked_about(typed, two_digit, expected):
    assert parse_birth_date(typed, TODAY, two_digit).value == expected


@given(st.dates(min_value=date(1906, 12, 4), max_value=TODAY), st.sampled_from([0, 1, 2, 4, 5, 6, 7]))
def test_any_plausible_birth_date_in_four_digit_forms_reads_back(born, how):
    assert parse_birth_date(_written(born, how), TODAY).value == born
