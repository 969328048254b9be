"""`kongtun stats` (the network table, as the 2016 assembly report gives it) and `kongtun report`
(one fund's report for its assembly, CSV or XLSX): the figures of services.reports, the same the
committee reads in the chat."""

from __future__ import annotations

import csv
import unicodedata
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from bot.cli_jobs import sessions
from bot.config import Config
from locales import translate

STATS_HELP = (
    "The network table: each fund's name, active members, population and coverage, then the "
    "largest fund and the funds above 10% of their population. Members are ACTIVE members (the "
    "2016 report counts registered members; pending applicants, lapsed, resigned and deceased "
    "members are not counted)."
)
REPORT_HELP = (
    "Write FUND's report for its assembly (fund code, e.g. PAKHLOK): members by status, coverage, "
    "dues in arrears, the balance by source, benefits paid this year, messages that did not "
    "reach members, the LINE quota. No national ID or phone is ever written; the list of members "
    "in arrears (member number and short name only) only with --with-arrears."
)


def _shown_width(text: str) -> int:
    """Columns a terminal gives `text`: Thai vowel and tone marks sit above or below their letter."""
    return sum(1 for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn")


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * max(width - _shown_width(text), 0)
    return gap + text if right else text + gap


def _table_line(cells: list[str], widths: list[int]) -> str:
    first, *rest = cells
    return _pad(first, widths[0], right=False) + "".join(
        _pad(c, w, right=True) for c, w in zip(rest, widths[1:], strict=True))


@click.command("stats", help=STATS_HELP)
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True)
def stats_cmd(lang: str) -> None:
    from services.reports_network import network_table

    t = lambda key, **kw: translate(lang, f"cm_reports.{key}", **kw)  # noqa: E731
    config = Config.from_env()
    with sessions(config) as Session, Session() as session:
        table = network_table(session)
        widths = [18, 9, 12, 9]
        click.echo(
            _table_line([t("col_code"), t("col_members"), t("col_population"), t("col_coverage")], widths)
            + f"  {t('col_fund')}"
        )
        for row in table.rows:
            population = f"{row.fund.population:,}" if row.fund.population else t("unknown")
            coverage = f"{row.coverage}%" if row.coverage is not None else "-"
            click.echo(
                _table_line([row.fund.code, f"{row.members:,}", population, coverage], widths)
                + f"  {row.fund.name(lang)}"
            )
        click.echo(_table_line([t("network_total"), f"{table.total:,}", "", ""], widths).rstrip())
        if table.largest is not None:
            top = table.largest
            coverage = f"{top.coverage}%" if top.coverage is not None else t("unknown")
            click.echo(
                f"{t('network_largest')}: "
                + t(
                    "network_largest_value",
                    fund=top.fund.name(lang),
                    members=f"{top.members:,}",
                    coverage=coverage,
                )
            )
        above = ", ".join(f"{r.fund.name(lang)} ({r.coverage}%)" for r in table.above)
        click.echo(f"{t('network_above')}: {above or t('network_none_above')}")


def report_rows(report, lang: str, with_arrears: bool) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    """(section, label, value) rows in the reader's language; numbers stay numbers (Excel sums them)."""
    from services.reports import sections

    t = lambda key, **kw: translate(lang, f"cm_reports.{key}", **kw)  # noqa: E731
    year = report.on.year + 543 if lang == "th" else report.on.year
    rows: list[tuple[str, str, object]] = []
    for section, key, value in sections(report):
        label = t(key, year=year) if "{year}" in translate(lang, f"cm_reports.{key}") else t(key)
        rows.append((t(f"section_{section}"), label, value))
    if with_arrears:
        section = t("section_arrears_list")
        rows.append((section, t("member_no"), (t("name"), t("months"), t("amount"))))
        for o in report.arrears:
            rows.append((section, o.member_no, (o.short_name, o.months, o.amount)))
    return rows


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _cells(value: object) -> list[object]:
    """A figure is one cell; a row of the arrears list (name, months, amount) is three."""
    return [_cell(v) for v in value] if isinstance(value, tuple) else [_cell(value)]


def write_csv(path: Path, title: str, rows: list[tuple[str, str, object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # the BOM: Excel then reads Thai right
        out = csv.writer(fh)
        out.writerow([title])
        for section, label, value in rows:
            out.writerow([section, label, *_cells(value)])


def write_xlsx(path: Path, title: str, rows: list[tuple[str, str, object]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for section, label, value in rows:
        name = section[:31]  # Excel's limit on a sheet's name
        if name not in book.sheetnames:
            book.create_sheet(name).append([title])
        sheet = book[name]
        sheet.append([label, *_cells(value)])
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 18
    book.save(path)


@click.command("report", help=REPORT_HELP)
@click.argument("fund_code", metavar="FUND")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: report-FUND-YYYY-MM-DD.csv|xlsx here).",
)
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True)
@click.option(
    "--with-arrears",
    is_flag=True,
    help="Also list the members in arrears (member number, short name, months, amount).",
)
def report_cmd(fund_code: str, fmt: str, output: Path | None, lang: str, with_arrears: bool) -> None:
    from domain.thai import format_date
    from models import Fund, audit
    from services.reports import fund_report

    config = Config.from_env()
    today = datetime.now(ZoneInfo(config.timezone)).date()
    with sessions(config) as Session, Session() as session, session.begin():
        # Codes are upper case ("PAKHLOK"); an operator typing "pakhlok" means the same fund.
        fund = session.scalar(select(Fund).where(Fund.code == fund_code.strip().upper()))
        if fund is None:
            raise click.ClickException(f"no fund {fund_code} (kongtun stats lists the funds' codes)")
        report = fund_report(session, fund, today)
        title = (
            translate(lang, "cm_reports.members_title", fund=fund.name(lang))
            + " · "
            + translate(lang, "cm_reports.as_of_file", date=format_date(today, lang))
        )
        rows = report_rows(report, lang, with_arrears)
        path = output or Path(f"report-{fund.code}-{today.isoformat()}.{fmt}")
        (write_csv if fmt == "csv" else write_xlsx)(path, title, rows)
        audit(session, "cli", "report.exported", "fund", fund.id, format=fmt, with_arrears=with_arrears)
    click.echo(
        f"Wrote {fund.code}'s report to {path}" + (" (with the arrears list)." if with_arrears else ".")
    )
