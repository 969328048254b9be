"""Demo data: the 18 Phuket funds of the 2016 assembly report, the example rules, and synthetic
members with their dues, claims, the funds' matching income and expenses, committees and meetings.

Everything is dated relative to `today`, so the demo always looks current, and drawn from random
generators seeded with fixed strings, so the same `today` always gives the same data. Rows go in with
bulk Core inserts (a few statements per fund): ORM objects per row would take minutes for the
tens of thousands of members and hundreds of thousands of payments.

The fixed demo identities (docs/demo.md) are created first in their funds, with their own random
generators, so they look the same whatever happens to the synthetic crowd around them.
"""

from __future__ import annotations

import calendar
import csv
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.fund_rules import apply_rules, load_rules
from domain.benefits import Eligibility, Rule, Tier, evaluate
from domain.dates import add_months, first_of_month, month_index
from domain.identity import hash_national_id
from domain.thai import BE_OFFSET, format_month, national_id_check_digit
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
)

BANGKOK = ZoneInfo("Asia/Bangkok")
SEED = "kongtun-phuket-2016"  # fixed: the same `today` must always give the same demo
RECORDED_BY = "demo-seed"
HISTORY_MONTHS = 24  # recent months recorded entry by entry; older dues as one entry per year
CLAIM_YEARS = 3  # benefit claims, costs and meetings over the last three years
YEARS_OF_MEMBERS = 12  # the oldest synthetic members joined about twelve years ago


PACKAGED_DATA = Path(__file__).resolve().parent / "demo_data"  # see its README
FUNDS_FILE = "phuket_funds.csv"
RULES_FILE = "fund_rules_example.toml"


def bangkok_today() -> date:
    return datetime.now(BANGKOK).date()


# --- names -------------------------------------------------------------------------------------
# Common Thai given names and surnames, with a share of Phuket's Thai-Chinese and Muslim families.


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_NAMES = _words(
    "สมชาย สมศักดิ์ สมพงษ์ สมบัติ สมหมาย ประเสริฐ ประยูร ปรีชา วิชัย วิรัตน์ สุรชัย สุชาติ สุเทพ "
    "ชัยวัฒน์ ธนากร ธนพล ธีรวัฒน์ อนุชา อำนาจ กิตติศักดิ์ กฤษดา ณัฐพล ณรงค์ ปิยะพงษ์ พงศกร "
    "ภานุวัฒน์ วีระ วัชระ วรวุฒิ บุญมี บุญเลิศ บุญส่ง มานพ ไพโรจน์ ยุทธนา เอกชัย ศักดิ์ชัย ศุภชัย "
    "ศราวุธ ชาตรี จำลอง เฉลิม ทวีศักดิ์ สุริยา อดิศักดิ์ อภิชาติ ดำรง สาโรจน์ นพดล ธวัชชัย สมเกียรติ "
    "เกรียงไกร ประพันธ์ วินัย สุวิทย์ อับดุลเลาะ มูหะมัด ยูโสบ สมาน"
)
FEMALE_NAMES = _words(
    "สมใจ สมพร มาลี สุดารัตน์ วันเพ็ญ กาญจนา ปราณี บุญเรือน ทองใบ นงลักษณ์ สุภาพร อรุณี จันทร์เพ็ญ "
    "วิไลวรรณ ศิริพร พรทิพย์ รัตนา อัมพร ละเอียด ประไพ สายสุนีย์ นิตยา กนกวรรณ ณัฐธิดา ปิยะนุช "
    "สุนิสา อรวรรณ พัชรี เพ็ญศรี ลำดวน บุญมา จิราพร ชุติมา ธิดารัตน์ นภัสสร วราภรณ์ สุกัญญา อารีย์ "
    "ยุพิน เยาวลักษณ์ สมจิตร บุษบา อุไรวรรณ ศรีสุดา จินตนา ดวงใจ ประนอม สุนันทา รุ่งนภา พิมพ์ชนก "
    "ฟาตีมะห์ อามีนะห์ กัลยา มณีรัตน์ ลัดดา ทัศนีย์ เรณู สุพัตรา"
)
SURNAMES = _words(
    "ทองดี ศรีสุข บุญมา สุขสวัสดิ์ วงศ์สวัสดิ์ ชัยมงคล ศรีวงศ์ ทองคำ เพชรรัตน์ รัตนพันธ์ ขุนทอง "
    "หนูแก้ว ชูแก้ว ตันติวงศ์ แซ่ตัน แซ่ลิ้ม แซ่อึ่ง หงษ์หยก ลิ่มสกุล อุ่ยวัฒนา หลิมสกุล เอียดแก้ว "
    "หมาดหลี หลีหมาด เกิดทรัพย์ ดำริห์ มุสิกะ สุวรรณรัตน์ ปานแก้ว แสงทอง ศรีทอง พรหมแก้ว นาคสวัสดิ์ "
    "อินทร์แก้ว ช่วยชู เพชรสุวรรณ ชนะภัย วิเศษสุวรรณ กิ่งแก้ว บุญช่วย จันทร์หอม แก้วประดิษฐ์ "
    "ขวัญเมือง ทิพย์มณี รอดเจริญ สมบูรณ์ผล ประสิทธิ์ผล เรืองศรี ศรีประเสริฐ สายทอง ทองพูน ภู่ทอง "
    "เจริญผล นิลวงศ์ ดวงจันทร์ สังข์ทอง มณีรัตน์ แก้วเกาะ หมื่นหาญ เทพวงศ์ วงศ์ทอง ดีมาก ชูช่วย "
    "หนูเอียด ทองเกลี้ยง เกื้อกูล แก้วสว่าง ศรีนวล จันทร์แก้ว โต๊ะหลัง หมัดอาด ยีหมาด หวันสู "
    "ตั้งตระกูล วิทยาขจร จิระนคร ทองตัน สกุลตัน เลิศวิริยะ"
)

