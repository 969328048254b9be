"""A date and time as a committee member types it: "15/12/2569 14:00", "๑๕ ธ.ค. ๖๙ 9.30 น.",
"พรุ่งนี้ บ่ายสอง", "tomorrow 9:00". Pure: the caller gives today and attaches the fund's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from domain.thai import BE_OFFSET, parse_date, typed_value

_RELATIVE = {"วันนี้": 0, "today": 0, "พรุ่งนี้": 1, "tomorrow": 1, "มะรืน": 2, "มะรืนนี้": 2,
             "เมื่อวาน": -1, "เมื่อวานนี้": -1, "yesterday": -1}  # a day past: refused as past, not unread

# Spoken hours: "บ่ายสอง" is 14:00, "สองทุ่ม" 20:00, "เก้าโมง" 09:00, "เที่ยง" 12:00.
_NUMBERS = {"หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9,
            "สิบ": 10, "สิบเอ็ด": 11}


@dataclass(frozen=True)
class Moment:
    day: date | None
    at: time | None
    problem: str | None = None  # "ambiguous_year" | "no_date" | "no_time" | "bad_time"


def parse_time(text: str) -> time | None:
    """"14:00", "14.00 น.", "9:30", "๙.๓๐", "14 น.", "1400", "2pm", "บ่ายสอง", "เที่ยง", "สองทุ่ม"."""
    t = typed_value(text).casefold().replace("เวลา", "").replace("นาฬิกา", "").replace(" ", "")
    t = re.sub(r"น\.?$", "", t)
    if t in ("เที่ยง", "เที่ยงวัน", "noon"):
        return time(12, 0)
    if t in ("บ่ายโมง", "บ่ายโมงครึ่ง"):  # one in the afternoon has no number: "บ่ายหนึ่งโมง" is rare
        return time(13, 30 if t.endswith("ครึ่ง") else 0)
    m = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)?", t) or re.fullmatch(r"(\d{2})(\d{2})()", t)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if m.group(3) == "pm" and hour < 12:
            hour += 12
        elif m.group(3) == "am" and hour == 12:
            hour = 0
        return time(hour, minute) if hour < 24 and minute < 60 else None
    spoken = re.fullmatch(r"(บ่าย)?(.+?)(โมง(?:เช้า|เย็น)?|ทุ่ม)?(ครึ่ง)?", t)
    word = spoken.group(2) if spoken else ""
    n = _NUMBERS.get(word) or (int(word) if word.isdigit() and int(word) <= 12 else None)
    if spoken and n and (spoken.group(1) or spoken.group(3)):
        minute = 30 if spoken.group(4) else 0
        if spoken.group(1):  # บ่ายสอง (โมง): afternoon hours count from noon
            hour = 12 + n if n < 6 else None
        elif spoken.group(3) == "ทุ่ม":
            hour = 18 + n if n <= 5 else None
        elif spoken.group(3) == "โมงเย็น":
            hour = 12 + n if n < 12 else None
        else:  # "เก้าโมง", "เจ็ดโมงเช้า": morning
            hour = n if n >= 6 else None
        return time(hour, minute) if hour is not None else None
    return None


def parse_day(text: str, today: date) -> tuple[date | None, bool]:
    """(the day, whether the year was too short to be sure). "15 ธ.ค." without a year is the next
    15 December from today; "วันนี้"/"พรุ่งนี้"/"tomorrow" count from today."""
    t = typed_value(text).casefold().strip()
    if t in _RELATIVE:
        return today + timedelta(days=_RELATIVE[t]), False
    parsed = parse_date(t)
    if parsed.value is not None or parsed.ambiguous:
        if parsed.ambiguous:  # a two-digit year: 69 is 2569 BE, 26 is 2026 CE, the one near today
            short = re.search(r"(\d{2})$", t)
            if short:
                for year in (2500 + int(short.group(1)), 2000 + int(short.group(1))):
                    ce = year - BE_OFFSET if year >= 2400 else year
                    if abs(ce - today.year) <= 1:
                        again = parse_date(t[:short.start()] + str(year))
                        if again.value is not None:
                            return again.value, False
            return None, True
        return parsed.value, False
    for year in (today.year, today.year + 1):  # no year: the next such day
        again = parse_date(f"{t} {year}")
        if again.value is not None and again.value >= today:
            return again.value, False
    return None, False


_SPLIT = re.compile(r"\s+(?:เวลา\s*)?(?=\d{1,2}[:.]\d{2}|\d{1,2}\s*(?:น\.?$|นาฬิกา|am|pm|โมง|ทุ่ม)|บ่าย|เที่ยง|"
                    r"[ก-๙]+(?:โมง|ทุ่ม))")


def parse_moment(text: str, today: date) -> Moment:
    """A day and a time in one text ("15/12/2569 14:00", "พรุ่งนี้ 9.00"); either may be missing."""
    t = typed_value(text).strip()
    parts = _SPLIT.split(t, maxsplit=1)
    day_text, time_text = (parts[0], parts[1]) if len(parts) == 2 else (t, "")
    day, ambiguous = parse_day(day_text, today)
    if day is None and not time_text:  # a time alone ("14:00") is a time today
        alone = parse_time(t)
        if alone is not None:
            return Moment(None, alone, "no_date")
    if ambiguous:
        return Moment(None, None, "ambiguous_year")
    if day is None:
        return Moment(None, None, "no_date")
    if not time_text:
        return Moment(day, None, "no_time")
    at = parse_time(time_text)
    return Moment(day, at, None if at else "bad_time")
