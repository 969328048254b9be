"""Import a fund's roster or dues payments from CSV or XLSX (`kongtun import members|payments FILE`).

All or nothing: every row is checked first, and one bad row means nothing of the file is written,
so a committee never has to work out which half of a spreadsheet went in. Each problem is reported
with its line number (the header is line 1). National IDs and phone numbers are personal data:
messages show at most their last four digits.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from domain.dates import month_from_index, month_index
from domain.dues import months_covered
from domain.identity import hash_national_id
from domain.thai import (
    format_month,
    national_id_check_digit,
    parse_date,
    parse_mobile,
    to_arabic_digits,
)
from models import Fund, Member, MemberStatus, Payment, audit

log = logging.getLogger(__name__)

MEMBER_COLUMNS = ("fund_code", "member_no", "first_name", "last_name", "national_id", "birth_date",
                  "phone", "joined_on")
PAYMENT_COLUMNS = ("fund_code", "member_no", "paid_on", "amount")
OPTIONAL = {"phone"}


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportResult:
    written: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileProblem(Exception):
    """The file as a whole cannot be read: reported as one error."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


Row = tuple[int, dict[str, str]]  # (line number, column -> text)


# --- reading ----------------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    """Spreadsheet cells as the text a person typed: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_lines(path: Path) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(line, "the file is not UTF-8 text (save it as 'CSV UTF-8')") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(reader.line_num, [cell.strip() for cell in cells]) for cells in reader]


