"""A member's words as the lexicon is compared with them: one spelling for what is typed many ways.

On top of `domain.thai.normalize_text` (NFC, แ for เเ, Arabic digits, folded case and spaces):
letters held down ("ค่าาา", "ขอบคุณมากกกก") are one letter, laughter ("5555555") is "555", the
variant spellings the lexicon lists ("เท่าไร", "มั้ย") are one, and polite particles at the end go.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.thai import normalize_text, strip_polite

# Thai letters, vowels and tone marks: three or more of one are a held key, never a word
# (Thai doubles a consonant at most: "สัปปะรด"). ASCII keeps two ("good", "sooo" is "soo").
_HELD_THAI = re.compile(r"([\u0e01-\u0e4e])\1{2,}")
_HELD_ASCII = re.compile(r"([a-z])\1{2,}")
_LAUGH = re.compile(r"5{3,}")
_REPEAT_MARK = re.compile(r"(?:\s*ๆ){2,}")
# What a chat app puts around words without meaning them: quotes, brackets, stray marks.
_NOISE = re.compile(r"[\"'`“”‘’()\[\]{}<>*_~^|\\]+")
_SPACES = re.compile(r"\s+")


def collapse_repeats(text: str) -> str:
    text = _HELD_THAI.sub(r"\1", text)
    text = _HELD_ASCII.sub(r"\1\1", text)
    text = _LAUGH.sub("555", text)
    return _REPEAT_MARK.sub("ๆ", text)


def respell(text: str, spellings: Mapping[re.Pattern[str], str]) -> str:
    for pattern, spelling in spellings.items():
        text = pattern.sub(spelling, text)
    return text


def normalise(text: str, spellings: Mapping[re.Pattern[str], str] = {}) -> str:  # noqa: B006 - read only
    """`text` as matching sees it, spaces kept (they end English words)."""
    text = collapse_repeats(normalize_text(text))
    text = _SPACES.sub(" ", _NOISE.sub(" ", text)).strip()
    text = respell(text, spellings).strip()
    stripped = strip_polite(text)
    # "ขอ" before a request is polite ("ขอดูยอด"), but "ของ" is "of" ("ของกองทุน"): kept whole.
    if text.startswith("ของ") and not stripped.startswith("ของ") and stripped.startswith("ง"):
        stripped = "ขอ" + stripped
    return stripped


def compact(text: str) -> str:
    """Without spaces: Thai is written without them, and members put them anywhere ("เช็ค ยอด")."""
    return text.replace(" ", "")
