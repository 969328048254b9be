"""Importing members and payments from CSV and XLSX: every bad row is reported with its line
number, and a file with any bad row writes nothing."""

from __future__ import annotations

import csv
import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import main
from bot.imports import MEMBER_COLUMNS, PAYMENT_COLUMNS, RowError, import_file
from domain.dues import dues_status
from domain.identity import hash_national_id
from models import AuditLog, Member, MemberStatus, Payment
from tests.conftest import SECRET
from tests.factories import make_fund, make_member, valid_national_id

TODAY = date(2026, 11, 29)
SOMCHAI_ID = "3100600445635"
OTHER_ID = valid_national_id(424242)
MEMBER = {"fund_code": "PAKHLOK", "member_no": "00012", "first_name": "สมชาย", "last_name": "ใจดี",
          "national_id": SOMCHAI_ID, "birth_date": "15/01/2510", "phone": "081-234-5678",
          "joined_on": "2026-01-15"}
OTHER = {**MEMBER, "member_no": "00013", "first_name": "สมศรี", "last_name": "มีสุข",
         "national_id": OTHER_ID, "phone": "", "birth_date": "1955-03-03"}


def write_csv(path: Path, rows: list[dict], columns=MEMBER_COLUMNS, *, bom: bool = False,
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def write_xlsx(path: Path, rows: list[list], columns=MEMBER_COLUMNS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run(session, kind: str, path: Path):
    return import_file(session, kind, path, id_key=SECRET, actor="test", today=TODAY)


def member_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Member))


@pytest.fixture
def fund(session):
    fund = make_fund(session, "PAKHLOK")
    session.commit()
    return fund


# --- members --------------------------------------------------------------------------------------

def test_a_good_csv_writes_active_members_with_only_a_hash_of_the_id(session, fund, tmp_path):
    thai_digits = {**OTHER, "joined_on": "๑๕/๐๑/๒๕๖๙", "national_id": OTHER_ID.translate(
        str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))}
    path = write_csv(tmp_path / "members.csv", [MEMBER, thai_digits], bom=True)
    result = run(session, "members", path)
    assert result.errors == [] and result.written == 2
    somchai = session.scalar(select(Member).where(Member.member_no == "00012"))
    assert somchai.fund_id == fund.id and somchai.status == MemberStatus.ACTIVE
    assert somchai.birth_date == date(1967, 1, 15)  # 15/01/2510 in the Buddhist Era
    assert somchai.joined_on == date(2026, 1, 15)
    assert somchai.national_id_hash == hash_national_id(SECRET, SOMCHAI_ID)
    assert somchai.national_id_last4 == "5635"
    assert somchai.phone == "+66812345678"
    somsri = session.scalar(select(Member).where(Member.member_no == "00013"))
    assert somsri.joined_on == date(2026, 1, 15) and somsri.phone is None
    assert somsri.national_id_hash == hash_national_id(SECRET, OTHER_ID)
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "import.members"))
    assert entry.actor == "test" and entry.detail["rows"] == 2
    assert SOMCHAI_ID not in str(entry.detail)


def test_a_good_xlsx_with_number_and_date_cells_is_read_like_the_csv(session, fund, tmp_path):
    # Spreadsheets turn IDs into numbers, dates into dates and drop a phone's leading zero.
    path = write_xlsx(tmp_path / "members.xlsx", [
        ["PAKHLOK", "00012", "สมชาย", "ใจดี", int(SOMCHAI_ID), datetime(1967, 1, 15), 812345678,
         "15/01/2569"],
        ["PAKHLOK", 13, "สมศรี", "มีสุข", OTHER_ID, "03/03/2498", None, date(2020, 5, 1)],
    ])
    result = run(session, "members", path)
    assert result.errors == [] and result.written == 2
    somchai = session.scalar(select(Member).where(Member.member_no == "00012"))
    assert (somchai.birth_date, somchai.joined_on) == (date(1967, 1, 15), date(2026, 1, 15))
    assert somchai.phone == "+66812345678"
    assert somchai.national_id_hash == hash_national_id(SECRET, SOMCHAI_ID)
    somsri = session.scalar(select(Member).where(Member.member_no == "13"))
    assert (somsri.birth_date, somsri.joined_on) == (date(1955, 3, 3), date(2020, 5, 1))


BAD_MEMBER_ROWS = [
    ({"fund_code": "NOPE"}, "unknown fund 'NOPE'"),
    ({"first_name": ""}, "missing first_name"),
    ({"national_id": "", "joined_on": ""}, "missing national_id, joined_on"),
    ({"national_id": OTHER_ID[:12] + str((int(OTHER_ID[12]) + 1) % 10)}, "check digit"),
    ({"national_id": "12345"}, "13 digits"),
    ({"national_id": "9" + OTHER_ID[1:]}, "cannot start with 0 or 9"),
    ({"birth_date": "31/02/2510"}, "birth_date '31/02/2510' is not a date"),
    ({"birth_date": "15/01/10"}, "four digits"),
    ({"joined_on": "2027-01-01"}, "joined_on 2027-01-01 is in the future"),
    ({"joined_on": "01/01/2490"}, "joined_on is before birth_date"),
    ({"phone": "02-123-4567"}, "phone (ending 4567) is not a Thai mobile number"),
    ({"phone": "0681234567"}, "but 060 and 068 are internet (VoIP) numbers, not mobiles"),
    ({"member_no": "00012"}, "member_no 00012 appears twice in the file (also on line 2)"),
    ({"national_id": SOMCHAI_ID}, "appears twice in the file (also on line 2)"),
    ({"member_no": "00077"}, "member_no 00077 already exists in fund PAKHLOK"),
]