# Province and district codes (digits 2-5 of a national ID): mostly Phuket (83), some from the
# provinces people move to Phuket from.
ID_AREAS = ("8301", "8301", "8302", "8303", "8303", "8001", "8101", "8201", "8401", "9001", "1001",
            "9201", "9301", "4001")


# --- the fixed demo identities ------------------------------------------------------------------

@dataclass(frozen=True)
class DemoIdentity:
    """A member who is always there, in a known state, for newcomers to try (docs/demo.md)."""

    key: str
    fund_code: str
    member_no: str | None  # "last": the fund's newest number; None: an applicant without one
    first_name: str
    last_name: str
    sex: str
    national_id: str
    birth_date: date
    phone: str
    status: MemberStatus
    joined_months_ago: int
    joined_day: int
    paid_offset: int | None  # paid-through month relative to the current month; None: nothing paid
    habit: int  # months per payment in the recent history
    beneficiaries: tuple[tuple[str, str, int], ...] = ()
    roles: tuple[str, ...] = ()
    hospital_claim: bool = False


DEMO_IDENTITIES: tuple[DemoIdentity, ...] = (
    DemoIdentity("somchai", "PKT-CITY", "00001", "สมชาย", "ใจดี", "m", "3100600445635",
                 date(1967, 1, 15), "+66812345678", MemberStatus.ACTIVE, 96, 5, 0, 1,
                 beneficiaries=(("สมใจ ใจดี", "ภรรยา", 100),), roles=("committee",),
                 hospital_claim=True),
    # Paid through three months back: the last two ended months are unpaid, so one more missed
    # month ends her membership (dues_status: arrears_months == 2, lapse_warning).
    DemoIdentity("somsri", "PAKHLOK", "00001", "สมศรี", "มีสุข", "f", "3830300123458",
                 date(1955, 3, 3), "+66898765432", MemberStatus.ACTIVE, 72, 10, -3, 3,
                 beneficiaries=(("วันเพ็ญ มีสุข", "บุตรสาว", 100),)),
    # Joined three months ago: paid up, but still inside the 180-day waiting period.
    DemoIdentity("anan", "KAMALA", "last", "อนันต์", "รักถิ่น", "m", "1830200456785",
                 date(1990, 8, 20), "+66623456789", MemberStatus.ACTIVE, 3, 1, 0, 1,
                 beneficiaries=(("ละเอียด รักถิ่น", "มารดา", 100),)),
    DemoIdentity("prasert", "RAWAI", "00001", "ประเสริฐ", "ทองดี", "m", "3830100678901",
                 date(1972, 6, 12), "+66954567890", MemberStatus.LAPSED, 60, 8, -6, 1,
                 beneficiaries=(("บุญเรือน ทองดี", "ภรรยา", 100),)),
    # joined_months_ago == 0: the application came in six days ago (see _demo_joined_on).
    DemoIdentity("malee", "SAKHU", None, "มาลี", "แก้วมณี", "f", "1830300246804",
                 date(1998, 2, 2), "+66867891234", MemberStatus.PENDING, 0, 0, None, 1),
)


def _demo_joined_on(identity: DemoIdentity, today: date) -> date:
    if identity.joined_months_ago == 0:
        return today - timedelta(days=6)
    start = add_months(today.replace(day=1), -identity.joined_months_ago)
    return start.replace(day=identity.joined_day)


# --- plain helpers ------------------------------------------------------------------------------

