"""What the demo-seed tests share: the day they seed as of, emptying the test database quickly,
and reading back what a seed produced."""

from __future__ import annotations

from datetime import UTC, date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import Base, Beneficiary, Claim, Fund, FundIncome, Meeting, Member, MemberStatus, Payment

TODAY = date(2026, 11, 29)


def wipe(engine) -> None:
    """Empty every table. On SQLite with foreign keys off: payments.reverses_id has no index, so
    a checked DELETE of a few hundred thousand payments would scan the table once per row."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or it is ignored
        try:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
            conn.commit()
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def active_by_fund(db: Session) -> dict[str, int]:
    return dict(db.execute(
        select(Fund.code, func.count(Member.id))
        .join(Member, (Member.fund_id == Fund.id) & (Member.status == MemberStatus.ACTIVE), isouter=True)
        .group_by(Fund.code)).all())


def _rows(session: Session, query) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in session.execute(query))


def _of_member(model, *columns):
    """Rows of a member's table, named by fund and national-ID hash instead of database ids."""
    return (select(Fund.code, Member.national_id_hash, *columns).select_from(model)
            .join(Member, Member.id == model.member_id).join(Fund, Fund.id == Member.fund_id))


def snapshot(session: Session) -> dict[str, list]:
    """What a seed produced, without database ids (PostgreSQL and SQLite number differently)."""
    return {
        "members": _rows(session, select(
            Fund.code, Member.member_no, Member.first_name, Member.last_name, Member.national_id_hash,
            Member.birth_date, Member.phone, Member.joined_on, Member.status).join(Fund)),
        "payments": _rows(session, _of_member(Payment, Payment.amount, Payment.months_covered,
                                              Payment.paid_on)),
        "claims": _rows(session, _of_member(Claim, Claim.benefit_code, Claim.amount, Claim.status,
                                            Claim.event_on, Claim.paid_on)),
        "beneficiaries": _rows(session, _of_member(Beneficiary, Beneficiary.name, Beneficiary.relation)),
        "income": _rows(session, select(Fund.code, FundIncome.source, FundIncome.amount,
                                        FundIncome.received_on).join(Fund)),
        "meetings": sorted((m.title_th, m.starts_at.astimezone(UTC))
                           for m in session.scalars(select(Meeting))),
    }
