"""Presentation shared by handlers: dates with weekdays, durations, status labels, amounts."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from babel.dates import get_day_names

from domain.benefits import Rule, Tier
from domain.thai import format_baht, format_date
from locales import translate
from models import BenefitRule, Fund

LABEL_MAX = 20  # LINE quick-reply labels; Telegram allows more, the shorter wins
_TH_PREFIXES = ("กองทุนสวัสดิการชุมชน", "องค์การบริหารส่วนตำบล", "เทศบาลนคร", "เทศบาลเมือง", "เทศบาลตำบล")
_EN_SUFFIXES = (
    (" Subdistrict Administrative Organization", " SAO"),
    (" Subdistrict Municipality", " Mun."),
    (" City Municipality", " City"),
    (" Town Municipality", " Town"),
    (" Municipality", ""),
)


@cache
def _weekdays(locale: str) -> dict[int, str]:
    return dict(get_day_names("wide", locale="th" if locale == "th" else "en"))


def format_day(d: date, locale: str) -> str:
    """'วันอังคารที่ 15 ธันวาคม 2569' / 'Tuesday 15 December 2026'."""
    if locale == "th":
        return f"{_weekdays('th')[d.weekday()]}ที่ {format_date(d, 'th')}"
    return f"{_weekdays('en')[d.weekday()]} {format_date(d, 'en')}"


def format_time(t: datetime, locale: str) -> str:
    return f"{t:%H:%M} น." if locale == "th" else f"{t:%H:%M}"


def years_months(start: date, on: date) -> tuple[int, int]:
    months = (on.year - start.year) * 12 + on.month - start.month - (on.day < start.day)
    months = max(months, 0)
    return divmod(months, 12)


def format_duration(start: date, on: date, locale: str) -> str:
    """'8 ปี 8 เดือน', '1 ปี', '3 เดือน'; under a month 'ไม่ถึง 1 เดือน', not '0 เดือน'."""
    years, months = years_months(start, on)
    if not years and not months:
        return translate(locale, "common.under_a_month")  # "0 เดือน" reads as if nothing counted
    parts = []
    if years:
        parts.append(count_text(locale, "year", years))
    if months or not years:
        parts.append(count_text(locale, "month", months))
    return " ".join(parts)


def count_text(locale: str, unit: str, n: int) -> str:
    """'1 year' / '3 years' (Thai has no plural: '1 ปี' / '3 ปี')."""
    return translate(locale, f"common.{unit}" if n == 1 else f"common.{unit}s", n=n)


def baht(amount: Decimal | int, locale: str) -> str:
    return format_baht(amount, locale)


def to_rule(rule: BenefitRule) -> Rule:
    return Rule(
        code=rule.code,
        amount=rule.amount,
        per=rule.per,
        max_per_event=rule.max_per_event,
        max_per_year=rule.max_per_year,
        min_age=rule.min_age,
        max_age=rule.max_age,
        min_years=rule.min_years,
        waiting_days=rule.waiting_days,
        tiers=tuple(Tier(t.min_years, t.amount) for t in rule.tiers),
    )


def years_text(years: Decimal, locale: str) -> str:
    """0.5 → '6 เดือน'; 3 → '3 ปี'."""
    months = int(years * 12)
    if months % 12:
        return count_text(locale, "month", months)
    return count_text(locale, "year", months // 12)


def amount_text(rule: BenefitRule, locale: str) -> str:
    """What the benefit pays with its caps: 'คืนละ 200 บาท ไม่เกินครั้งละ 600 บาท และไม่เกินปีละ 1,000 บาท'."""
    t = lambda key, **kw: translate(locale, f"benefits.{key}", **kw)  # noqa: E731
    if rule.tiers:
        low = min(x.amount for x in rule.tiers)
        high = max(x.amount for x in rule.tiers)
        text = t("amount_tiered", low=baht(low, locale), high=baht(high, locale))
    else:
        text = t(f"amount_per_{rule.per}", amount=baht(rule.amount or 0, locale))
    caps = []
    if rule.max_per_event is not None:
        caps.append(t("cap_per_event", amount=baht(rule.max_per_event, locale)))
    if rule.max_per_year is not None:
        caps.append(t("cap_per_year", amount=baht(rule.max_per_year, locale)))
    if caps:  # Thai runs the caps on after a space; English sets them off with a comma
        text += t("caps_sep") + t("and").join(caps)
    return text


def tier_lines(rule: BenefitRule, locale: str) -> list[str]:
    """Each tier of a benefit scaled by membership: 'เป็นสมาชิก 6 เดือนขึ้นไป: 3,000 บาท'."""
    return [translate(locale, "benefits.tier", years=years_text(x.min_years, locale),
                      amount=baht(x.amount, locale)) for x in sorted(rule.tiers, key=lambda x: x.min_years)]


def conditions_list(rule: BenefitRule, locale: str, waiting_days: int | None = None) -> list[str]:
    """The conditions of a benefit, each a phrase; the waiting period only when `waiting_days` is given."""
    t = lambda key, **kw: translate(locale, f"benefits.{key}", **kw)  # noqa: E731
    conditions = []
    if rule.min_age is not None:
        conditions.append(t("cond_min_age", age=rule.min_age))
    if rule.max_age is not None:
        conditions.append(t("cond_max_age", age=rule.max_age))
    if rule.min_years is not None:
        conditions.append(t("cond_min_years", years=years_text(rule.min_years, locale)))
    if waiting_days:
        conditions.append(t("cond_waiting", days=waiting_days))
    note = rule.note(locale)
    if note:
        conditions.append(note)
    return conditions


def describe_amount(rule: BenefitRule, locale: str) -> str:
    """The benefit in plain words: the amount with its caps, then its conditions joined with "และ"."""
    text = amount_text(rule, locale)
    conditions = conditions_list(rule, locale)
    if conditions:
        text += "\n" + translate(locale, "benefits.conditions",
                                 conditions=translate(locale, "benefits.and").join(conditions))
    return text


def short_name_th(fund: Fund) -> str:
    name = fund.name_th.strip()
    changed = True
    while changed:
        changed = False
        for prefix in _TH_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix):
                name, changed = name[len(prefix):].strip(), True
    return name


def short_name_en(fund: Fund) -> str:
    name = fund.name_en.strip()
    for suffix, tag in _EN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + tag
    return name


def shorten(label: str, limit: int = LABEL_MAX) -> str:
    """At most `limit` characters, cut before a Thai vowel or tone mark rather than through it."""
    if len(label) <= limit:
        return label
    cut = limit - 1
    while cut > 1 and unicodedata.category(label[cut]) == "Mn":
        cut -= 1
    return label[:cut].rstrip() + "…"


def fund_labels(funds: list[Fund], locale: str) -> list[str]:
    """Short button labels ("ทต.ราไวย์", "Rawai Mun."); numbered if shortening made twins."""
    if locale == "en":
        labels = [shorten(short_name_en(f)) for f in funds]
    else:
        labels = [shorten(f"{f.kind}{short_name_th(f)}") for f in funds]
    if len(set(labels)) < len(labels):
        labels = [shorten(f"{i}. {label}") for i, label in enumerate(labels, 1)]
    return labels