@pytest.mark.parametrize(("change", "reason"), BAD_MEMBER_ROWS)
def test_a_bad_member_row_is_reported_by_line_and_nothing_is_written(session, fund, tmp_path, caplog,
                                                                     change, reason):
    make_member(session, fund, member_no="00077", national_id=valid_national_id(777))
    session.commit()
    before = member_count(session)
    good = {**OTHER, "member_no": "00099", "national_id": valid_national_id(99)}
    path = write_csv(tmp_path / "members.csv", [MEMBER, {**OTHER, **change}, good])
    with caplog.at_level(logging.DEBUG):
        result = run(session, "members", path)
    assert result.written == 0
    assert len(result.errors) == 1 and result.errors[0].line == 3, result.errors
    assert reason in result.errors[0].reason
    assert member_count(session) == before  # not even the good rows on lines 2 and 4
    shown = " ".join(e.reason for e in result.errors) + caplog.text
    secrets = (SOMCHAI_ID, OTHER_ID, change.get("national_id") or "no ID here", "0812345678", "021234567")
    assert not [s for s in secrets if s in shown]  # never a full national ID or phone number


def test_several_bad_rows_each_get_their_line(session, fund, tmp_path):
    path = write_csv(tmp_path / "members.csv", [
        {**MEMBER, "fund_code": "NOPE"}, OTHER, {**MEMBER, "member_no": "1", "phone": "12345"},
        {**MEMBER, "member_no": "2", "national_id": valid_national_id(2), "birth_date": "nope"}])
    result = run(session, "members", path)
    assert [e.line for e in result.errors] == [2, 4, 5]
    assert member_count(session) == 0


@pytest.mark.parametrize(("header", "fragment"), [
    (["fund_code", "member_no", "first_name", "last_name", "birth_date", "phone", "joined_on"],
     "missing: national_id"),
    (["fund_code", "member_no", "first_name", "last_name", "nationalid", "birth_date", "phone",
      "joined_on"], "unexpected: nationalid"),
    (list(MEMBER_COLUMNS) + ["phone"], "repeated: phone"),
])
def test_wrong_header_columns_are_one_error_on_line_1(session, fund, tmp_path, header, fragment):
    path = tmp_path / "members.csv"
    path.write_text(",".join(header) + "\n" + ",".join("x" for _ in header) + "\n", encoding="utf-8")
    result = run(session, "members", path)
    assert result.written == 0 and len(result.errors) == 1
    assert result.errors[0].line == 1 and fragment in result.errors[0].reason


def test_unreadable_files_are_refused_with_a_reason(session, fund, tmp_path):
    tis620 = write_csv(tmp_path / "thai-excel.csv", [MEMBER], encoding="cp874")
    assert "UTF-8" in run(session, "members", tis620).errors[0].reason
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    assert run(session, "members", xls).errors == [
        RowError(1, "unsupported file type '.xls': use CSV (UTF-8) or XLSX")]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert "XLSX" in run(session, "members", broken).errors[0].reason
    header_only = write_csv(tmp_path / "empty.csv", [])
    assert "no data rows" in run(session, "members", header_only).errors[0].reason
    assert member_count(session) == 0


# --- payments -------------------------------------------------------------------------------------

def payments_file(tmp_path: Path, rows: list[tuple[str, str, str]], name: str = "payments.csv") -> Path:
    return write_csv(tmp_path / name, [
        {"fund_code": "PAKHLOK", "member_no": no, "paid_on": on, "amount": amount}
        for no, on, amount in rows], PAYMENT_COLUMNS)


def total_paid(session, member: Member) -> Decimal:
    return Decimal(session.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                                  .where(Payment.member_id == member.id)))


def test_payments_fill_the_oldest_unpaid_months_first(session, fund, tmp_path):
    member = make_member(session, fund, member_no="00012", joined_on=date(2026, 1, 15))
    session.commit()
    path = payments_file(tmp_path, [("00012", "05/03/2569", "๙๐"), ("00012", "2026-04-05", "45"),
                                    ("00012", "๐๕/๐๕/๒๕๖๙", "15.00")])
    result = run(session, "payments", path)
    assert result.errors == [] and result.written == 3
    rows = session.execute(select(Payment.paid_on, Payment.amount, Payment.months_covered,
                                  Payment.recorded_by).order_by(Payment.paid_on)).all()
    # 90 pays January-March; 45 pays April with 15 over; 15 more completes May.
    assert [(r.paid_on, r.amount, r.months_covered) for r in rows] == [
        (date(2026, 3, 5), Decimal("90"), 3), (date(2026, 4, 5), Decimal("45"), 1),
        (date(2026, 5, 5), Decimal("15"), 1)]
    assert {r.recorded_by for r in rows} == {"test"}
    dues = dues_status(joined_on=member.joined_on, total_paid=total_paid(session, member),
                       dues_per_month=fund.dues_per_month, lapse_after_missed_months=3, on=TODAY)
    assert dues.paid_through == (2026, 5) and dues.credit == 0
    assert session.scalar(select(AuditLog.detail).where(AuditLog.action == "import.payments"))["rows"] == 3


