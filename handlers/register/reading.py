"""Reading what people type at a registration step: a national ID, a birth date, a name.

Each reader gives the value, or None and the locale text that says what was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from domain.identity import hash_national_id
from domain.thai import format_date, parse_date, parse_national_id, typed_value
from handlers.base import Context

MAX_AGE_YEARS = 120
TITLES = frozenset({
    "นาย", "นาง", "นางสาว", "น.ส.", "นส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง",
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss",
})
# Titles that people type glued to the name. "นาย" and "นาง" are left out: นายิกา and นางนวล are
# given names, and a committee can tidy a stray title where a wrong cut would lose a name.
GLUED_TITLES = ("นางสาว", "เด็กชาย", "เด็กหญิง", "น.ส.", "นส.", "ด.ช.", "ด.ญ.")
_NUMERIC_DATE = re.compile(r"\d{1,4}\s*[/\-.\s]\s*\d{1,2}\s*[/\-.\s]\s*\d{1,4}")


def read_national_id(ctx: Context, text: str) -> tuple[str | None, str]:
    compact = re.sub(r"[\s\-.]", "", typed_value(text))  # "เลขบัตร 1-1017-... ค่ะ" too
    if not re.fullmatch(r"[0-9]+", compact):
        return None, ctx.t("register.id_not_digits")
    if len(compact) != 13:
        return None, ctx.t("register.id_length", count=len(compact))
    digits = parse_national_id(compact)
    if digits is None:
        return None, ctx.t("register.id_checksum")
    return digits, ""


def id_hash(ctx: Context, digits: str) -> str:
    return hash_national_id(ctx.extras["id_key"], digits)


def read_birth_date(ctx: Context, text: str) -> tuple[date | None, str]:
    parsed = parse_date(text)
    if parsed.ambiguous:
        return None, ctx.t("register.birth_two_digit_year")
    born = parsed.value
    if born is None:
        if _NUMERIC_DATE.fullmatch(typed_value(text)):
            return None, ctx.t("register.birth_no_such_date")
        return None, ctx.t("register.birth_unreadable")
    today = ctx.today
    if born > today:
        return None, ctx.t("register.birth_future", date=format_date(born, ctx.locale))
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age > MAX_AGE_YEARS:
        return None, ctx.t("register.birth_too_old", date=format_date(born, ctx.locale), age=age)
    return born, ""


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
