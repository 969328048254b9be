"""Checking each row of an import against the format and against the fund's records.

Messages name the line and the column and show at most the last four digits of an ID or phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.imports.tables import Row
from domain.dates import month_from_index, month_index
from domain.identity import hash_national_id
from domain.thai import (
    format_month,
    national_id_check_digit,
    parse_date,
    parse_mobile,
    to_arabic_digits,
)
from models import Fund, Member, MemberStatus
from services.linking import pending_duplicate
from services.payments import allocate, total_paid

MEMBER_COLUMNS = ("fund_code", "member_no", "first_name", "last_name", "national_id", "birth_date",
                  "phone", "joined_on")
PAYMENT_COLUMNS = ("fund_code", "member_no", "paid_on", "amount")
OPTIONAL = {"phone"}


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


# --- checking one value -------------------------------------------------------------------------

def _digits(text: str) -> str:
    return "".join(ch for ch in to_arabic_digits(text) if "0" <= ch <= "9")


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

class Importer:
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
        """The IDs the fund holds already; not those of pending duplicates (an application made with an
        ID already on a roster holds only what its applicant typed: the real record may be imported)."""
        if fund.id not in self._hashes:
            self._hashes[fund.id] = set(self.session.scalars(
                select(Member.national_id_hash).where(Member.fund_id == fund.id, ~pending_duplicate())))
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
                problems.append(f"phone (ending {tail}) is not a Thai mobile number: a mobile has "
                                "10 digits starting 06, 08 or 09, but 060 and 068 are internet (VoIP) "
                                "numbers, not mobiles")
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
            paid[member_id] = total_paid(self.session, member_id)
        allocation = allocate(fund, joined_on=joined_on, paid_before=paid[member_id], amount=amount,
                              today=self.today)
        if allocation.too_far_ahead:
            current = format_month(*month_from_index(month_index(self.today)), "en")
            problems.append(
                f"amount {amount} would pay member {member_no} through "
                f"{format_month(*month_from_index(allocation.paid_through), 'en')}, more than "
                f"{fund.may_pay_months_ahead} months beyond {current}")
            return None
        paid[member_id] += amount
        return {"member_id": member_id, "amount": amount, "months_covered": allocation.months,
                "paid_on": paid_on, "recorded_by": self.actor, "reverses_id": None,
                "note": f"import {self.path.name}"[:500]}