def test_payments_from_xlsx_number_cells(session, fund, tmp_path):
    make_member(session, fund, member_no="00012", joined_on=date(2026, 1, 15))
    session.commit()
    path = write_xlsx(tmp_path / "payments.xlsx", [["PAKHLOK", "00012", datetime(2026, 2, 5), 60.0]],
                      PAYMENT_COLUMNS)
    result = run(session, "payments", path)
    assert result.errors == [] and result.written == 1
    assert session.scalar(select(Payment.months_covered)) == 2


def test_paying_more_than_a_year_ahead_is_refused(session, fund, tmp_path):
    # Paid through November 2026 (the current month); the rules allow up to 12 months ahead.
    member = make_member(session, fund, member_no="00012", joined_on=date(2026, 1, 10), months_paid=11)
    session.commit()
    too_far = run(session, "payments", payments_file(tmp_path, [("00012", "2026-11-20", "390")]))
    assert too_far.written == 0 and too_far.errors[0].line == 2
    assert "December 2027" in too_far.errors[0].reason and "12 months" in too_far.errors[0].reason
    # Two rows that together go too far: the second is refused, and so the whole file.
    together = run(session, "payments", payments_file(
        tmp_path, [("00012", "2026-11-20", "180"), ("00012", "2026-11-21", "210")], "two.csv"))
    assert [e.line for e in together.errors] == [3]
    assert total_paid(session, member) == Decimal("330")
    exactly = run(session, "payments", payments_file(tmp_path, [("00012", "2026-11-20", "360")], "ok.csv"))
    assert exactly.errors == [] and session.scalar(
        select(Payment.months_covered).where(Payment.amount == 360)) == 12


@pytest.mark.parametrize(("row", "reason"), [
    (("00012", "2026-11-01", "0"), "amount must be more than 0"),
    (("00012", "2026-11-01", "-30"), "amount must be more than 0"),
    (("00012", "2026-11-01", "thirty"), "amount 'thirty' is not a number"),
    (("00012", "2026-11-01", "30.555"), "more than two decimals"),
    (("00012", "2026-11-01", ""), "missing amount"),
    (("00099", "2026-11-01", "30"), "no member 00099 in fund PAKHLOK"),
    (("00012", "2026-12-01", "30"), "paid_on 2026-12-01 is in the future"),
    (("00012", "1/11/69", "30"), "four digits"),
])
def test_a_bad_payment_row_is_reported_and_nothing_is_written(session, fund, tmp_path, row, reason):
    make_member(session, fund, member_no="00012", joined_on=date(2026, 1, 10))
    session.commit()
    path = payments_file(tmp_path, [("00012", "2026-10-01", "30"), row])
    result = run(session, "payments", path)
    assert result.written == 0
    assert len(result.errors) == 1 and result.errors[0].line == 3
    assert reason in result.errors[0].reason
    assert session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_payment_for_an_unknown_fund(session, fund, tmp_path):
    path = write_csv(tmp_path / "p.csv", [{"fund_code": "NOWHERE", "member_no": "1",
                                           "paid_on": "2026-11-01", "amount": "30"}], PAYMENT_COLUMNS)
    assert run(session, "payments", path).errors == [RowError(2, "unknown fund 'NOWHERE'")]


# --- the command line -----------------------------------------------------------------------------

def test_the_cli_exits_1_and_prints_line_numbers_for_a_bad_file(session, fund, tmp_path, database_url):
    bad = write_csv(tmp_path / "bad.csv", [MEMBER, {**OTHER, "national_id": "3100600445636"},
                                           {**OTHER, "member_no": "7", "fund_code": "NOPE"}])
    env = {"DATABASE_URL": database_url, "KONGTUN_SECRET_KEY": SECRET}
    result = CliRunner().invoke(main, ["import", "members", str(bad)], env=env)
    assert result.exit_code == 1
    assert "line 3:" in result.output and "check digit" in result.output
    assert "line 4: unknown fund 'NOPE'" in result.output
    assert "Nothing was imported" in result.output
    assert "3100600445636" not in result.output
    session.expire_all()
    assert member_count(session) == 0

    good = write_csv(tmp_path / "good.csv", [MEMBER, OTHER])
    result = CliRunner().invoke(main, ["import", "members", str(good)], env=env)
    assert result.exit_code == 0, result.output
    assert "Imported 2 members from good.csv" in result.output
    assert member_count(session) == 2
