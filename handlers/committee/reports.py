"""Reports (รายงาน): the fund's figures for its committee, as cards, with the arrears list, the
members near lapse and, for admins, the network table (handlers/committee/reports_lists.py).

Every press names the fund it reads in its data ("cm:rep:f:12"), so every press is authorized again
on that fund: a committee member of one fund never reads another's, whatever the button says.
"""

from __future__ import annotations

from domain.balance import SOURCES
from domain.thai import format_date, format_number
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, handles
from handlers.committee import guard, reports_lists
from handlers.formatting import baht
from models import Fund
from services.reports import DELIVERY_STATES, STATUSES, FundReport, fund_report

DIALOG = "cm.rep"


def _fund_id(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@handles(postbacks=(B.CM_REPORTS, B.CM_REP_ANY), dialog=DIALOG)
def reports(incoming: Incoming, ctx: Context) -> list[Reply]:
    data = incoming.postback or B.CM_REPORTS
    if data == B.CM_REP_NETWORK:
        return reports_lists.network(incoming, ctx)
    for prefix, show in (
        (B.CM_REP_ARREARS, reports_lists.arrears),
        (B.CM_REP_LAPSE, reports_lists.near_lapse),
    ):
        if data.startswith(prefix):
            fund_id, _, page = data.removeprefix(prefix).partition(":")
            return show(incoming, ctx, _fund_id(fund_id), int(page) if page.isdigit() else 0)
    fund_id = _fund_id(data.removeprefix(B.CM_REP_FUND)) if data.startswith(B.CM_REP_FUND) else None
    return fund_report_replies(incoming, ctx, fund_id)


def fund_report_replies(incoming: Incoming, ctx: Context, fund_id: int | None) -> list[Reply]:
    """The report of `fund_id` (None: the member's own fund), if the chat may read it."""
    acting = guard.authorize(
        incoming, ctx, "reports.fund", guard.REPORTS, **({"fund_id": fund_id} if fund_id is not None else {})
    )
    if not isinstance(acting, guard.Acting):
        return acting
    ctx.clear_state()  # a report is read, not a dialog: nothing waits for an answer
    fund = acting.fund
    if fund is None:  # an id of no fund (only an admin gets this far with one)
        return reports_lists.no_such_fund(ctx)
    report = fund_report(ctx.session, fund, ctx.today)
    return [members_card(ctx, report), money_card(ctx, report), delivery_card(ctx, report, acting)]


def _people(ctx: Context, n: int) -> str:
    return ctx.t("cm_reports.people", n=format_number(n))


def members_card(ctx: Context, report: FundReport) -> Card:
    fund = report.fund
    loc = ctx.locale
    rows = [
        Row(ctx.t(f"cm_reports.{status.value}"), _people(ctx, report.by_status[status]))
        for status in STATUSES
    ]
    if report.coverage is not None and fund.population:
        coverage = ctx.t(
            "cm_reports.coverage_value", pct=report.coverage, population=format_number(fund.population)
        )
    else:
        coverage = ctx.t("cm_reports.unknown")
    rows.append(Row(ctx.t("cm_reports.coverage"), coverage))
    rows.append(
        Row(
            ctx.t("cm_reports.in_arrears"),
            ctx.t(
                "cm_reports.people_owing",
                n=format_number(len(report.arrears)),
                amount=baht(report.arrears_amount, loc),
            ),
        )
    )
    rows.append(Row(ctx.t("cm_reports.near_lapse"), _people(ctx, len(report.near_lapse))))
    return Card(
        title=ctx.t("cm_reports.members_title", fund=fund.name(loc)),
        rows=tuple(rows),
        alt_text=ctx.t(
            "cm_reports.alt",
            fund=fund.name(loc),
            members=format_number(report.active),
            arrears=format_number(len(report.arrears)),
        ),
    )


def money_card(ctx: Context, report: FundReport) -> Card:
    loc = ctx.locale
    balance = report.money.balance
    rows = [Row(ctx.t("cm_reports.balance"), baht(balance.balance, loc))]
    for source in SOURCES:
        amount = balance.income_by_source[source]
        if amount:
            rows.append(
                Row(ctx.t(f"cm_reports.source_{source}"), f"{baht(amount, loc)} ({balance.shares[source]}%)")
            )
    rows.append(Row(ctx.t("cm_reports.benefits_paid"), baht(balance.benefits_paid, loc)))
    if balance.costs:
        rows.append(Row(ctx.t("cm_reports.costs"), baht(balance.costs, loc)))
    year = report.on.year + 543 if loc == "th" else report.on.year
    rows.append(
        Row(
            ctx.t("cm_reports.benefits_this_year", year=year),
            ctx.t(
                "cm_reports.benefits_value",
                n=format_number(report.money.claims_paid_this_year),
                amount=baht(report.money.benefits_this_year, loc),
            ),
        )
    )
    return Card(title=ctx.t("cm_reports.money_title"), rows=tuple(rows))


def quota_text(ctx: Context, report: FundReport) -> str:
    quota = report.quota
    if quota is None:
        return ctx.t("cm_reports.quota_unknown")
    if quota.limit is None:
        return ctx.t("cm_reports.quota_unlimited", used=format_number(quota.used))
    return ctx.t(
        "cm_reports.quota_value",
        used=format_number(quota.used),
        left=format_number(quota.left or 0),
        limit=format_number(quota.limit),
    )


def delivery_card(ctx: Context, report: FundReport, acting: guard.Acting) -> Card:
    rows = [
        Row(
            ctx.t(f"cm_reports.{state}"),
            ctx.t("cm_reports.messages", n=format_number(report.delivery[state])),
        )
        for state in DELIVERY_STATES
        if report.delivery.get(state)
    ]
    if not rows:
        rows.append(Row("", ctx.t("cm_reports.no_problems")))
    rows.append(Row(ctx.t("cm_reports.line_quota"), quota_text(ctx, report)))
    return Card(
        title=ctx.t("cm_reports.delivery_title"),
        rows=tuple(rows),
        footer=ctx.t("cm_reports.as_of", date=format_date(report.on, ctx.locale)),
        buttons=report_buttons(ctx, report.fund, acting),
    )


def report_buttons(ctx: Context, fund: Fund, acting: guard.Acting) -> tuple[Button, ...]:
    buttons = [
        ctx.button("cm_reports.btn_arrears", f"{B.CM_REP_ARREARS}{fund.id}:0"),
        ctx.button("cm_reports.btn_near_lapse", f"{B.CM_REP_LAPSE}{fund.id}:0"),
    ]
    if acting.admin:
        buttons.append(ctx.button("cm_reports.btn_network", B.CM_REP_NETWORK))
    return (*buttons, ctx.button("committee.btn_back", B.COMMITTEE), ctx.button("menu.btn_menu", B.MENU))
