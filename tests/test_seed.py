"""The demo seed: the seed's membership figures, realistic dues, the fixed demo identities, and
the same data for the same day. One seed serves the module (it takes seconds); tests only read it.
The data files it reads, and seeding from another folder: test_seed_data.py."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.demo.context import rules_by_code
from bot.demo.people import DEMO_IDENTITIES
from bot.demo.seed import PACKAGED_DATA, seed_demo
from domain.balance import coverage_percent
from domain.benefits import Eligibility, evaluate
from domain.dates import add_months, month_index
from domain.dues import DuesStatus, dues_status
from domain.identity import hash_national_id
from domain.thai import format_national_id
from models import (
    Beneficiary,
    Claim,
    ClaimStatus,
    CommitteeRole,
    ExpenseKind,
    Fund,
    FundExpense,
    FundIncome,
    IncomeSource,
    Meeting,
    Member,
    MemberStatus,
    Payment,
    make_sessionmaker,
)
from services.fund_paying import BY_KEY
from services.fund_paying import parse as parse_paying
from tests.conftest import BANGKOK, SECRET
from tests.demo_seeding import TODAY, active_by_fund, snapshot, wipe

CURRENT = month_index(TODAY)
DOCS = Path(__file__).resolve().parents[1] / "docs" / "demo.md"


@pytest.fixture(scope="module")
def seeded(engine):
    wipe(engine)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    with factory() as session:
        summary = seed_demo(session, id_key=SECRET, today=TODAY)
    elapsed = time.perf_counter() - started
    yield factory, summary, elapsed
    wipe(engine)


@pytest.fixture
def db(seeded) -> Session:
    factory, _, _ = seeded
    with factory() as session:
        yield session


def _dues(db: Session) -> list[tuple[Member, DuesStatus]]:
    paid = dict(db.execute(select(Payment.member_id, func.sum(Payment.amount))
                           .group_by(Payment.member_id)).all())
    out = []
    for member in db.scalars(select(Member)):
        fund = member.fund
        out.append((member, dues_status(
            joined_on=member.joined_on, total_paid=Decimal(paid.get(member.id, 0)),
            dues_per_month=fund.dues_per_month,
            lapse_after_missed_months=fund.lapse_after_missed_months, on=TODAY)))
    return out


def _demo(db: Session, key: str) -> tuple[Member, DuesStatus]:
    identity = next(d for d in DEMO_IDENTITIES if d.key == key)
    member = db.scalar(select(Member).join(Fund).where(
        Fund.code == identity.fund_code,
        Member.national_id_hash == hash_national_id(SECRET, identity.national_id)))
    assert member is not None, key
    total = db.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                      .where(Payment.member_id == member.id))
    return member, dues_status(joined_on=member.joined_on, total_paid=Decimal(total),
                               dues_per_month=member.fund.dues_per_month,
                               lapse_after_missed_months=member.fund.lapse_after_missed_months,
                               on=TODAY)


# --- the seed's figures -----------------------------------------------------------------------

def test_the_18_funds_get_the_example_rules(db):
    funds = db.scalars(select(Fund)).all()
    with (PACKAGED_DATA / "phuket_funds.csv").open(encoding="utf-8") as fh:
        assert {f.code for f in funds} == {row["code"] for row in csv.DictReader(fh)}
    assert len(funds) == 18
    for fund in funds:
        assert fund.dues_per_month == Decimal("30") and fund.waiting_days == 180
        assert [r.code for r in fund.benefits] == ["birth", "hospital", "death", "elderly",
                                                     "scholarship", "disaster"]
        assert fund.payment_info_th and fund.payment_info_en



def test_each_fund_says_how_to_pay_with_fake_numbers_of_valid_shape(db):
    treasurers = dict(db.execute(select(CommitteeRole.fund_id, Member.first_name).join(
        Member, Member.id == CommitteeRole.member_id).where(CommitteeRole.role == "treasurer")).all())
    for fund in db.scalars(select(Fund)):
        assert fund.bank_name == "ธ.ก.ส." and re.fullmatch(r"0{9}\d{3}", fund.bank_account_no)
        assert parse_paying(BY_KEY["promptpay"], fund.promptpay_id) == fund.promptpay_id  # a valid shape
        assert fund.pay_at_meeting_th.startswith("ทุกวันที่") and fund.pay_at_meeting_en
        assert fund.treasurer_name.startswith(treasurers[fund.id])
        assert fund.treasurer_phone.startswith("+668000")
        assert parse_paying(BY_KEY["contact_phone"], fund.contact_phone) == fund.contact_phone

def test_active_members_match_the_seed_figures(db):
    active = active_by_fund(db)
    population = {f.code: f.population for f in db.scalars(select(Fund))}
    assert active["PKT-CITY"] == 1916
    for code, pct in (("PAKHLOK", "12.0"), ("THEPKRASATTRI-M", "12.0"), ("SAKHU", "12.0"),
                      ("KAMALA", "14.0")):
        assert coverage_percent(active[code], population[code]) == Decimal(pct), code
    assert (active["PAKHLOK"], active["KAMALA"]) == (1800, 992)  # round(15000 × 12%), round(7089 × 14%)
    assert max(active, key=active.get) == "PKT-CITY"  # the report's largest fund stays the largest
    figures = {"PKT-CITY", "PAKHLOK", "THEPKRASATTRI-M", "SAKHU", "KAMALA"}
    for code, n in active.items():
        if code in figures:
            continue
        if population[code]:
            assert 3 <= n * 100 / population[code] <= 8, code
        else:
            assert 300 <= n <= 800, code
    assert 20_000 < sum(active.values()) < 40_000


def test_a_few_percent_lapsed_resigned_deceased_and_pending_on_top(db):
    rows = db.execute(select(Fund.code, Member.status, func.count()).join(Fund)
                      .group_by(Fund.code, Member.status)).all()
    by_fund: dict[str, Counter] = defaultdict(Counter)
    for code, status, n in rows:
        by_fund[code][status] = n
    for code, counts in by_fund.items():
        others = sum(n for s, n in counts.items() if s != MemberStatus.ACTIVE)
        assert 0.02 <= others / counts[MemberStatus.ACTIVE] <= 0.09, code
        assert {MemberStatus.LAPSED, MemberStatus.RESIGNED, MemberStatus.PENDING,
                MemberStatus.DECEASED} <= set(counts), code


def test_member_numbers_are_zero_padded_and_pending_applicants_have_none(db):
    for member_no, status in db.execute(select(Member.member_no, Member.status)):
        if status == MemberStatus.PENDING:
            assert member_no is None
        else:
            assert re.fullmatch(r"\d{5}", member_no)
    doubled = db.execute(select(Member.fund_id, Member.member_no).where(Member.member_no.is_not(None))
                         .group_by(Member.fund_id, Member.member_no).having(func.count() > 1)).all()
    assert doubled == []


def test_people_look_real(db):
    members = db.scalars(select(Member)).all()
    assert all(date(1940, 1, 1) <= m.birth_date <= date(2005, 12, 31) for m in members)
    assert all(add_months(TODAY, -12 * 12 - 1) <= m.joined_on <= TODAY for m in members)
    assert all(m.joined_on >= add_months(m.birth_date, 18 * 12) for m in members)
    phones = [m.phone for m in members if m.phone]
    assert len(phones) > 0.75 * len(members)
    assert all(re.fullmatch(r"\+66[689]\d{8}", p) for p in phones)
    assert all(re.fullmatch(r"[\u0E00-\u0E7F ]+", m.first_name + m.last_name) for m in members)
    assert len({(m.first_name, m.last_name) for m in members}) > 3000
    with_beneficiary = db.scalar(select(func.count(func.distinct(Beneficiary.member_id))))
    assert with_beneficiary > 0.6 * len(members)


def test_every_stored_national_id_is_a_keyed_hash_never_the_id(db):
    for digest, last4 in db.execute(select(Member.national_id_hash, Member.national_id_last4)):
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert re.fullmatch(r"\d{4}", last4)
    assert db.scalar(select(func.count()).where(func.length(Member.national_id_hash) == 13)) == 0
    somchai, _ = _demo(db, "somchai")
    assert somchai.national_id_hash != "3100600445635"
    assert somchai.national_id_last4 == "5635"


# --- dues ---------------------------------------------------------------------------------------

def test_dues_states_are_realistic(db):
    states = _dues(db)
    active = [d for m, d in states if m.status == MemberStatus.ACTIVE]
    assert not any(d.lapsed for d in active)  # an active member never has three months unpaid
    behind = sum(1 <= d.arrears_months <= 2 for d in active) / len(active)
    assert 0.10 <= behind <= 0.15
    paid_up = sum(d.paid_through is not None and month_index(date(*d.paid_through, 1)) >= CURRENT
                  for d in active) / len(active)
    assert paid_up > 0.7
    lapsed = [d for m, d in states if m.status == MemberStatus.LAPSED]
    assert lapsed and all(d.lapsed and d.arrears_months >= 3 for d in lapsed)
    # Nobody has paid more than the rules allow ahead.
    assert all(month_index(date(*d.paid_through, 1)) <= CURRENT + 12 for _, d in states if d.paid_through)


def test_payments_are_whole_months_of_dues_paid_in_the_past(db):
    rows = db.execute(select(Payment.amount, Payment.months_covered, Payment.paid_on, Member.joined_on)
                      .join(Member)).all()
    assert len(rows) > 100_000
    for amount, months, paid_on, joined_on in rows:
        assert 1 <= months <= 12
        assert amount == Decimal(30) * months
        assert joined_on <= paid_on <= TODAY
    years = {paid_on.year for _, _, paid_on, _ in rows}
    assert len(years) >= 3  # a few years of history


# --- the demo identities ------------------------------------------------------------------------

def test_somchai_is_paid_up_with_a_wife_a_paid_hospital_claim_and_committee_roles(db):
    member, dues = _demo(db, "somchai")
    assert (member.member_no, member.full_name, member.birth_date) == ("00001", "สมชาย ใจดี",
                                                                        date(1967, 1, 15))
    assert member.fund.code == "PKT-CITY" and member.status == MemberStatus.ACTIVE
    assert 95 <= (TODAY.year - member.joined_on.year) * 12 + TODAY.month - member.joined_on.month <= 97
    assert dues.paid_through == (TODAY.year, TODAY.month)
    assert dues.arrears_months == 0 and not dues.due_this_month
    assert [(b.name, b.relation) for b in member.beneficiaries] == [("สมใจ ใจดี", "ภรรยา")]
    claims = db.scalars(select(Claim).where(Claim.member_id == member.id)).all()
    assert [(c.benefit_code, c.status, c.nights, c.amount) for c in claims] == [
        ("hospital", ClaimStatus.PAID, 3, Decimal("600"))]
    expense = db.scalar(select(FundExpense).where(FundExpense.claim_id == claims[0].id))
    assert expense.kind == ExpenseKind.BENEFIT and expense.amount == Decimal("600")
    roles = db.scalars(select(CommitteeRole.role).where(CommitteeRole.member_id == member.id)).all()
    assert sorted(roles) == ["admin", "committee"]  # the network's admin: he may try every tool


def test_somsri_is_elderly_and_two_months_in_arrears_with_a_lapse_warning(db):
    member, dues = _demo(db, "somsri")
    assert member.fund.code == "PAKHLOK" and member.full_name == "สมศรี มีสุข"
    assert member.birth_date.year == 1955 and TODAY.year - member.birth_date.year >= 60
    assert abs((TODAY - member.joined_on).days - 6 * 365) < 45
    assert member.status == MemberStatus.ACTIVE
    assert dues.arrears_months == 2 and dues.arrears_baht == Decimal("60")
    assert dues.paid_through == (2026, 8)  # three months back: September and October unpaid
    assert dues.lapse_warning and not dues.lapsed
    assert dues.lapse_on == date(2026, 12, 1)


def test_anan_is_paid_up_but_inside_the_waiting_period(db):
    member, dues = _demo(db, "anan")
    assert member.fund.code == "KAMALA" and member.full_name == "อนันต์ รักถิ่น"
    assert member.birth_date == date(1990, 8, 20)
    newest = db.scalar(select(func.max(Member.member_no)).where(Member.fund_id == member.fund_id))
    assert member.member_no == newest == "01039"  # as docs/demo.md says
    assert (TODAY - member.joined_on).days < member.fund.waiting_days
    assert dues.paid_through == (TODAY.year, TODAY.month) and dues.arrears_months == 0
    verdict = evaluate(rules_by_code(member.fund)["hospital"], active=True,
                       joined_on=member.joined_on, birth_date=member.birth_date,
                       fund_waiting_days=member.fund.waiting_days, on=TODAY)
    assert verdict.status == Eligibility.FROM_DATE and verdict.reason == "waiting"


def test_prasert_in_rawai_has_lapsed(db):
    member, dues = _demo(db, "prasert")
    assert member.fund.code == "RAWAI" and member.status == MemberStatus.LAPSED
    assert dues.lapsed and dues.arrears_months >= 4


def test_malee_in_sakhu_is_a_pending_applicant(db):
    member, dues = _demo(db, "malee")
    assert member.fund.code == "SAKHU" and member.status == MemberStatus.PENDING
    assert member.member_no is None and dues.total_paid == 0


def test_the_docs_show_the_national_ids_the_seed_uses(db):
    docs = DOCS.read_text(encoding="utf-8")
    for identity in DEMO_IDENTITIES:
        assert format_national_id(identity.national_id) in docs, identity.key
        be = identity.birth_date.replace(year=identity.birth_date.year + 543)
        assert be.strftime("%d/%m/%Y") in docs, identity.key
    for key in ("somchai", "somsri", "anan", "prasert"):
        member, _ = _demo(db, key)
        row = next(line for line in docs.splitlines() if member.first_name in line and "|" in line)
        assert f"| {member.member_no} " in row, key


# --- claims, money, committees, meetings -------------------------------------------------------

def test_claims_follow_the_fund_rules(db):
    claims = db.execute(select(Claim, Member.joined_on, Member.birth_date).join(Member)).all()
    assert {c.benefit_code for c, _, _ in claims} == {"birth", "hospital", "death", "elderly",
                                                     "scholarship", "disaster"}
    assert {c.status for c, _, _ in claims} == set(ClaimStatus)
    tiers = {Decimal(a) for a in (3000, 5000, 10000, 15000, 20000, 30000)}
    for claim, joined_on, birth_date in claims:
        assert claim.event_on >= joined_on + timedelta(days=180)
        assert claim.submitted_on <= TODAY
        if claim.benefit_code == "hospital":
            assert claim.amount == min(200 * claim.nights, 600)
        elif claim.benefit_code == "death":
            assert claim.amount in tiers
        elif claim.benefit_code == "elderly":
            assert claim.amount == 200 and claim.event_on.year - birth_date.year >= 60
        if claim.status == ClaimStatus.PAID:
            assert claim.paid_on is not None and claim.decided_on is not None
    paid = {c.id: c.amount for c, _, _ in claims if c.status == ClaimStatus.PAID}
    expenses = dict(db.execute(select(FundExpense.claim_id, FundExpense.amount)
                               .where(FundExpense.kind == ExpenseKind.BENEFIT)).all())
    assert expenses == paid  # every paid claim, and only those, is a benefit expense


def test_funds_have_matching_income_costs_and_a_positive_balance(db):
    for fund in db.scalars(select(Fund)):
        sources = set(db.scalars(select(FundIncome.source).where(FundIncome.fund_id == fund.id)))
        assert {IncomeSource.CODI, IncomeSource.LOCAL_GOVERNMENT} <= sources
        income = db.scalar(select(func.sum(FundIncome.amount)).where(FundIncome.fund_id == fund.id))
        dues = db.scalar(select(func.sum(Payment.amount)).join(Member).where(Member.fund_id == fund.id))
        spent = db.scalar(select(func.sum(FundExpense.amount)).where(FundExpense.fund_id == fund.id))
        assert dues > income > 0  # members put in most of the money, as the seed reports
        assert dues + income > spent > 0
        last = db.scalar(select(func.max(FundIncome.received_on)).where(FundIncome.fund_id == fund.id))
        assert last <= TODAY


def test_every_fund_has_a_committee(db):
    roles = db.execute(select(Fund.code, CommitteeRole.role, Member.status).join(
        Fund, Fund.id == CommitteeRole.fund_id).join(Member, Member.id == CommitteeRole.member_id)).all()
    by_fund: dict[str, Counter] = defaultdict(Counter)
    for code, role, status in roles:
        assert status == MemberStatus.ACTIVE
        by_fund[code][role] += 1
    assert len(by_fund) == 18
    for code, counts in by_fund.items():
        assert counts["treasurer"] == 1, code
        assert 3 <= counts["committee"] <= 6, code
    # An admin acts on the whole network: there is one, สมชาย of Phuket City (docs/demo.md).
    assert {code: c["admin"] for code, c in by_fund.items() if c["admin"]} == {"PKT-CITY": 1}


def test_meetings_are_upcoming_in_bangkok_time(db):
    meetings = db.scalars(select(Meeting)).all()
    start = datetime.combine(TODAY, datetime.min.time(), BANGKOK)
    per_fund = Counter(m.fund_id for m in meetings)
    assert len([f for f in per_fund if f is not None]) == 18 and per_fund[None] == 1
    for meeting in meetings:
        local = meeting.starts_at.astimezone(BANGKOK)
        assert meeting.title_th and meeting.title_en and meeting.place_th and meeting.agenda_en
        if meeting.fund_id is None:
            assert 55 <= (local - start).days <= 70 and local.weekday() == 5
            assert (local.hour, local.minute) == (8, 30)
            assert "สมัชชา" in meeting.title_th
        else:
            assert 3 <= (local - start).days <= 36
            assert (local.hour, local.minute) in {(9, 30), (13, 30), (18, 0)}


# --- running it again, and determinism ----------------------------------------------------------

def test_seeding_says_what_it_did(seeded):
    # How long it takes is measured (`make bench` seeds its database the same way), not asserted
    # here: a busy machine would fail a time limit that says nothing about the code.
    _, summary, _elapsed = seeded
    assert "Seeded 18 fund(s)" in summary and "active members" in summary
    assert "docs/demo.md" in summary and "สมชาย ใจดี" in summary
    # Even the made-up demo ID and phone stay out of the log; docs/demo.md gives them.
    assert "3-1006-00445-63-5" not in summary and "081-234-5678" not in summary


def test_a_second_seed_adds_nothing_with_or_without_force(db):
    counts = {t: db.scalar(select(func.count()).select_from(t)) for t in (Fund, Member, Payment, Meeting)}
    summary = seed_demo(db, id_key=SECRET, today=TODAY)
    assert "nothing was seeded" in summary
    summary = seed_demo(db, id_key=SECRET, today=TODAY, force=True)
    assert "Seeded 0 fund(s)" in summary and "PKT-CITY" in summary
    assert {t: db.scalar(select(func.count()).select_from(t)) for t in counts} == counts


def test_the_same_day_gives_the_same_data(db, fresh_db):
    with fresh_db() as other:
        seed_demo(other, id_key=SECRET, today=TODAY)
        again = snapshot(other)
    first = snapshot(db)
    assert len(first["members"]) > 20_000
    for part in first:
        assert again[part] == first[part], part


