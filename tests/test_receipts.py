"""Receipts: a payment recorded through the payments service is in the ledger, audited without
personal data, and thanked for with the month it pays through (Buddhist Era); imported payments are
thanked for set-wise, but only those paid within the last 31 days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from bot.imports import import_file
from models import AuditLog, Member, Payment
from services import payments
from tests.conftest import SECRET
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox, text_of


def test_a_recorded_payment_gets_a_thank_you_receipt(jobs_db):
    with jobs_db() as s, s.begin():
        member = member_with_chat(s, make_fund(s), joined_on=JOINED, months_paid=10, first_name="สมใจ")
        payment = payments.record_payment(s, member, Decimal(60), paid_on=date(2026, 12, 2), actor="chat:3",
                                          at=at(2026, 12, 2, 10))
        member_id, payment_id = member.id, payment.id
    with jobs_db() as s:
        assert s.get(Payment, payment_id).months_covered == 2
        (log,) = s.scalars(select(AuditLog).where(AuditLog.action == "payment.record"))
    assert log.detail["member_id"] == member_id and "สมใจ" not in str(log.detail)
    (row,) = outbox(jobs_db)
    assert row.kind == "receipt" and row.key == f"receipt:{payment_id}" and row.member_id == member_id
    text = text_of(row)
    assert "60 บาท" in text and "ธันวาคม 2569" in text and "ขอบคุณ" in text


def test_a_part_payment_is_credit_and_says_so(jobs_db):
    with jobs_db() as s, s.begin():
        member = member_with_chat(s, make_fund(s), joined_on=date(2026, 12, 1))
        payments.record_payment(s, member, Decimal(10), paid_on=date(2026, 12, 2), actor="cli",
                                at=at(2026, 12, 2, 10))
    (row,) = outbox(jobs_db)
    assert "เงินสะสม" in text_of(row)


def test_imported_payments_get_receipts_only_when_recent(jobs_db, engine, tmp_path: Path):
    with jobs_db() as s, s.begin():
        fund = make_fund(s, "PAKHLOK")
        recent = member_with_chat(s, fund, joined_on=JOINED, member_no="00001")
        old = member_with_chat(s, fund, joined_on=JOINED, member_no="00002")
        ids = {m.member_no: m.id for m in (recent, old)}
    book = tmp_path / "payments.csv"
    book.write_text("fund_code,member_no,paid_on,amount\n"
                    "PAKHLOK,00001,2026-06-01,150\n"  # half a year ago: the fund's books, not news
                    "PAKHLOK,00001,2026-11-20,90\n"
                    "PAKHLOK,00001,2026-11-25,60\n"
                    "PAKHLOK,00002,2026-03-01,300\n", encoding="utf-8")
    with jobs_db() as s:
        result = import_file(s, "payments", book, id_key=SECRET, actor="import:payments.csv",
                             today=date(2026, 12, 2))
    assert result.ok and result.written == 4
    (row,) = outbox(jobs_db)  # one member, one receipt for what was paid lately
    assert row.member_id == ids["00001"] and row.kind == "receipt"
    text = text_of(row)
    assert "150 บาท" in text and "25 พฤศจิกายน 2569" in text and "ตุลาคม 2569" in text  # 300 baht: Jan-Oct
    with jobs_db() as s:
        assert s.scalar(select(Member.id).where(Member.id == ids["00002"]))
        log = s.scalars(select(AuditLog).where(AuditLog.action == "import.payments")).one()
        assert log.detail["receipts"] == 1


def _warned(jobs_db) -> tuple[int, int]:
    """Two members two months behind, warned on 1 December (the dues job), not delivered yet."""
    from scheduler.jobs import JOBS
    from tests.conftest import BANGKOK

    with jobs_db() as s, s.begin():
        fund = make_fund(s, "PAKHLOK")
        paying = member_with_chat(s, fund, joined_on=JOINED, months_paid=9, member_no="00001")
        partly = member_with_chat(s, fund, joined_on=JOINED, months_paid=9, member_no="00002")
        ids = paying.id, partly.id
    next(job for job in JOBS if job.name == "dues").run(jobs_db, at(2026, 12, 1, 9), BANGKOK)
    assert [r.kind for r in outbox(jobs_db, member_id=ids[0])] == ["lapse_warning"]
    return ids


def _warnings(jobs_db, member_id: int) -> list[tuple[str, str | None]]:
    return [(r.status, r.last_error) for r in outbox(jobs_db, member_id=member_id)
            if r.kind in ("lapse_warning", "dues_reminder")]


def test_a_payment_withdraws_the_waiting_warning_for_the_month_it_pays(jobs_db):
    paying, partly = _warned(jobs_db)
    with jobs_db() as s, s.begin():
        for member_id, amount in ((paying, 90), (partly, 30)):  # all owed; November only
            payments.record_payment(s, s.get(Member, member_id), Decimal(amount), paid_on=date(2026, 12, 2),
                                    actor="cli", at=at(2026, 12, 2, 10))
    assert _warnings(jobs_db, paying) == [("expired", "dues paid")]
    assert _warnings(jobs_db, partly) == [("pending", None)]  # December is still owed
    assert {r.kind for r in outbox(jobs_db, status="pending")} == {"receipt", "lapse_warning"}


def test_an_imported_payment_withdraws_the_waiting_warning_too(jobs_db, tmp_path: Path):
    paying, partly = _warned(jobs_db)
    book = tmp_path / "payments.csv"
    book.write_text("fund_code,member_no,paid_on,amount\n"
                    "PAKHLOK,00001,2026-12-02,90\n"
                    "PAKHLOK,00002,2026-12-02,30\n", encoding="utf-8")
    with jobs_db() as s:
        import_file(s, "payments", book, id_key=SECRET, actor="import:payments.csv", today=date(2026, 12, 2))
    assert _warnings(jobs_db, paying) == [("expired", "dues paid")]
    assert _warnings(jobs_db, partly) == [("pending", None)]
