"""Import a fund's roster or dues payments from CSV or XLSX (`kongtun import members|payments FILE`).

All or nothing: every row is checked first, and one bad row means nothing of the file is written,
so a committee never has to work out which half of a spreadsheet went in. Each problem is reported
with its line number (the header is line 1). National IDs and phone numbers are personal data:
messages show at most their last four digits.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.imports.rows import MEMBER_COLUMNS, PAYMENT_COLUMNS, Importer, RowError
from bot.imports.tables import FileProblem, read_table
from services import membership, payments

__all__ = ["MEMBER_COLUMNS", "PAYMENT_COLUMNS", "ImportResult", "RowError", "import_file"]

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    written: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _local_today() -> date:
    """Today in the fund's time zone (KONGTUN_TIMEZONE, as the bot uses), not the server's."""
    return datetime.now(ZoneInfo(os.environ.get("KONGTUN_TIMEZONE") or "Asia/Bangkok")).date()


def import_file(session: Session, kind: str, path: Path, *, id_key: str, actor: str,
                today: date | None = None) -> ImportResult:
    """Check every row of `path`; write them all (and an audit row) only if every row is good."""
    columns = {"members": MEMBER_COLUMNS, "payments": PAYMENT_COLUMNS}.get(kind)
    if columns is None:
        raise ValueError(f"unknown import kind {kind!r}: use 'members' or 'payments'")
    try:
        rows = read_table(path, columns)
    except FileProblem as problem:
        return ImportResult(0, [RowError(problem.line, problem.reason)])
    importer = Importer(session, path, id_key=id_key, actor=actor, today=today or _local_today())
    values, errors = importer.members(rows) if kind == "members" else importer.payments(rows)
    if errors:
        session.rollback()
        log.info("import of %s from %s refused: %d bad row(s)", kind, path.name, len(errors))
        return ImportResult(0, errors)
    funds = sorted({r["fund_code"].strip().upper() for _, r in rows})
    try:
        if kind == "members":
            written = membership.import_roster(session, values, actor=actor, source=path.name, funds=funds)
        else:  # members who paid lately get a receipt; the importer's today says what "lately" is
            written = payments.import_payments(session, values, actor=actor, source=path.name, funds=funds,
                                               today=importer.today)
        session.commit()
    except Exception:
        session.rollback()
        raise
    log.info("imported %d %s from %s", written, kind, path.name)
    return ImportResult(written, [])
