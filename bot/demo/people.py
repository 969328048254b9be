"""The people of the demo: Thai names, national IDs, phones and birth dates drawn at random, the
fixed demo identities (docs/demo.md), and one fund's members, planned then inserted."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert, select

from bot.demo.context import YEARS_OF_MEMBERS, FundContext, random_date
from domain.dates import add_months, first_of_month, month_index
from domain.identity import hash_national_id
from domain.thai import national_id_check_digit
from models import Beneficiary, Member, MemberStatus

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
                 beneficiaries=(("สมใจ ใจดี", "ภรรยา", 100),), roles=("committee", "admin"),
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


# --- drawing a person ---------------------------------------------------------------------------

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
    return random_date(rng, date(lo, 1, 1), date(hi, 12, 31))


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


# --- the people of one fund ----------------------------------------------------------------------

def plan_people(ctx: FundContext, target_active: int) -> list[Person]:
    """The fund's demo identities, then the synthetic crowd around them, numbered."""
    people = _demo_people(ctx) + _synthetic_people(ctx, target_active)
    _number(people)
    return people


def _demo_people(ctx: FundContext) -> list[Person]:
    people = []
    for d in DEMO_IDENTITIES:
        if d.fund_code != ctx.fund.code:
            continue
        ctx.used_ids.add(d.national_id)
        people.append(Person(
            first_name=d.first_name, last_name=d.last_name, sex=d.sex, birth_date=d.birth_date,
            joined_on=_demo_joined_on(d, ctx.today), phone=d.phone, national_id=d.national_id,
            status=d.status,
            last_paid=None if d.paid_offset is None else ctx.current + d.paid_offset,
            habit=d.habit, member_no=d.member_no if d.member_no != "last" else None,
            numbered_last=d.member_no == "last", beneficiaries=list(d.beneficiaries), demo=d,
        ))
    return people


def _synthetic_people(ctx: FundContext, target_active: int) -> list[Person]:
    rng = ctx.rng
    demo_active = sum(d.fund_code == ctx.fund.code and d.status == MemberStatus.ACTIVE
                      for d in DEMO_IDENTITIES)
    n = target_active - demo_active
    arrears = round(target_active * rng.uniform(0.10, 0.15))
    ahead = round(n * 0.08)
    due = round(n * 0.07)
    plan = (["arrears"] * arrears + ["ahead"] * ahead + ["due"] * due
            + ["paid"] * (n - arrears - ahead - due))
    # On top of the active members: a few percent who lapsed, resigned, died or just applied.
    for category, low, high in (("lapsed", 0.02, 0.035), ("resigned", 0.005, 0.015),
                                ("deceased", 0.004, 0.008), ("pending", 0.003, 0.008)):
        plan += [category] * max(2, round(target_active * rng.uniform(low, high)))
    return [_person(ctx, category) for category in plan]


def _terms(ctx: FundContext, category: str) -> tuple[int | None, date, date | None, MemberStatus]:
    """(paid-through month, latest join date, end date, status) for a category of member."""
    rng, c, today = ctx.rng, ctx.current, ctx.today
    if category == "paid":
        return c, today, None, MemberStatus.ACTIVE
    if category == "ahead":  # yearly payers, some months ahead (within the fund's limit)
        ahead = rng.randint(1, min(11, ctx.fund.may_pay_months_ahead))
        return c + ahead, today - timedelta(days=365), None, MemberStatus.ACTIVE
    if category == "due":  # paid through last month: this month's dues still open
        return c - 1, first_of_month(c) - timedelta(days=1), None, MemberStatus.ACTIVE
    if category == "arrears":  # one or two ended months unpaid, not yet lapsed
        last = c - rng.choice((2, 2, 3))
        return last, first_of_month(last), None, MemberStatus.ACTIVE
    if category == "lapsed":  # three or more months unpaid: membership ended
        last = c - ctx.fund.lapse_after_missed_months - 1 - rng.randint(0, 20)
        return last, first_of_month(last - 3), None, MemberStatus.LAPSED
    if category == "resigned":
        end = today - timedelta(days=rng.randint(30, 1000))
        return month_index(end), end - timedelta(days=365), end, MemberStatus.RESIGNED
    if category == "deceased":
        end = today - timedelta(days=rng.randint(3, 3 * 365))
        return month_index(end), end - timedelta(days=400), end, MemberStatus.DECEASED
    return None, today, None, MemberStatus.PENDING


def _person(ctx: FundContext, category: str) -> Person:
    rng = ctx.rng
    last_paid, join_hi, end_on, status = _terms(ctx, category)
    birth = _birth_date(rng, older=category == "deceased")
    if add_months(birth, 18 * 12) > join_hi:  # members join as adults
        birth = random_date(rng, date(1940, 1, 1), add_months(join_hi, -18 * 12 - 12))
    if category == "pending":
        joined = ctx.today - timedelta(days=rng.randint(0, 30))
    else:
        join_lo = max(add_months(ctx.today, -YEARS_OF_MEMBERS * 12), add_months(birth, 18 * 12))
        # Funds grew over the years: more members joined recently than long ago.
        joined = join_hi - timedelta(days=int(max((join_hi - join_lo).days, 0) * rng.random() ** 1.4))
    sex = rng.choice("mf")
    habit = rng.choices((1, 3, 6, 12, 0), (12, 25, 25, 28, 10))[0]
    person = Person(
        first_name=rng.choice(MALE_NAMES if sex == "m" else FEMALE_NAMES),
        last_name=rng.choice(SURNAMES), sex=sex, birth_date=birth, joined_on=joined,
        phone=_phone(rng) if rng.random() < 0.85 else None,
        national_id=_national_id(rng, birth.year, ctx.used_ids), status=status,
        last_paid=last_paid, habit=habit, end_on=end_on,
    )
    if category != "pending" and (category == "deceased" or rng.random() < 0.75):
        person.beneficiaries = _beneficiaries(ctx, person)
    return person


def _beneficiaries(ctx: FundContext, p: Person) -> list[tuple[str, str, int]]:
    rng = ctx.rng
    age = ctx.today.year - p.birth_date.year
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


def _number(people: list[Person]) -> None:
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


# --- into the database --------------------------------------------------------------------------

def insert_members(ctx: FundContext, people: list[Person]) -> None:
    rows = [{
        "fund_id": ctx.fund.id, "member_no": p.member_no, "first_name": p.first_name,
        "last_name": p.last_name,
        "national_id_hash": hash_national_id(ctx.id_key, p.national_id),
        "national_id_last4": p.national_id[-4:], "birth_date": p.birth_date, "phone": p.phone,
        "joined_on": p.joined_on, "status": p.status, "preferred_language": "th",
        "consent_at": None, "consent_version": None, "created_at": ctx.now,
    } for p in people]
    ctx.session.execute(insert(Member.__table__), rows)
    # Read the ids back by hash rather than RETURNING: SQLite's ordered RETURNING for
    # executemany goes row by row and would take most of the seed's time.
    ids = dict(ctx.session.execute(
        select(Member.national_id_hash, Member.id).where(Member.fund_id == ctx.fund.id)).all())
    for person, row in zip(people, rows, strict=True):
        person.id = ids[row["national_id_hash"]]


def insert_beneficiaries(ctx: FundContext, people: list[Person]) -> None:
    rows = [{"member_id": p.id, "name": name, "relation": relation, "share_percent": share}
            for p in people for name, relation, share in p.beneficiaries]
    if rows:
        ctx.session.execute(insert(Beneficiary.__table__), rows)