def _xlsx_lines(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only when a workbook comes: it is slow to import

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; the cell values are what count.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(1, "cannot read the file as an XLSX workbook") from exc
    try:
        sheet = workbook.worksheets[0]
        return [(number, [_cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()  # read-only workbooks keep the file open until closed


def read_table(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """The data rows of a CSV or XLSX file whose header names exactly `columns` (in any order)."""
    readers: dict[str, Callable[[Path], list[tuple[int, list[str]]]]] = {
        ".csv": _csv_lines, ".xlsx": _xlsx_lines}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise FileProblem(1, f"unsupported file type '{path.suffix}': use CSV (UTF-8) or XLSX")
    lines = [(n, cells) for n, cells in reader(path) if any(cells)]
    if not lines:
        raise FileProblem(1, "the file is empty: expected a header row " + ",".join(columns))
    header_line, header = lines[0]
    names = [h.strip().lower() for h in header]
    _check_header(header_line, names, columns)
    rows: list[Row] = []
    for number, cells in lines[1:]:
        if any(cells[len(names):]):
            rows.append((number, {"__extra__": "1"}))
            continue
        cells = cells + [""] * (len(names) - len(cells))
        rows.append((number, {name: cell for name, cell in zip(names, cells, strict=False) if name}))
    if not rows:
        raise FileProblem(1, "the file has a header but no data rows")
    return rows


def _check_header(line: int, names: list[str], columns: tuple[str, ...]) -> None:
    present = [n for n in names if n]
    missing = [c for c in columns if c not in present]
    unexpected = [n for n in present if n not in columns]
    doubled = sorted({n for n in present if present.count(n) > 1})
    if missing or unexpected or doubled:
        problems = [f"{label}: {', '.join(items)}" for label, items in
                    (("missing", missing), ("unexpected", unexpected), ("repeated", doubled)) if items]
        raise FileProblem(line, f"wrong header columns ({'; '.join(problems)}); expected "
                                + ",".join(columns))


# --- checking one value -------------------------------------------------------------------------

def _digits(text: str) -> str:
    return "".join(ch for ch in to_arabic_digits(text) if ch.isdigit())


def _national_id_problem(text: str) -> str | None:
    digits = _digits(text)
    tail = f" (ending {digits[-4:]})" if len(digits) >= 4 else ""
    if not re.fullmatch(r"[0-9]{13}", re.sub(r"[\s\-.]", "", to_arabic_digits(text))):
        return f"national_id must have 13 digits{tail}"
    if digits[0] in "09":
        return f"national_id{tail} cannot start with 0 or 9"
    if national_id_check_digit(digits[:12]) != int(digits[12]):
        return f"national_id{tail} is not valid: the check digit does not match"
    return None


def _phone(text: str) -> str | None:
    digits = _digits(text)
    # A phone typed into a number cell loses its leading zero (812345678): put it back.
    if len(digits) == 9 and digits[0] in "689" and _digits(text) == text.strip():
        return parse_mobile("0" + digits)
    return parse_mobile(text)


def _date(text: str, column: str, problems: list[str]) -> date | None:
    parsed = parse_date(text)
    if parsed.value is None:
        hint = "write the year with four digits" if parsed.ambiguous else \
            "use 2026-01-15 or 15/01/2569"
        problems.append(f"{column} '{text}' is not a date ({hint})")
    return parsed.value


def _amount(text: str, problems: list[str]) -> Decimal | None:
    cleaned = to_arabic_digits(text).replace(",", "").replace("฿", "").replace("บาท", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        problems.append(f"amount '{text}' is not a number")
        return None
    if not value.is_finite() or value <= 0:
        problems.append(f"amount must be more than 0 (got '{text}')")
        return None
    if value != value.quantize(Decimal("0.01")):
        problems.append(f"amount '{text}' has more than two decimals")
        return None
    return value


# --- the rows of a file -------------------------------------------------------------------------

class _Importer:
    def __init__(self, session: Session, path: Path, *, id_key: str, actor: str, today: date) -> None:
        self.session = session
        self.path = path
        self.id_key = id_key
        self.actor = actor
        self.today = today
        self.funds = {f.code.upper(): f for f in session.scalars(select(Fund))}
        self._member_nos: dict[int, dict[str, tuple[int, date]]] = {}
        self._hashes: dict[int, set[str]] = {}

    def fund(self, code: str, problems: list[str]) -> Fund | None:
        fund = self.funds.get(code.strip().upper())
        if fund is None:
            problems.append(f"unknown fund '{code}'")
        return fund

    def members_of(self, fund: Fund) -> dict[str, tuple[int, date]]:
        """member_no -> (member id, joined on) for the fund, read once."""
        if fund.id not in self._member_nos:
            self._member_nos[fund.id] = {
                no: (member_id, joined) for no, member_id, joined in self.session.execute(
                    select(Member.member_no, Member.id, Member.joined_on)
                    .where(Member.fund_id == fund.id, Member.member_no.is_not(None)))}
        return self._member_nos[fund.id]

    def hashes_of(self, fund: Fund) -> set[str]:
        if fund.id not in self._hashes:
            self._hashes[fund.id] = set(self.session.scalars(
                select(Member.national_id_hash).where(Member.fund_id == fund.id)))
        return self._hashes[fund.id]

    @staticmethod
    def missing(row: dict[str, str], columns: tuple[str, ...]) -> list[str]:
        empty = [c for c in columns if c not in OPTIONAL and not row.get(c)]
        return [f"missing {', '.join(empty)}"] if empty else []

    # -- members ---------------------------------------------------------------------------------

    def members(self, rows: list[Row]) -> tuple[list[dict[str, Any]], list[RowError]]:
        out, errors = [], []
        seen_no: dict[tuple[int, str], int] = {}
        seen_id: dict[str, int] = {}
        now = datetime.now(ZoneInfo("UTC"))
        for line, row in rows:
            problems = ["more values than header columns"] if "__extra__" in row \
                else self.missing(row, MEMBER_COLUMNS)
            if not problems:
                values = self.member_values(line, row, problems, seen_no, seen_id)
                if values and not problems:
                    out.append({**values, "created_at": now})
            if problems:
                errors.append(RowError(line, "; ".join(problems)))
        return out, errors

    def member_values(self, line: int, row: dict[str, str], problems: list[str],
                      seen_no: dict[tuple[int, str], int], seen_id: dict[str, int]) -> dict | None:
        fund = self.fund(row["fund_code"], problems)
        member_no = to_arabic_digits(row["member_no"]).strip()
        if len(member_no) > 20:
            problems.append("member_no is longer than 20 characters")
        for column in ("first_name", "last_name"):
            if len(row[column]) > 100:
                problems.append(f"{column} is longer than 100 characters")
        id_problem = _national_id_problem(row["national_id"])
        if id_problem:
            problems.append(id_problem)
        birth = _date(row["birth_date"], "birth_date", problems)
        joined = _date(row["joined_on"], "joined_on", problems)
        if birth and birth > self.today:
            problems.append("birth_date is in the future")
        if joined and joined > self.today:
            problems.append(f"joined_on {joined.isoformat()} is in the future")
        if birth and joined and joined < birth:
            problems.append("joined_on is before birth_date")
        phone = None
        if row.get("phone"):
            phone = _phone(row["phone"])
            if phone is None:
                tail = _digits(row["phone"])[-4:]
                problems.append(f"phone (ending {tail}) is not a Thai mobile number: "
                                "10 digits starting 06, 08 or 09")
        if fund is None:
            return None
        if (fund.id, member_no) in seen_no:
            problems.append(f"member_no {member_no} appears twice in the file "
                            f"(also on line {seen_no[fund.id, member_no]})")
        elif member_no in self.members_of(fund):
            problems.append(f"member_no {member_no} already exists in fund {fund.code}")
        seen_no.setdefault((fund.id, member_no), line)
        if id_problem:
            return None
        digits = _digits(row["national_id"])
        digest = hash_national_id(self.id_key, digits)
        if digest in seen_id:
            problems.append(f"national_id (ending {digits[-4:]}) appears twice in the file "
                            f"(also on line {seen_id[digest]})")
        elif digest in self.hashes_of(fund):
            problems.append(f"a member with national_id ending {digits[-4:]} is already in "
                            f"fund {fund.code}")
        seen_id.setdefault(digest, line)
        if problems:
            return None
        return {"fund_id": fund.id, "member_no": member_no, "first_name": row["first_name"],
                "last_name": row["last_name"], "national_id_hash": digest,
                "national_id_last4": digits[-4:], "birth_date": birth, "phone": phone,
                "joined_on": joined, "status": MemberStatus.ACTIVE, "preferred_language": "th",
                "consent_at": None, "consent_version": None}

    # -- payments --------------------------------------------------------------------------------

    def payments(self, rows: list[Row]) -> tuple[list[dict[str, Any]], list[RowError]]:
        out, errors = [], []
        paid: dict[int, Decimal] = {}  # member id -> total paid, including this file's good rows
        now = datetime.now(ZoneInfo("UTC"))
        for line, row in rows:
            problems = ["more values than header columns"] if "__extra__" in row \
                else self.missing(row, PAYMENT_COLUMNS)
            if not problems:
                values = self.payment_values(row, problems, paid)
                if values and not problems:
                    out.append({**values, "created_at": now})
            if problems:
                errors.append(RowError(line, "; ".join(problems)))
        return out, errors

    def payment_values(self, row: dict[str, str], problems: list[str],
                       paid: dict[int, Decimal]) -> dict | None:
        fund = self.fund(row["fund_code"], problems)
        paid_on = _date(row["paid_on"], "paid_on", problems)
        if paid_on and paid_on > self.today:
            problems.append(f"paid_on {paid_on.isoformat()} is in the future")
        amount = _amount(row["amount"], problems)
        if fund is None:
            return None
        member_no = to_arabic_digits(row["member_no"]).strip()
        member = self.members_of(fund).get(member_no)
        if member is None:
            problems.append(f"no member {member_no} in fund {fund.code}")
            return None
        if problems or amount is None or paid_on is None:
            return None
        member_id, joined_on = member
        if member_id not in paid:
            paid[member_id] = Decimal(self.session.scalar(
                select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.member_id == member_id)))
        before = max(months_covered(paid[member_id], fund.dues_per_month), 0)
        after = months_covered(paid[member_id] + amount, fund.dues_per_month)
        # The oldest unpaid months are paid first: the member is paid through joined + after - 1.
        through = month_index(joined_on) + after - 1
        limit = month_index(self.today) + fund.may_pay_months_ahead
        if through > limit:
            current = format_month(*month_from_index(month_index(self.today)), "en")
            problems.append(
                f"amount {amount} would pay member {member_no} through "
                f"{format_month(*month_from_index(through), 'en')}, more than "
                f"{fund.may_pay_months_ahead} months beyond {current}")
            return None
        paid[member_id] += amount
        return {"member_id": member_id, "amount": amount, "months_covered": after - before,
                "paid_on": paid_on, "recorded_by": self.actor, "reverses_id": None,
                "note": f"import {self.path.name}"[:500]}


def _bangkok_today() -> date:
    return datetime.now(ZoneInfo("Asia/Bangkok")).date()


def import_file(session: Session, kind: str, path: Path, *, id_key: str, actor: str,
                today: date | None = None) -> ImportResult:
    """Check every row of `path`; write them all (and an audit row) only if every row is good."""
    specs = {"members": (MEMBER_COLUMNS, Member), "payments": (PAYMENT_COLUMNS, Payment)}
    if kind not in specs:
        raise ValueError(f"unknown import kind {kind!r}: use 'members' or 'payments'")
    columns, model = specs[kind]
    try:
        rows = read_table(path, columns)
    except FileProblem as problem:
        return ImportResult(0, [RowError(problem.line, problem.reason)])
    importer = _Importer(session, path, id_key=id_key, actor=actor, today=today or _bangkok_today())
    values, errors = importer.members(rows) if kind == "members" else importer.payments(rows)
    if errors:
        session.rollback()
        log.info("import of %s from %s refused: %d bad row(s)", kind, path.name, len(errors))
        return ImportResult(0, errors)
    try:
        session.execute(insert(model.__table__), values)
        audit(session, actor, f"import.{kind}", "file", path.name[:40], rows=len(values),
              funds=sorted({r["fund_code"].strip().upper() for _, r in rows}))
        session.commit()
    except Exception:
        session.rollback()
        raise
    log.info("imported %d %s from %s", len(values), kind, path.name)
    return ImportResult(len(values), [])
