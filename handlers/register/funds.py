"""The funds an applicant chooses from, by district, in the reader's language and order."""

from __future__ import annotations

from sqlalchemy import select

from handlers import buttons as B
from handlers.base import Context
from handlers.formatting import short_name_th
from handlers.register.data import RegistrationData
from handlers.register.places import tambon_named
from models import Fund


def _thai_sort_key(text: str) -> str:
    """Thai dictionary order puts a leading vowel (เ แ โ ใ ไ) after the consonant it precedes."""
    if len(text) > 1 and text[0] in "เแโใไ":
        return text[1] + text[0] + text[2:]
    return text


def all_funds(ctx: Context) -> list[Fund]:
    funds = ctx.session.scalars(select(Fund)).all()
    if ctx.locale == "en":
        return sorted(funds, key=lambda f: (f.district_en, f.name_en))
    return sorted(funds, key=lambda f: (_thai_sort_key(f.district_th), _thai_sort_key(short_name_th(f))))


def districts(ctx: Context) -> list[str]:
    seen: list[str] = []
    for fund in all_funds(ctx):
        if fund.district_th not in seen:
            seen.append(fund.district_th)
    return seen


def funds_in(ctx: Context, district: str | None) -> list[Fund]:
    return [f for f in all_funds(ctx) if f.district_th == district]


def offered_funds(ctx: Context, data: RegistrationData) -> list[Fund]:
    """The funds of the chosen district, those of the ตำบล the applicant named first."""
    funds = funds_in(ctx, data.district)
    tambon = tambon_named(data.tambon)
    if tambon is None:
        return funds
    return sorted(funds, key=lambda f: not tambon.covered_by(f))


def district_label(ctx: Context, funds: list[Fund], district: str | None) -> str:
    for fund in funds:
        if fund.district_th == district:
            return fund.district(ctx.locale)
    return district or ""


def fund_data(fund: Fund) -> str:
    """The button data choosing `fund`: its code, or '#' + id when the code is not short ASCII."""
    data = f"{B.REG_FUND}{fund.code}"
    if fund.code.isascii() and len(data.encode()) <= 64 and "#" not in fund.code:
        return data
    return f"{B.REG_FUND}#{fund.id}"


def fund_by_ref(ctx: Context, ref: str | None) -> Fund | None:
    if not ref:
        return None
    if ref.startswith("#"):
        return ctx.session.get(Fund, int(ref[1:])) if ref[1:].isdigit() else None
    return ctx.session.scalar(select(Fund).where(Fund.code == ref))


def require_funds(ctx: Context, data: RegistrationData) -> str | None:
    return None if all_funds(ctx) else "register.no_funds"


def offer_districts(ctx: Context, data: RegistrationData) -> str | None:
    """The districts to choose from; with only one, it is chosen already."""
    data.districts = districts(ctx)
    if data.editing != "fund":  # changing the fund from the summary: the chosen one stays until another is
        data.fund = None
    if not data.districts:
        return "register.no_funds"
    data.district = data.districts[0] if len(data.districts) == 1 else None
    return None