def _rand_date(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


@cache
def _month_start(index: int) -> date:
    return first_of_month(index)


@cache
def _month_end(index: int) -> date:
    start = first_of_month(index)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _round_to(value: Decimal, step: int) -> Decimal:
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _national_id(rng: random.Random, birth_year: int, used: set[str]) -> str:
    """A valid, unused ID: '1' for people born since 1984 (registered at birth), '3' before."""
    while True:
        kind = "1" if birth_year >= 1984 else rng.choice("3333333335")
        first12 = kind + rng.choice(ID_AREAS) + f"{rng.randrange(10**7):07d}"
        digits = first12 + str(national_id_check_digit(first12))
        if digits not in used:
            used.add(digits)
            return digits


def _phone(rng: random.Random) -> str:
    return f"+66{rng.choice('689')}{rng.randrange(10**8):08d}"


def _birth_date(rng: random.Random, older: bool = False) -> date:
    # Community funds are old: a quarter of the members are over 60.
    spans = ((1940, 1954), (1955, 1964), (1965, 1974), (1975, 1984), (1985, 1994), (1995, 2005))
    weights = (30, 60, 5, 3, 1, 1) if older else (15, 22, 22, 18, 13, 10)
    lo, hi = rng.choices(spans, weights)[0]
    return _rand_date(rng, date(lo, 1, 1), date(hi, 12, 31))


def rules_by_code(fund: Fund) -> dict[str, Rule]:
    return {
        r.code: Rule(
            code=r.code, amount=r.amount, per=r.per, max_per_event=r.max_per_event,
            max_per_year=r.max_per_year, min_age=r.min_age, max_age=r.max_age,
            min_years=r.min_years, waiting_days=r.waiting_days,
            tiers=tuple(Tier(t.min_years, t.amount) for t in r.tiers),
        )
        for r in fund.benefits
    }


# --- the people of one fund ----------------------------------------------------------------------

@dataclass
class Person:
    first_name: str
    last_name: str
    sex: str
    birth_date: date
    joined_on: date
    phone: str | None
    national_id: str
    status: MemberStatus
    last_paid: int | None  # month index paid through; None: nothing paid
    habit: int  # months per payment (0: irregular and sometimes late)
    end_on: date | None = None  # death or resignation: no payment after it
    member_no: str | None = None
    numbered_last: bool = False
    beneficiaries: list[tuple[str, str, int]] = field(default_factory=list)
    demo: DemoIdentity | None = None
    id: int | None = None


@dataclass
class Claimed:
    """A claim with the expense it caused, before the claim has an id."""

    row: dict[str, Any]
    expense: str | None  # description of the benefit expense, when paid


@dataclass
class FundResult:
    active: int = 0
    other: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    payments: int = 0
    claims: int = 0


class FundSeeder:
    """Builds and inserts one fund's members, ledger, claims, income, expenses, roles, meeting."""

    def __init__(self, session: Session, fund: Fund, target_active: int, *, id_key: str,
                 today: date, now: datetime, used_ids: set[str]) -> None:
        self.session = session
        self.fund = fund
        self.target_active = target_active
        self.id_key = id_key
        self.today = today
        self.now = now
        self.used_ids = used_ids
        self.rng = random.Random(f"{SEED}:{fund.code}")
        self.current = month_index(today)
        self.meeting_day = self.rng.choice((5, 7, 10, 15, 20, 25))
        self.rules = rules_by_code(fund)
        self.dues_by_year: dict[int, Decimal] = defaultdict(Decimal)
        self.result = FundResult()

    # -- plan ------------------------------------------------------------------------------------

    def run(self) -> FundResult:
        self.fund.payment_info_th = (
            f"ชำระเงินสัจจะได้ที่สำนักงานกองทุน ({self.fund.name_th}) ในวันประชุมประจำเดือน "
            f"ทุกวันที่ {self.meeting_day} หรือชำระกับเหรัญญิกของกองทุน")
        self.fund.payment_info_en = (
            f"Pay your dues at the fund office ({self.fund.name_en}) at the monthly meeting on the "
            f"{_ordinal(self.meeting_day)} of each month, or to the fund's treasurer")
        people = self._demo_people() + self._synthetic_people()
        self._number(people)
        self._insert_members(people)
        self._insert_payments(people)
        self._insert_beneficiaries(people)
        self._insert_claims(people)
        self._insert_income()
        self._insert_costs(people)
        self._insert_roles(people)
        self._insert_meeting()
        for p in people:
            if p.status == MemberStatus.ACTIVE:
                self.result.active += 1
            else:
                self.result.other[p.status.value] += 1
        return self.result

    def _demo_people(self) -> list[Person]:
        people = []
        for d in DEMO_IDENTITIES:
            if d.fund_code != self.fund.code:
                continue
            self.used_ids.add(d.national_id)
            people.append(Person(
                first_name=d.first_name, last_name=d.last_name, sex=d.sex, birth_date=d.birth_date,
                joined_on=_demo_joined_on(d, self.today), phone=d.phone, national_id=d.national_id,
                status=d.status,
                last_paid=None if d.paid_offset is None else self.current + d.paid_offset,
                habit=d.habit, member_no=d.member_no if d.member_no != "last" else None,
                numbered_last=d.member_no == "last", beneficiaries=list(d.beneficiaries), demo=d,
            ))
        return people

    def _synthetic_people(self) -> list[Person]:
        rng = self.rng
        demo_active = sum(d.fund_code == self.fund.code and d.status == MemberStatus.ACTIVE
                          for d in DEMO_IDENTITIES)
        n = self.target_active - demo_active
        arrears = round(self.target_active * rng.uniform(0.10, 0.15))
        ahead = round(n * 0.08)
        due = round(n * 0.07)
        plan = (["arrears"] * arrears + ["ahead"] * ahead + ["due"] * due
                + ["paid"] * (n - arrears - ahead - due))
        # On top of the active members: a few percent who lapsed, resigned, died or just applied.
        for category, low, high in (("lapsed", 0.02, 0.035), ("resigned", 0.005, 0.015),
                                    ("deceased", 0.004, 0.008), ("pending", 0.003, 0.008)):
            plan += [category] * max(2, round(self.target_active * rng.uniform(low, high)))
        return [self._person(category) for category in plan]

    def _terms(self, category: str) -> tuple[int | None, date, date | None, MemberStatus]:
        """(paid-through month, latest join date, end date, status) for a category of member."""
        rng, c, today = self.rng, self.current, self.today
        if category == "paid":
            return c, today, None, MemberStatus.ACTIVE
        if category == "ahead":  # yearly payers, some months ahead (within the fund's limit)
            ahead = rng.randint(1, min(11, self.fund.may_pay_months_ahead))
            return c + ahead, today - timedelta(days=365), None, MemberStatus.ACTIVE
        if category == "due":  # paid through last month: this month's dues still open
            return c - 1, first_of_month(c) - timedelta(days=1), None, MemberStatus.ACTIVE
        if category == "arrears":  # one or two ended months unpaid, not yet lapsed
            last = c - rng.choice((2, 2, 3))
            return last, first_of_month(last), None, MemberStatus.ACTIVE
        if category == "lapsed":  # three or more months unpaid: membership ended
            last = c - self.fund.lapse_after_missed_months - 1 - rng.randint(0, 20)
            return last, first_of_month(last - 3), None, MemberStatus.LAPSED
        if category == "resigned":
            end = today - timedelta(days=rng.randint(30, 1000))
            return month_index(end), end - timedelta(days=365), end, MemberStatus.RESIGNED
        if category == "deceased":
            end = today - timedelta(days=rng.randint(3, 3 * 365))
            return month_index(end), end - timedelta(days=400), end, MemberStatus.DECEASED
        return None, today, None, MemberStatus.PENDING

    def _person(self, category: str) -> Person:
        rng = self.rng
        last_paid, join_hi, end_on, status = self._terms(category)
        birth = _birth_date(rng, older=category == "deceased")
        if add_months(birth, 18 * 12) > join_hi:  # members join as adults
            birth = _rand_date(rng, date(1940, 1, 1), add_months(join_hi, -18 * 12 - 12))
        if category == "pending":
            joined = self.today - timedelta(days=rng.randint(0, 30))
        else:
            join_lo = max(add_months(self.today, -YEARS_OF_MEMBERS * 12), add_months(birth, 18 * 12))
            # Funds grew over the years: more members joined recently than long ago.
            joined = join_hi - timedelta(days=int(max((join_hi - join_lo).days, 0) * rng.random() ** 1.4))
        sex = rng.choice("mf")
        habit = rng.choices((1, 3, 6, 12, 0), (12, 25, 25, 28, 10))[0]
        person = Person(
            first_name=rng.choice(MALE_NAMES if sex == "m" else FEMALE_NAMES),
            last_name=rng.choice(SURNAMES), sex=sex, birth_date=birth, joined_on=joined,
            phone=_phone(rng) if rng.random() < 0.85 else None,
            national_id=_national_id(rng, birth.year, self.used_ids), status=status,
            last_paid=last_paid, habit=habit, end_on=end_on,
        )
        if category != "pending" and (category == "deceased" or rng.random() < 0.75):
            person.beneficiaries = self._beneficiaries(person)
        return person

    def _beneficiaries(self, p: Person) -> list[tuple[str, str, int]]:
        rng = self.rng
        age = self.today.year - p.birth_date.year
        spouse = ("ภรรยา", FEMALE_NAMES) if p.sex == "m" else ("สามี", MALE_NAMES)
        if age >= 55:
            options = [("บุตร", MALE_NAMES), ("บุตรสาว", FEMALE_NAMES), spouse]
        elif age >= 30:
            options = [spouse, spouse, ("บุตร", MALE_NAMES), ("บุตรสาว", FEMALE_NAMES)]
        else:
            options = [("มารดา", FEMALE_NAMES), ("บิดา", MALE_NAMES), ("พี่สาว", FEMALE_NAMES)]
        chosen = [rng.choice(options)]
        if rng.random() < 0.12:  # some name two people, half each
            chosen.append(rng.choice([o for o in options if o[0] != chosen[0][0]]))
        share = 100 // len(chosen)
        return [(f"{rng.choice(names)} {p.last_name}", relation, share) for relation, names in chosen]

    def _number(self, people: list[Person]) -> None:
        """Member numbers in order of joining, after the demo identity's fixed "00001"."""
        taken = {p.member_no for p in people if p.member_no}
        numbered = sorted((p for p in people if p.member_no is None and not p.numbered_last
                           and p.status != MemberStatus.PENDING),
                          key=lambda p: p.joined_on)
        n = 0
        for p in numbered + [p for p in people if p.numbered_last]:
            n += 1
            while f"{n:05d}" in taken:
                n += 1
            p.member_no = f"{n:05d}"

    # -- members ---------------------------------------------------------------------------------

    def _insert_members(self, people: list[Person]) -> None:
        rows = [{
            "fund_id": self.fund.id, "member_no": p.member_no, "first_name": p.first_name,
            "last_name": p.last_name,
            "national_id_hash": hash_national_id(self.id_key, p.national_id),
            "national_id_last4": p.national_id[-4:], "birth_date": p.birth_date, "phone": p.phone,
            "joined_on": p.joined_on, "status": p.status, "preferred_language": "th",
            "consent_at": None, "consent_version": None, "created_at": self.now,
        } for p in people]
        self.session.execute(insert(Member.__table__), rows)
        # Read the ids back by hash rather than RETURNING: SQLite's ordered RETURNING for
        # executemany goes row by row and would take most of the seed's time.
        ids = dict(self.session.execute(
            select(Member.national_id_hash, Member.id).where(Member.fund_id == self.fund.id)).all())
        for person, row in zip(people, rows, strict=True):
            person.id = ids[row["national_id_hash"]]

    # -- dues ------------------------------------------------------------------------------------

    def _insert_payments(self, people: list[Person]) -> None:
        rows: list[dict[str, Any]] = []
        dues = self.fund.dues_per_month
        for p in people:
            rng = random.Random(f"{SEED}:demo:{p.demo.key}") if p.demo else self.rng
            for start, end, paid_on in self._payment_plan(p, rng):
                months = end - start + 1
                rows.append({"member_id": p.id, "amount": dues * months, "months_covered": months,
                             "paid_on": paid_on, "recorded_by": RECORDED_BY, "reverses_id": None,
                             "note": None, "created_at": self.now})
                self.dues_by_year[paid_on.year] += dues * months
        if rows:
            self.session.execute(insert(Payment.__table__), rows)
        self.result.payments = len(rows)

    def _payment_plan(self, p: Person, rng: random.Random) -> list[tuple[int, int, date]]:
        """Consecutive (first month, last month, paid on) entries of 1-12 months each, from the
        month of joining to the paid-through month; their total is what dues_status reads."""
        first = month_index(p.joined_on)
        if p.last_paid is None or p.last_paid < first:
            return []
        limit = min(self.today, p.end_on or self.today)
        chunks = _chunks(rng, first, p.last_paid, self.current, p.habit, self.current - HISTORY_MONTHS)
        plan, previous = [], first
        for start, end in chunks:
            paid_month = start
            if p.habit == 0 and start >= self.current - HISTORY_MONTHS:
                paid_month += rng.choice((0, 0, 1, 2))  # irregular payers are sometimes late
            paid_month = max(previous, min(paid_month, month_index(limit)))
            previous = paid_month
            plan.append((start, end, self._paid_on(rng, paid_month, p.joined_on, limit)))
        return plan

    def _paid_on(self, rng: random.Random, month: int, joined_on: date, limit: date) -> date:
        """Mostly the fund's meeting day (dues are collected in cash there), within bounds."""
        start = _month_start(month)
        lo = max(start, joined_on)
        hi = min(_month_end(month), limit)
        meeting = start.replace(day=self.meeting_day)
        if lo <= meeting <= hi and rng.random() < 0.65:
            return meeting
        return _rand_date(rng, lo, hi)

    # -- beneficiaries ---------------------------------------------------------------------------

    def _insert_beneficiaries(self, people: list[Person]) -> None:
        rows = [{"member_id": p.id, "name": name, "relation": relation, "share_percent": share}
                for p in people for name, relation, share in p.beneficiaries]
        if rows:
            self.session.execute(insert(Beneficiary.__table__), rows)

    # -- claims and the benefits they paid --------------------------------------------------------

    def _insert_claims(self, people: list[Person]) -> None:
        claimed: list[Claimed] = []
        for p in people:
            if p.demo is not None:
                if p.demo.hospital_claim:
                    claimed.append(self._demo_hospital_claim(p))
            elif p.status == MemberStatus.ACTIVE:
                claimed += self._random_claims(p)
            elif p.status == MemberStatus.DECEASED:
                claimed += self._death_claim(p)
        if not claimed:
            return
        self.session.execute(insert(Claim.__table__), [c.row for c in claimed])
        # A member has at most one claim per benefit and event date, which identifies it.
        ids = {(m, code, on): claim_id for claim_id, m, code, on in self.session.execute(
            select(Claim.id, Claim.member_id, Claim.benefit_code, Claim.event_on)
            .join(Member, Member.id == Claim.member_id).where(Member.fund_id == self.fund.id))}
        expenses = [{
            "fund_id": self.fund.id, "kind": ExpenseKind.BENEFIT, "amount": c.row["amount"],
            "spent_on": c.row["paid_on"], "description": c.expense, "recorded_by": RECORDED_BY,
            "claim_id": ids[c.row["member_id"], c.row["benefit_code"], c.row["event_on"]],
        } for c in claimed if c.expense]
        if expenses:
            self.session.execute(insert(FundExpense.__table__), expenses)
        self.result.claims = len(claimed)

    def _claim(self, p: Person, code: str, amount: Decimal, event_on: date, *,
               nights: int | None = None, status: ClaimStatus | None = None,
               dates: tuple[date, date | None, date | None] | None = None,
               note: str | None = None) -> Claimed:
        if status is None:
            status, dates, note = self._claim_progress(event_on)
        assert dates is not None
        submitted, decided, paid = dates
        row = {"member_id": p.id, "benefit_code": code, "amount": amount, "nights": nights,
               "status": status, "event_on": event_on, "submitted_on": submitted,
               "decided_on": decided, "paid_on": paid, "note": note}
        rule_name = next(r.name_th for r in self.fund.benefits if r.code == code)
        expense = f"สวัสดิการ{rule_name} สมาชิกเลขที่ {p.member_no}" if status == ClaimStatus.PAID else None
        return Claimed(row, expense)

    def _claim_progress(self, event_on: date) -> tuple[ClaimStatus, tuple, str | None]:
        """How far a claim has come: recent ones wait, older ones were paid or (a few) refused."""
        rng, today = self.rng, self.today
        submitted = min(event_on + timedelta(days=rng.randint(1, 14)), today)
        age = (today - submitted).days
        if age < 5:
            return ClaimStatus.SUBMITTED, (submitted, None, None), None
        decided = submitted + timedelta(days=rng.randint(1, 4))
        if age < 15:
            return ClaimStatus.APPROVED, (submitted, decided, None), None
        if rng.random() < 0.05:
            reason = rng.choice(("เอกสารไม่ครบ: ไม่มีสำเนาเอกสารรับรอง", "ยื่นเกินกำหนด 90 วันหลังเกิดเหตุ"))
            return ClaimStatus.REJECTED, (submitted, decided, None), reason
        paid = min(decided + timedelta(days=rng.randint(0, 7)), today)
        return ClaimStatus.PAID, (submitted, decided, paid), None

    def _amount(self, p: Person, code: str, on: date) -> Decimal | None:
        """The rule's amount if the member qualifies on that date (the domain decides)."""
        verdict = evaluate(self.rules[code], active=True, joined_on=p.joined_on,
                           birth_date=p.birth_date, fund_waiting_days=self.fund.waiting_days, on=on)
        return verdict.amount if verdict.status == Eligibility.ELIGIBLE else None

    def _hospital(self, p: Person, event_on: date, nights: int) -> Decimal | None:
        per_night = self._amount(p, "hospital", event_on)
        if per_night is None:
            return None
        rule = self.rules["hospital"]
        total = per_night * nights
        return min(total, rule.max_per_event) if rule.max_per_event is not None else total

    def _random_claims(self, p: Person) -> list[Claimed]:
        rng, today = self.rng, self.today
        window = today - timedelta(days=CLAIM_YEARS * 365)
        out: list[Claimed] = []
        if rng.random() < 0.14:
            event = _rand_date(rng, window, today - timedelta(days=1))
            nights = rng.randint(1, 6)
            amount = self._hospital(p, event, nights)
            if amount is not None:
                out.append(self._claim(p, "hospital", amount, event, nights=nights))
        age = today.year - p.birth_date.year
        for code, chance, low, high in (("birth", 0.05, 20, 42), ("scholarship", 0.05, 32, 55),
                                        ("disaster", 0.01, 0, 200)):
            if low <= age <= high and rng.random() < chance:
                event = _rand_date(rng, window, today - timedelta(days=1))
                if code == "scholarship":  # results come at the end of the school year
                    event = date(event.year, 3, 31) if date(event.year, 3, 31) < today else event
                amount = self._amount(p, code, event)
                if amount is not None:
                    out.append(self._claim(p, code, amount, event))
        out += self._elderly_claims(p)
        return out

    def _elderly_claims(self, p: Person) -> list[Claimed]:
        """The yearly elderly allowance, paid at the fund's Elderly Day (13 April) event."""
        out = []
        for year in range(self.today.year - CLAIM_YEARS + 1, self.today.year + 1):
            day = date(year, 4, 13)
            if day > self.today:
                continue
            amount = self._amount(p, "elderly", day)
            if amount is not None:
                out.append(self._claim(p, "elderly", amount, day, status=ClaimStatus.PAID,
                                       dates=(day, day, day), note="จ่ายในงานวันผู้สูงอายุ 13 เมษายน"))
        return out

    def _death_claim(self, p: Person) -> list[Claimed]:
        assert p.end_on is not None
        amount = self._amount(p, "death", p.end_on)
        if amount is None or not p.beneficiaries:
            return []
        status, dates, _ = self._claim_progress(p.end_on)
        if status == ClaimStatus.REJECTED:  # a death claim with a beneficiary is not refused
            status, dates = ClaimStatus.APPROVED, (dates[0], dates[1], None)
        name, relation, _share = p.beneficiaries[0]
        return [self._claim(p, "death", amount, p.end_on, status=status, dates=dates,
                            note=f"จ่ายให้ผู้รับผลประโยชน์: {name} ({relation})")]

    def _demo_hospital_claim(self, p: Person) -> Claimed:
        event = self.today - timedelta(days=120)
        amount = self._hospital(p, event, 3)
        assert amount is not None, "the demo member qualifies for the hospital benefit"
        dates = (event + timedelta(days=3), event + timedelta(days=6), event + timedelta(days=10))
        return self._claim(p, "hospital", amount, event, nights=3, status=ClaimStatus.PAID,
                           dates=dates)

    # -- the fund's other money ------------------------------------------------------------------

    def _insert_income(self) -> None:
        """Matching from CODI and the local government, paid on the previous year's dues, plus an
        occasional merit-making donation; shares near the seed's national figures (65/24/3)."""
        rng, today = self.rng, self.today
        codi_ratio = Decimal(str(round(rng.uniform(0.25, 0.5), 2)))
        local_ratio = Decimal(str(round(rng.uniform(0.03, 0.2), 2)))
        rows = []
        years = sorted(self.dues_by_year)
        for year in range(years[0] + 1 if years else today.year + 1, today.year + 1):
            base = self.dues_by_year.get(year - 1, Decimal(0))
            be = year - 1 + BE_OFFSET
            for source, ratio, on, text in (
                (IncomeSource.LOCAL_GOVERNMENT, local_ratio, date(year, 2, 10),
                 f"เงินสมทบจาก{self.fund.name_th} ตามยอดเงินสัจจะปี {be}"),
                (IncomeSource.CODI, codi_ratio, date(year, 6, 15),
                 f"เงินสมทบจากรัฐบาลผ่าน พอช. (สถาบันพัฒนาองค์กรชุมชน) ตามยอดเงินสัจจะปี {be}"),
            ):
                amount = _round_to(base * ratio, 100)
                if on <= today and amount > 0:
                    rows.append(self._income(source, amount, on, text))
            donation_on = date(year, 11, rng.randint(1, 28))
            if rng.random() < 0.35 and donation_on <= today:
                rows.append(self._income(IncomeSource.OTHER, Decimal(rng.randrange(5000, 40001, 500)),
                                         donation_on, "เงินบริจาคจากงานทอดผ้าป่าสามัคคีเพื่อกองทุน"))
        if rows:
            self.session.execute(insert(FundIncome.__table__), rows)

    def _income(self, source: IncomeSource, amount: Decimal, on: date, text: str) -> dict[str, Any]:
        return {"fund_id": self.fund.id, "source": source, "amount": amount, "received_on": on,
                "description": text, "recorded_by": RECORDED_BY}

    def _insert_costs(self, people: list[Person]) -> None:
        """Small running costs: meeting refreshments, stationery, the annual meeting, wreaths."""
        rng = self.rng
        rows = []
        for index in range(self.current - CLAIM_YEARS * 12, self.current + 1):
            meeting = first_of_month(index).replace(day=self.meeting_day)
            if meeting > self.today:
                continue
            rows.append(self._cost(Decimal(rng.randrange(300, 1201, 10)), meeting,
                                   "ค่าอาหารว่างและเครื่องดื่ม ประชุมประจำเดือน"))
            if meeting.month % 3 == 0:
                rows.append(self._cost(Decimal(rng.randrange(200, 901, 10)), meeting,
                                       "ค่าเครื่องเขียนและถ่ายเอกสาร"))
            if meeting.month == 3:
                rows.append(self._cost(Decimal(rng.randrange(3000, 12001, 100)), meeting,
                                       "ค่าจัดประชุมใหญ่สามัญประจำปี"))
        for p in people:
            if p.status == MemberStatus.DECEASED and p.end_on:
                rows.append(self._cost(Decimal(rng.choice((500, 700, 1000))),
                                       min(p.end_on + timedelta(days=2), self.today),
                                       f"ค่าพวงหรีดงานศพสมาชิกเลขที่ {p.member_no}"))
        if rows:
            self.session.execute(insert(FundExpense.__table__), rows)

    def _cost(self, amount: Decimal, on: date, text: str) -> dict[str, Any]:
        return {"fund_id": self.fund.id, "kind": ExpenseKind.COST, "amount": amount, "spent_on": on,
                "claim_id": None, "description": text, "recorded_by": RECORDED_BY}

    # -- committee and meeting -------------------------------------------------------------------

    def _insert_roles(self, people: list[Person]) -> None:
        rng, today = self.rng, self.today
        granted = datetime.combine(_rand_date(rng, today - timedelta(days=700), today - timedelta(days=30)),
                                   clock_time(10, 0), BANGKOK)
        rows = [{"member_id": p.id, "fund_id": self.fund.id, "role": role, "granted_at": granted}
                for p in people if p.demo for role in p.demo.roles]
        # Committees are elected from long-standing members in good standing, aged 35 to 72.
        candidates = [p for p in people if p.demo is None and p.status == MemberStatus.ACTIVE
                      and p.last_paid is not None and p.last_paid >= self.current
                      and 35 <= today.year - p.birth_date.year <= 72
                      and p.joined_on <= today - timedelta(days=3 * 365)]
        roles = ["admin", "treasurer"] + ["committee"] * rng.randint(3, 5)
        for person, role in zip(rng.sample(candidates, min(len(roles), len(candidates))), roles,
                                strict=False):
            rows.append({"member_id": person.id, "fund_id": self.fund.id, "role": role,
                         "granted_at": granted})
        if rows:
            self.session.execute(insert(CommitteeRole.__table__), rows)

    def _insert_meeting(self) -> None:
        """The next monthly meeting, at least three days away (so within the next five weeks)."""
        day = self.today.replace(day=1).replace(day=self.meeting_day)
        if day < self.today + timedelta(days=3):
            day = add_months(day, 1)
        hour, minute = self.rng.choice(((9, 30), (13, 30), (18, 0)))
        starts_at = datetime.combine(day, clock_time(hour, minute), BANGKOK)
        self.session.execute(insert(Meeting.__table__), [{
            "fund_id": self.fund.id,
            "title_th": f"ประชุมประจำเดือน{format_month(day.year, day.month, 'th')} "
                        f"กองทุนสวัสดิการชุมชน{self.fund.name_th}",
            "title_en": f"Monthly meeting, {format_month(day.year, day.month, 'en')}: "
                        f"{self.fund.name_en} community welfare fund",
            "starts_at": starts_at,
            "place_th": f"ห้องประชุมสำนักงาน{self.fund.name_th}",
            "place_en": f"Meeting room, {self.fund.name_en} office",
            "agenda_th": "1) รับเงินสัจจะประจำเดือน 2) รายงานรายรับ-รายจ่ายและการจ่ายสวัสดิการ "
                         "3) พิจารณารับสมาชิกใหม่ 4) เรื่องอื่น ๆ",
            "agenda_en": "1) Monthly dues 2) Income, expenses and benefits paid "
                         "3) New members' applications 4) Other business",
            "created_at": self.now,
        }])


def _chunks(rng: random.Random, first: int, last: int, current: int, habit: int,
            history_from: int) -> list[tuple[int, int]]:
    """Split months first..last into payments of 1-12 months. Before `history_from` one entry per
    calendar year (as a paper book would be typed in); a payment ahead is made by the current month."""
    tail = None
    end = last
    if last > current:
        start = rng.randint(max(first, last - 11), current)
        tail, end = (start, last), start - 1
    chunks = []
    month = first
    while month <= end:
        if month < history_from:
            size = 12 - month % 12  # to December
        elif habit == 0:
            size = rng.randint(1, 4)
        else:
            size = habit
        chunk_end = min(month + size - 1, end)
        chunks.append((month, chunk_end))
        month = chunk_end + 1
    if tail:
        chunks.append(tail)
    return chunks


# --- the whole demo ----------------------------------------------------------------------------

def _target_active(row: dict[str, str], rng: random.Random) -> int:
    """Active members as the seed reports them, else a realistic share of the population."""
    population = int(row["population"]) if row["population"] else None
    if row["seed_members"]:
        return int(row["seed_members"])
    if row["seed_coverage_pct"] and population:
        share = Decimal(population) * Decimal(row["seed_coverage_pct"]) / 100
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if population:
        return round(population * rng.uniform(0.03, 0.08))
    return rng.randint(300, 800)


def _read_funds(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _network_assembly(session: Session, today: date, now: datetime) -> bool:
    """The province's yearly assembly of all funds, on a Saturday about two months ahead."""
    day = today + timedelta(days=60)
    day += timedelta(days=(5 - day.weekday()) % 7)
    title_th = f"สมัชชากองทุนสวัสดิการชุมชนจังหวัดภูเก็ต ประจำปี {day.year + BE_OFFSET}"
    exists = session.scalar(select(Meeting.id).where(Meeting.fund_id.is_(None),
                                                     Meeting.title_th == title_th))
    if exists:
        return False
    session.execute(insert(Meeting.__table__), [{
        "fund_id": None,
        "title_th": title_th,
        "title_en": f"Phuket provincial assembly of community welfare funds {day.year}",
        "starts_at": datetime.combine(day, clock_time(8, 30), BANGKOK),
        "place_th": "ห้องประชุมองค์การบริหารส่วนจังหวัดภูเก็ต",
        "place_en": "Meeting hall, Phuket Provincial Administrative Organization",
        "agenda_th": "1) รายงานผลการดำเนินงานของกองทุนทั้ง 18 แห่ง 2) ความครอบคลุมสมาชิกและแผนยุทธศาสตร์ "
                     "3) ความโปร่งใสทางการเงินและการเชื่อมโยงกับหน่วยงานภาคี 4) เลือกตั้งคณะกรรมการเครือข่าย",
        "agenda_en": "1) Reports of all 18 funds 2) Membership coverage and the strategic plan "
                     "3) Financial transparency and links with partner agencies "
                     "4) Election of the network committee",
        "created_at": now,
    }])
    return True


def seed_demo(session: Session, *, id_key: str, force: bool = False, today: date | None = None,
              data_dir: Path | None = None) -> str:
    """Load the demo (see the module docstring) and commit; returns a summary for the CLI.

    Without `force` nothing happens once any fund exists. With it, funds whose code already
    exists are left alone and only the missing ones are seeded, so nothing is added twice.
    `data_dir` is a folder holding the funds CSV and the rules TOML (by default the packaged
    copies, PACKAGED_DATA)."""
    existing = set(session.scalars(select(Fund.code)))
    if existing and not force:
        return (f"The database already has {len(existing)} fund(s): nothing was seeded "
                "(use --force to add the demo funds that are missing).")
    started = time.perf_counter()
    today = today or bangkok_today()
    data = data_dir or PACKAGED_DATA
    rules = load_rules(data / RULES_FILE)
    rows = _read_funds(data / FUNDS_FILE)
    now = datetime.now(UTC)
    used_ids = {d.national_id for d in DEMO_IDENTITIES}
    totals: dict[str, int] = defaultdict(int)
    seeded = []
    for row in rows:
        if row["code"] in existing:
            continue
        fund = Fund(code=row["code"], kind=row["kind"], name_th=row["name_th"], name_en=row["name_en"],
                    district_th=row["district_th"], district_en=row["district_en"],
                    population=int(row["population"]) if row["population"] else None)
        apply_rules(fund, rules)
        session.add(fund)
        session.flush()
        target = _target_active(row, random.Random(f"{SEED}:size:{fund.code}"))
        result = FundSeeder(session, fund, target, id_key=id_key, today=today, now=now,
                            used_ids=used_ids).run()
        seeded.append(fund.code)
        totals["active"] += result.active
        totals["payments"] += result.payments
        totals["claims"] += result.claims
        for status, n in result.other.items():
            totals[status] += n
    assembly = _network_assembly(session, today, now)
    session.commit()
    elapsed = time.perf_counter() - started
    skipped = sorted(existing & {r["code"] for r in rows})
    return (
        f"Seeded {len(seeded)} fund(s) as of {today.isoformat()} in {elapsed:.1f} s: "
        f"{totals['active']:,} active members (plus {totals['lapsed']:,} lapsed, "
        f"{totals['resigned']:,} resigned, {totals['deceased']:,} deceased and {totals['pending']:,} "
        f"pending applicants), {totals['payments']:,} payments, {totals['claims']:,} claims, "
        f"{len(seeded) + int(assembly)} upcoming meeting(s)"
        + (f"; left alone the existing funds {', '.join(skipped)}" if skipped else "")
        + ". Demo identities (docs/demo.md): สมชาย ใจดี PKT-CITY 00001 (3-1006-00445-63-5, "
        "born 15/01/2510), สมศรี มีสุข PAKHLOK (2 months in arrears), อนันต์ รักถิ่น KAMALA "
        "(waiting period), ประเสริฐ ทองดี RAWAI (lapsed), มาลี แก้วมณี SAKHU (pending)."
    )
