"""Fund status: members, coverage, balance by source, benefits paid (the seed's transparency)."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.balance import SOURCES
from domain.thai import format_date, format_number
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.formatting import baht, fund_labels
from models import Fund, Member, MemberStatus
from services.reports import fund_figures


def fund_card(ctx: Context, fund: Fund) -> Card:
    loc = ctx.locale
    figures = fund_figures(ctx.session, fund, ctx.today)
    balance = figures.balance
    rows = [Row(ctx.t("fund.members"), ctx.t("fund.people", n=format_number(figures.active_members)))]
    if figures.coverage is not None and fund.population:
        rows.append(Row(ctx.t("fund.coverage"), ctx.t(
            "fund.coverage_value", pct=figures.coverage, population=format_number(fund.population))))
    rows.append(Row(ctx.t("fund.balance"), baht(balance.balance, loc)))
    for source in SOURCES:
        amount = balance.income_by_source[source]
        if amount:
            rows.append(Row(ctx.t(f"fund.source_{source}"),
                            f"{baht(amount, loc)} ({balance.shares[source]}%)"))
    rows.append(Row(ctx.t("fund.benefits_total"), baht(balance.benefits_paid, loc)))
    if balance.costs:
        rows.append(Row(ctx.t("fund.costs"), baht(balance.costs, loc)))
    claims, paid = figures.claims_paid_this_year, baht(figures.benefits_this_year, loc)
    rows.append(Row(ctx.t("fund.benefits_this_year", year=_year(ctx)),
                    ctx.t("fund.benefits_this_year_one", amount=paid) if claims == 1 else
                    ctx.t("fund.benefits_this_year_value", n=format_number(claims), amount=paid)))
    return Card(
        title=fund.name(loc),
        rows=tuple(rows),
        footer=ctx.t("common.as_of", date=format_date(ctx.today, loc)),
        buttons=(ctx.button("menu.btn_meetings", B.MEETINGS), ctx.button("menu.btn_menu", B.MENU)),
        alt_text=ctx.t("fund.alt", fund=fund.name(loc), balance=baht(balance.balance, loc)),
    )


def _year(ctx: Context) -> int:
    return ctx.today.year + 543 if ctx.locale == "th" else ctx.today.year


def _districts(ctx: Context) -> list[tuple[str, str]]:
    """(Thai, English) district names, in a stable order so a button's index stays valid."""
    rows = ctx.session.execute(
        select(Fund.district_th, Fund.district_en).distinct().order_by(Fund.district_th))
    return [(th, en) for th, en in rows]


@handles(postbacks=(B.FUND, B.FUND_SHOW, B.FUND_DISTRICT), intents=("fund",))
def fund_status(incoming: Incoming, ctx: Context) -> list[Reply]:
    data = incoming.postback or B.FUND
    if data.startswith(B.FUND_SHOW):
        fund = ctx.session.scalar(select(Fund).where(Fund.code == data.removeprefix(B.FUND_SHOW)))
        if fund is not None:
            return [fund_card(ctx, fund)]
    if data.startswith(B.FUND_DISTRICT):
        districts = _districts(ctx)
        index = data.removeprefix(B.FUND_DISTRICT)
        if index.isdigit() and int(index) < len(districts):
            return [_fund_choice(ctx, districts[int(index)][0])]
    if data == B.FUND and ctx.member is not None and not incoming.in_group:
        return [fund_card(ctx, ctx.member.fund)]
    return [_network_overview(ctx)]


def _network_overview(ctx: Context) -> Reply:
    """For someone not linked (or in a group): the network's totals, then pick a fund."""
    funds = ctx.session.scalar(select(func.count()).select_from(Fund)) or 0
    members = ctx.session.scalar(
        select(func.count()).select_from(Member).where(Member.status == MemberStatus.ACTIVE)) or 0
    districts = _districts(ctx)
    buttons = tuple(
        Button(ctx.t("fund.district_button", district=en if ctx.locale == "en" else th),
               f"{B.FUND_DISTRICT}{i}")
        for i, (th, en) in enumerate(districts))
    return Text(ctx.t("fund.network", funds=funds, members=format_number(members)), buttons)


def _fund_choice(ctx: Context, district_th: str) -> Reply:
    funds = list(ctx.session.scalars(select(Fund).where(Fund.district_th == district_th).order_by(Fund.code)))
    labels = fund_labels(funds, ctx.locale)
    buttons = tuple(Button(label, f"{B.FUND_SHOW}{f.code}") for label, f in zip(labels, funds, strict=True))
    return Text(ctx.t("fund.pick_fund"), buttons)
