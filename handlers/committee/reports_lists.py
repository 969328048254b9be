"""The lists behind the fund's report: members in arrears and near lapse (10 a page, for the
treasurer to call on), and the network table for admins (the same as `kongtun stats`)."""

from __future__ import annotations

from collections.abc import Callable

from domain.thai import format_date, format_number
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text
from handlers.committee import guard
from handlers.formatting import baht, short_name_en, short_name_th
from models import Fund
from services.reports import Owing, owing, page_of
from services.reports_network import NetworkTable, network_table


def _authorized(
    incoming: Incoming, ctx: Context, action: str, fund_id: int | None
) -> guard.Acting | list[Reply]:
    if fund_id is None:  # a made-up page: read as the member's own fund
        return guard.authorize(incoming, ctx, action, guard.REPORTS)
    return guard.authorize(incoming, ctx, action, guard.REPORTS, fund_id=fund_id)


def no_such_fund(ctx: Context) -> list[Reply]:
    return [Text(ctx.t("menu.stale_button"), (ctx.button("committee.btn_back", B.COMMITTEE),))]


def arrears(incoming: Incoming, ctx: Context, fund_id: int | None, page: int) -> list[Reply]:
    return _owing_page(incoming, ctx, fund_id, page, "reports.arrears", B.CM_REP_ARREARS, lambda o: True)


def near_lapse(incoming: Incoming, ctx: Context, fund_id: int | None, page: int) -> list[Reply]:
    return _owing_page(
        incoming, ctx, fund_id, page, "reports.near_lapse", B.CM_REP_LAPSE, lambda o: o.near_lapse
    )


def _owing_page(
    incoming: Incoming,
    ctx: Context,
    fund_id: int | None,
    page: int,
    action: str,
    prefix: str,
    keep: Callable[[Owing], bool],
) -> list[Reply]:
    acting = _authorized(incoming, ctx, action, fund_id)
    if not isinstance(acting, guard.Acting):
        return acting
    fund = acting.fund
    if fund is None:
        return no_such_fund(ctx)
    ctx.clear_state()
    loc = ctx.locale
    everyone = owing(ctx.session, fund, ctx.today)
    found = [o for o in everyone if keep(o)]
    shown = page_of(found, page)
    lapse = prefix == B.CM_REP_LAPSE
    back = (
        ctx.button("cm_reports.btn_report", f"{B.CM_REP_FUND}{fund.id}"),
        ctx.button("menu.btn_menu", B.MENU),
    )
    if not found:
        return [
            Text(
                ctx.t(
                    "cm_reports.none_near_lapse" if lapse else "cm_reports.none_owing", fund=fund.name(loc)
                ),
                back,
            )
        ]
    head = ctx.t(
        "cm_reports.near_lapse_head" if lapse else "cm_reports.arrears_head",
        fund=fund.name(loc),
        n=format_number(len(found)),
        amount=baht(sum((o.amount for o in found), 0), loc),
        page=shown.page + 1,
        pages=shown.pages,
    )
    lines = [head, ""]
    for o in shown.items:
        if lapse and o.lapse_on is not None:
            lines.append(
                ctx.t(
                    "cm_reports.lapse_line",
                    no=o.member_no,
                    name=o.short_name,
                    months=o.months,
                    date=format_date(o.lapse_on, loc, short=True),
                )
            )
        else:
            lines.append(
                ctx.t(
                    "cm_reports.owing_line",
                    no=o.member_no,
                    name=o.short_name,
                    months=o.months,
                    amount=baht(o.amount, loc),
                )
            )
    buttons: list[Button] = []
    if shown.has_previous:
        buttons.append(ctx.button("cm_reports.btn_previous", f"{prefix}{fund.id}:{shown.page - 1}"))
    if shown.has_next:
        buttons.append(ctx.button("cm_reports.btn_next", f"{prefix}{fund.id}:{shown.page + 1}"))
    return [Text("\n".join(lines), (*buttons, *back))]


def network(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "reports.network", guard.NETWORK, fund_id=None)
    if not isinstance(acting, guard.Acting):
        return acting
    ctx.clear_state()
    table = network_table(ctx.session)
    buttons = (
        ctx.button("cm_reports.btn_report", B.CM_REPORTS),
        ctx.button("committee.btn_back", B.COMMITTEE),
        ctx.button("menu.btn_menu", B.MENU),
    )
    return [network_card(ctx, table, buttons)]


def fund_label(fund: Fund, locale: str) -> str:
    return short_name_en(fund) if locale == "en" else f"{fund.kind}{short_name_th(fund)}"


def coverage_text(ctx: Context, coverage: object) -> str:
    return f"{coverage}%" if coverage is not None else ctx.t("cm_reports.unknown")


def network_card(ctx: Context, table: NetworkTable, buttons: tuple[Button, ...]) -> Card:
    loc = ctx.locale
    rows = [
        Row(
            fund_label(r.fund, loc),
            ctx.t(
                "cm_reports.network_row",
                members=format_number(r.members),
                coverage=coverage_text(ctx, r.coverage),
            ),
        )
        for r in table.rows
    ]
    rows.append(
        Row(ctx.t("cm_reports.network_total"), ctx.t("cm_reports.people", n=format_number(table.total)))
    )
    if table.largest is not None:
        top = table.largest
        rows.append(
            Row(
                ctx.t("cm_reports.network_largest"),
                ctx.t(
                    "cm_reports.network_largest_value",
                    fund=top.fund.name(loc),
                    members=format_number(top.members),
                    coverage=coverage_text(ctx, top.coverage),
                ),
            )
        )
    above = ", ".join(f"{fund_label(r.fund, loc)} ({r.coverage}%)" for r in table.above)
    rows.append(Row(ctx.t("cm_reports.network_above"), above or ctx.t("cm_reports.network_none_above")))
    return Card(
        title=ctx.t("cm_reports.network_title"),
        rows=tuple(rows),
        footer=ctx.t("cm_reports.as_of", date=format_date(ctx.today, loc)),
        buttons=buttons,
    )
