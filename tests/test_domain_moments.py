"""A date and time as committees type them: either era, Thai or Arabic digits, spoken hours."""

from __future__ import annotations

from datetime import date, time

import pytest

from domain.moments import parse_moment, parse_time

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(("typed", "day", "at"), [
    ("15/12/2569 14:00", date(2026, 12, 15), time(14, 0)),
    ("15/12/2026 14:00", date(2026, 12, 15), time(14, 0)),
    ("๑๕ ธ.ค. ๖๙ 9.30 น.", date(2026, 12, 15), time(9, 30)),
    ("15 ธันวาคม 2569 เวลา 14.00 น.", date(2026, 12, 15), time(14, 0)),
    ("15/12/2569 13.30น.ค่ะ", date(2026, 12, 15), time(13, 30)),
    ("พรุ่งนี้ บ่ายสอง", date(2026, 12, 3), time(14, 0)),
    ("พรุ่งนี้ บ่าย 2 โมง", date(2026, 12, 3), time(14, 0)),
    ("พรุ่งนี้ บ่ายโมง", date(2026, 12, 3), time(13, 0)),
    ("เมื่อวาน 9 โมง", date(2026, 12, 1), time(9, 0)),  # read, so that it is refused as past
    ("tomorrow 9:00", date(2026, 12, 3), time(9, 0)),
    ("5 มกรา 10 โมง", date(2027, 1, 5), time(10, 0)),  # no year: the next 5 January
    ("20/12/2569 2 ทุ่ม", date(2026, 12, 20), time(20, 0)),
    ("2026-12-20 18:30", date(2026, 12, 20), time(18, 30)),
    ("3 jan 2027 2pm", date(2027, 1, 3), time(14, 0)),
])
def test_a_day_and_a_time_in_one_text(typed, day, at):
    moment = parse_moment(typed, TODAY)
    assert (moment.day, moment.at, moment.problem) == (day, at, None)


@pytest.mark.parametrize(("typed", "problem"), [
    ("15/12/2569", "no_time"),
    ("14:00", "no_date"),
    ("32/12/2569 10:00", "no_date"),
    ("วันนี้ 25:00", "bad_time"),
    ("เมื่อไหร่ก็ได้", "no_date"),
])
def test_what_is_missing_or_wrong_is_named(typed, problem):
    assert parse_moment(typed, TODAY).problem == problem


@pytest.mark.parametrize(("typed", "at"), [
    ("14:00", time(14, 0)), ("๙.๓๐", time(9, 30)), ("1400", time(14, 0)), ("เที่ยง", time(12, 0)),
    ("สองทุ่มครึ่ง", time(20, 30)), ("บ่ายโมง", time(13, 0)), ("บ่ายโมงครึ่ง", time(13, 30)),
    ("เก้าโมงเช้า", time(9, 0)), ("บ่ายสามโมง", time(15, 0)),
    ("24:00", None), ("สิบทุ่ม", None), ("abc", None),
])
def test_times(typed, at):
    assert parse_time(typed) == at
