"""Everyday words to features, through the understanding engine (domain/understanding).

Members type little and loosely ("เช็คยอด", "ลูกเกิดใหม่ได้เงินไหม", "fund balance"): the engine
scores the features its lexicon and the member's fund's benefits name, and says when it is unsure.
The command words here are compared whole, before it: they act even inside a dialog.
"""

from __future__ import annotations

from functools import lru_cache

from domain.thai import normalize_text, strip_polite
from domain.understanding import UNKNOWN, BenefitWords, Understood, understand
from handlers.base import Context
from models import Fund

CANCEL_WORDS = frozenset({
    "ยกเลิก", "เลิก", "ไม่เอาแล้ว", "ไม่เอา", "ยกเลิกแล้ว", "ไม่ทำแล้ว", "พอแล้ว", "ออก",
    "ยกเลิกการสมัคร", "ยกเลิกการลงทะเบียน", "ไม่สมัครแล้ว", "cancel", "stop", "quit",
})
MENU_WORDS = frozenset({"เมนู", "menu", "/menu", "/start", "กลับ", "เมนูหลัก"})


def said(text: str) -> str:
    """What a person said, as command words are compared with it: normalized, and without the
    polite particles Thai speech ends with ("ยกเลิกค่ะ" is "ยกเลิก", "menu please" is "menu")."""
    return strip_polite(normalize_text(text))


# One benefit's rule as its words depend on it: (code, name_th, name_en, synonyms_th, synonyms_en).
RuleWords = tuple[str, str, str, str | None, str | None]


@lru_cache(maxsize=256)
def _benefit_words(rules: tuple[RuleWords, ...]) -> tuple[BenefitWords, ...]:
    words = []
    for code, name_th, name_en, synonyms_th, synonyms_en in rules:
        synonyms = [line.strip() for text in (synonyms_th, synonyms_en) for line in (text or "").splitlines()]
        words.append(BenefitWords(code, tuple(w for w in (name_th, name_en, *synonyms) if w)))
    return tuple(words)


def benefit_words(fund: Fund | None) -> tuple[BenefitWords, ...]:
    """The words of a fund's benefits (none without a fund), built once per version of its rules."""
    if fund is None:
        return ()
    return _benefit_words(tuple((r.code, r.name_th, r.name_en, r.synonyms_th, r.synonyms_en)
                                for r in fund.benefits))


def understand_text(text: str, ctx: Context) -> Understood:
    """What a member's free text asks for, with their fund's benefits when the chat is linked."""
    member = ctx.member
    return understand(text, benefit_words(member.fund if member is not None else None))


def detect_intent(normalized: str) -> str:
    """The feature a normalized text asks for, without a fund's benefits: an intent name,
    "unsure" or "unknown"."""
    return understand(normalized).intent if normalized else UNKNOWN
