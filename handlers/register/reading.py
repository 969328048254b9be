"""Reading what people type at a registration step: a national ID, a birth date, a name.

Each reader gives the value, or None and the locale text that says what was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from domain import thai_dates as dates
from domain.identity import hash_national_id
from domain.thai import ID_CHECKSUM, ID_FIRST_DIGIT, ID_LENGTH, ID_NOT_DIGITS, format_date, format_month
from domain.thai import read_national_id as parse_id
from domain.thai_dates import BirthDate, parse_birth_date
from handlers.base import Context

TITLES = frozenset({
    "นาย", "นาง", "นางสาว", "น.ส.", "นส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง",
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss",
})
# Titles that people type glued to the name. "นาย" and "นาง" are left out: นายิกา and นางนวล are
# given names, and a committee can tidy a stray title where a wrong cut would lose a name.
GLUED_TITLES = ("นางสาว", "เด็กชาย", "เด็กหญิง", "น.ส.", "นส.", "ด.ช.", "ด.ญ.")


_ID_PROBLEMS = {ID_NOT_DIGITS: "register.id_not_digits", ID_LENGTH: "register.id_length",
                ID_FIRST_DIGIT: "register.id_first_digit", ID_CHECKSUM: "register.id_checksum"}


def read_national_id(ctx: Context, text: str) -> tuple[str | None, str]:
    """Typed alone or in a sentence ("เลขบัตร 3100600445635 ค่ะ"): see `domain.thai.read_national_id`."""
    read = parse_id(text)
    if read.digits is None:
        return None, ctx.t(_ID_PROBLEMS[read.problem or ID_NOT_DIGITS], count=read.count)
    return read.digits, ""


def id_hash(ctx: Context, digits: str) -> str:
    return hash_national_id(ctx.extras["id_key"], digits)


def read_birth_date(ctx: Context, text: str) -> tuple[date | None, str]:
    """A birth date as people type it (`domain.thai_dates`), or the message naming what is wrong."""
    read = parse_birth_date(text, ctx.today, two_digit_era(ctx))
    if read.value is not None:
        return read.value, ""
    return None, birth_problem(ctx, read)


def two_digit_era(ctx: Context) -> str:
    """How a two-digit year is read: Buddhist Era in a Thai chat, Common Era in an English one."""
    return "be" if ctx.locale == "th" else "ce"


def birth_problem(ctx: Context, read: BirthDate) -> str:
    loc = ctx.locale
    if read.problem == dates.NO_SUCH_DAY and read.month and read.year_ce:
        return ctx.t("register.birth_no_such_date") + " " + ctx.t(
            "register.birth_days_in_month", month=format_month(read.year_ce, read.month, loc),
            days=read.days_in_month)
    if read.problem == dates.NO_SUCH_MONTH:
        return ctx.t("register.birth_no_such_date") + " " + ctx.t("register.birth_month_range",
                                                                  month=read.month)
    if read.problem == dates.NO_YEAR and read.day and read.month and 1 <= read.month <= 12:
        try:
            example = format_date(date(1967, read.month, read.day), loc)
        except ValueError:
            example = format_date(date(1967, 1, 15), loc)
        return ctx.t("register.birth_no_year", example=example)
    if read.problem == dates.FUTURE and read.year_ce and read.month and read.day:
        return ctx.t("register.birth_future", date=format_date(date(read.year_ce, read.month, read.day), loc))
    if read.problem == dates.TOO_OLD and read.year_ce and read.month and read.day:
        return ctx.t("register.birth_too_old", age=read.age,
                     date=format_date(date(read.year_ce, read.month, read.day), loc))
    if read.problem == dates.RUN_TOGETHER:
        return ctx.t("register.birth_run_together")
    return ctx.t("register.birth_unreadable")


def _is_name_word(word: str) -> bool:
    """Letters and their marks (Thai vowels and tone marks are marks), with . ' - inside."""
    if not word or unicodedata.category(word[0])[0] != "L":
        return False
    return all(unicodedata.category(ch)[0] in "LM" or ch in ".'-" for ch in word)


def read_name(ctx: Context, text: str) -> tuple[tuple[str, str] | None, str]:
    cleaned = unicodedata.normalize("NFC", text)
    cleaned = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", cleaned)
    words = cleaned.split()
    while words and words[0].casefold() in TITLES:
        words = words[1:]
    if words:
        glued = next((t for t in GLUED_TITLES if words[0].startswith(t) and len(words[0]) > len(t) + 1), None)
        if glued:
            words[0] = words[0].removeprefix(glued)
    if any(ch.isdigit() for ch in cleaned) or not all(map(_is_name_word, words)):
        return None, ctx.t("register.name_invalid_chars")
    if len(words) < 2:
        return None, ctx.t("register.name_need_both")
    first, last = words[0], " ".join(words[1:])
    if len(first) > 100 or len(last) > 100:
        return None, ctx.t("register.name_too_long")
    return (first, last), ""
