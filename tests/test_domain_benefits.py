"""Benefit eligibility (domain/benefits.py), with the example fund's rules from
bot/demo_data/fund_rules_example.toml."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.demo.seed import PACKAGED_DATA
from bot.fund_rules import apply_rules, load_rules
from domain.benefits import Eligibility, Rule, Verdict, evaluate, tier_amount, years_to_date
from handlers.formatting import to_rule
from models import Fund

EXAMPLE_RULES = PACKAGED_DATA / "fund_rules_example.toml"

ELIGIBLE = Eligibility.ELIGIBLE
FROM_DATE = Eligibility.FROM_DATE
NOT_APPLICABLE = Eligibility.NOT_APPLICABLE


def load_example() -> tuple[int, dict[str, Rule]]:
    """The fund's waiting days and its rules as plain domain values, keyed by code, loaded the
    way the app loads them (TOML into the models, the models into domain values)."""
    fund = Fund()
    apply_rules(fund, load_rules(EXAMPLE_RULES))
    return fund.waiting_days, {rule.code: to_rule(rule) for rule in fund.benefits}


FUND_WAITING_DAYS, RULES = load_example()
BIRTH, HOSPITAL, DEATH, ELDERLY = RULES["birth"], RULES["hospital"], RULES["death"], RULES["elderly"]
ADULT = date(1985, 7, 1)  # a birth date that no age condition in the example cares about


def check(rule: Rule, *, on: date, joined_on: date, birth_date: date = ADULT, active: bool = True,
          waiting_days: int | None = None, lapsed: bool = False) -> Verdict:
    return evaluate(rule, active=active, lapsed=lapsed, joined_on=joined_on, birth_date=birth_date,
                    fund_waiting_days=FUND_WAITING_DAYS if waiting_days is None else waiting_days, on=on)


def day_before(d: date) -> date:
    return d - timedelta(days=1)


def test_the_example_rules_load_as_expected():
    assert FUND_WAITING_DAYS == 180
    assert set(RULES) == {"birth", "hospital", "death", "elderly", "scholarship", "disaster"}
    assert BIRTH.amount == Decimal(1000) and not BIRTH.tiers
    assert (HOSPITAL.per, HOSPITAL.amount, HOSPITAL.max_per_event, HOSPITAL.max_per_year) == (
        "night", Decimal(200), Decimal(600), Decimal(1000))
    assert DEATH.amount is None
    assert [(t.min_years, t.amount) for t in DEATH.tiers] == [
        (Decimal("0.5"), 3000), (1, 5000), (3, 10000), (5, 15000), (10, 20000), (15, 30000)]
    assert (ELDERLY.min_age, ELDERLY.min_years, ELDERLY.amount) == (60, Decimal(3), Decimal(200))


# --- waiting period --------------------------------------------------------------------------------

@pytest.mark.parametrize("joined_on", [date(2026, 1, 1), date(2025, 9, 1), date(2024, 1, 31),
                                       date(2025, 12, 31)])
@pytest.mark.parametrize("code", ["birth", "hospital", "scholarship", "disaster"])
def test_waiting_period_edge(code, joined_on):
    rule = RULES[code]
    eligible_on = joined_on + timedelta(days=180)
    before = check(rule, joined_on=joined_on, on=day_before(eligible_on))
    assert before.status is FROM_DATE
    assert before.from_date == eligible_on
    assert before.reason == "waiting"
    assert before.amount == rule.amount
    on = check(rule, joined_on=joined_on, on=eligible_on)
    assert on.status is ELIGIBLE
    assert on.from_date is None and on.reason is None
    assert on.amount == rule.amount


def test_waiting_period_example_dates():
    v = check(BIRTH, joined_on=date(2026, 1, 1), on=date(2026, 1, 1))
    assert (v.status, v.from_date, v.reason) == (FROM_DATE, date(2026, 6, 30), "waiting")
    assert check(BIRTH, joined_on=date(2026, 1, 1), on=date(2026, 6, 30)).status is ELIGIBLE
    assert check(BIRTH, joined_on=date(2026, 1, 1), on=date(2030, 1, 1)).status is ELIGIBLE


def test_fund_waiting_days_are_used_when_the_rule_sets_none():
    assert check(BIRTH, joined_on=date(2026, 1, 1), on=date(2026, 6, 30)).status is ELIGIBLE
    v = check(BIRTH, joined_on=date(2026, 1, 1), on=date(2026, 6, 30), waiting_days=365)
    assert (v.status, v.from_date, v.reason) == (FROM_DATE, date(2027, 1, 1), "waiting")


@pytest.mark.parametrize(("rule_waiting", "eligible_on"), [
    (365, date(2027, 1, 1)),      # longer than the fund's 180
    (90, date(2026, 4, 1)),       # shorter
    (0, date(2026, 1, 1)),        # none at all: zero is an override, not "unset"
])
def test_per_rule_waiting_days_override_the_funds(rule_waiting, eligible_on):
    rule = dataclasses.replace(BIRTH, waiting_days=rule_waiting)
    joined = date(2026, 1, 1)
    assert check(rule, joined_on=joined, on=eligible_on).status is ELIGIBLE
    if eligible_on > joined:
        before = check(rule, joined_on=joined, on=day_before(eligible_on))
        assert (before.status, before.from_date, before.reason) == (FROM_DATE, eligible_on, "waiting")


# --- age ---------------------------------------------------------------------------------------------

OLD_MEMBER = date(2010, 1, 1)  # joined long ago: waiting and years are met


@pytest.mark.parametrize(("birth_date", "sixtieth"), [
    (date(1966, 3, 15), date(2026, 3, 15)),
    (date(1966, 1, 1), date(2026, 1, 1)),
    (date(1966, 12, 31), date(2026, 12, 31)),
    (date(1964, 2, 29), date(2024, 2, 29)),  # 60 years after a leap day is a leap day again
])
def test_min_age_edge_is_the_sixtieth_birthday(birth_date, sixtieth):
    before = check(ELDERLY, joined_on=OLD_MEMBER, birth_date=birth_date, on=day_before(sixtieth))
    assert (before.status, before.from_date, before.reason) == (FROM_DATE, sixtieth, "age")
    on = check(ELDERLY, joined_on=OLD_MEMBER, birth_date=birth_date, on=sixtieth)
    assert on.status is ELIGIBLE
    assert on.amount == Decimal(200)


def test_leap_day_birth_and_min_age_61_reach_it_on_28_february():
    rule = dataclasses.replace(ELDERLY, min_age=61)
    born = date(1964, 2, 29)
    before = check(rule, joined_on=OLD_MEMBER, birth_date=born, on=date(2025, 2, 27))
    assert (before.status, before.from_date, before.reason) == (FROM_DATE, date(2025, 2, 28), "age")
    assert check(rule, joined_on=OLD_MEMBER, birth_date=born, on=date(2025, 2, 28)).status is ELIGIBLE


MAX_65 = Rule(code="young", amount=Decimal(500), max_age=65)


@pytest.mark.parametrize(("birth_date", "on", "status"), [
    (date(1960, 5, 10), date(2026, 5, 9), ELIGIBLE),          # 65 until the day before the 66th birthday
    (date(1960, 5, 10), date(2026, 5, 10), NOT_APPLICABLE),   # 66
    (date(1960, 2, 29), date(2026, 2, 27), ELIGIBLE),
    (date(1960, 2, 29), date(2026, 2, 28), NOT_APPLICABLE),   # a leap-day birthday falls on 28 Feb
    (date(1990, 1, 1), date(2026, 1, 1), ELIGIBLE),
])
def test_max_age(birth_date, on, status):
    v = check(MAX_65, joined_on=OLD_MEMBER, birth_date=birth_date, on=on)
    assert v.status is status
    if status is NOT_APPLICABLE:
        assert v.reason == "too_old"
        assert v.amount is None


def test_no_future_date_is_promised_past_the_max_age():
    # Joined 1 March 2026, aged 65; the waiting period ends 28 August 2026, after the 66th birthday.
    v = check(MAX_65, joined_on=date(2026, 3, 1), birth_date=date(1960, 5, 10), on=date(2026, 4, 1))
    assert (v.status, v.reason, v.from_date) == (NOT_APPLICABLE, "too_old", None)
    # Still eligible from the end of the waiting period when that comes before the 66th birthday.
    v = check(MAX_65, joined_on=date(2026, 3, 1), birth_date=date(1960, 9, 10), on=date(2026, 4, 1))
    assert (v.status, v.from_date) == (FROM_DATE, date(2026, 8, 28))


# --- years of membership ------------------------------------------------------------------------

@pytest.mark.parametrize(("joined_on", "third_anniversary"), [
    (date(2023, 5, 20), date(2026, 5, 20)),
    (date(2023, 12, 31), date(2026, 12, 31)),
    (date(2024, 2, 29), date(2027, 2, 28)),   # clamped like add_months
])
def test_min_years_edge(joined_on, third_anniversary):
    old = date(1940, 1, 1)
    before = check(ELDERLY, joined_on=joined_on, birth_date=old, on=day_before(third_anniversary))
    assert (before.status, before.from_date, before.reason) == (FROM_DATE, third_anniversary, "years")
    assert check(ELDERLY, joined_on=joined_on, birth_date=old, on=third_anniversary).status is ELIGIBLE


# --- combined conditions -------------------------------------------------------------------------

@pytest.mark.parametrize(("joined_on", "birth_date", "from_date", "reason"), [
    (date(2024, 1, 1), date(1966, 6, 15), date(2027, 1, 1), "years"),   # 60 in 2026, 3 years in 2027
    (date(2020, 1, 1), date(1970, 6, 15), date(2030, 6, 15), "age"),    # 3 years in 2023, 60 in 2030
    (date(2026, 1, 1), date(1940, 1, 1), date(2029, 1, 1), "years"),    # the years outlast the waiting
])
def test_combined_conditions_take_the_latest_date(joined_on, birth_date, from_date, reason):
    v = check(ELDERLY, joined_on=joined_on, birth_date=birth_date, on=date(2026, 1, 1))
    assert (v.status, v.from_date, v.reason) == (FROM_DATE, from_date, reason)
    assert v.amount == Decimal(200)
    assert check(ELDERLY, joined_on=joined_on, birth_date=birth_date, on=day_before(from_date)).status \
        is FROM_DATE
    assert check(ELDERLY, joined_on=joined_on, birth_date=birth_date, on=from_date).status is ELIGIBLE


def test_waiting_can_be_the_latest_condition():
    rule = Rule(code="elderly-no-years", amount=Decimal(200), min_age=60)
    # 60 on 15 March 2026, but joined on 1 March 2026: waiting until 28 August 2026.
    v = check(rule, joined_on=date(2026, 3, 1), birth_date=date(1966, 3, 15), on=date(2026, 4, 1))
    assert (v.status, v.from_date, v.reason) == (FROM_DATE, date(2026, 8, 28), "waiting")
    # And age when the birthday comes after the waiting period.
    v = check(rule, joined_on=date(2026, 3, 1), birth_date=date(1966, 12, 1), on=date(2026, 4, 1))
    assert (v.status, v.from_date, v.reason) == (FROM_DATE, date(2026, 12, 1), "age")


# --- death tiers -----------------------------------------------------------------------------------

JOINED_DEATH = date(2025, 8, 31)  # a 31st, so that half a year clamps to 28 February
TIER_DATES = [
    (date(2026, 2, 28), Decimal(3000)),    # 0.5 years
    (date(2026, 8, 31), Decimal(5000)),    # 1
    (date(2028, 8, 31), Decimal(10000)),   # 3
    (date(2030, 8, 31), Decimal(15000)),   # 5
    (date(2035, 8, 31), Decimal(20000)),   # 10
    (date(2040, 8, 31), Decimal(30000)),   # 15
]


def test_tier_dates_follow_years_of_membership():
    assert [years_to_date(JOINED_DEATH, t.min_years) for t in DEATH.tiers] == [d for d, _ in TIER_DATES]


@pytest.mark.parametrize("index", range(len(TIER_DATES)))
def test_death_tier_reached_exactly_on_its_date(index):
    reached, amount = TIER_DATES[index]
    v = check(DEATH, joined_on=JOINED_DEATH, on=reached)
    assert v.status is ELIGIBLE
    assert v.amount == amount
    if index + 1 < len(TIER_DATES):
        assert (v.next_tier_on, v.next_tier_amount) == TIER_DATES[index + 1]
    else:
        assert (v.next_tier_on, v.next_tier_amount) == (None, None)


@pytest.mark.parametrize("index", range(1, len(TIER_DATES)))
def test_death_tier_not_reached_the_day_before(index):
    reached, amount = TIER_DATES[index]
    v = check(DEATH, joined_on=JOINED_DEATH, on=day_before(reached))
    assert v.status is ELIGIBLE
    assert v.amount == TIER_DATES[index - 1][1]
    assert (v.next_tier_on, v.next_tier_amount) == (reached, amount)


def test_death_benefit_before_half_a_year():
    # The waiting period (180 days: 27 February) ends before half a year (28 February): the tier decides.
    assert JOINED_DEATH + timedelta(days=180) == date(2026, 2, 27)
    v = check(DEATH, joined_on=JOINED_DEATH, on=date(2026, 2, 27))
    assert (v.status, v.from_date, v.reason) == (FROM_DATE, date(2026, 2, 28), "years")
    assert v.amount == Decimal(3000)                      # what applies from that date
    assert (v.next_tier_on, v.next_tier_amount) == TIER_DATES[1]
    v = check(DEATH, joined_on=JOINED_DEATH, on=JOINED_DEATH)
    assert (v.status, v.from_date, v.amount) == (FROM_DATE, date(2026, 2, 28), Decimal(3000))


def test_death_benefit_with_a_longer_waiting_period():
    # With a 365-day wait the member passes the 0.5-year tier while waiting and starts on the 1-year tier.
    v = check(DEATH, joined_on=date(2026, 1, 1), on=date(2026, 3, 1), waiting_days=365)
    assert (v.status, v.from_date, v.reason) == (FROM_DATE, date(2027, 1, 1), "waiting")
    assert v.amount == Decimal(5000)
    assert (v.next_tier_on, v.next_tier_amount) == (date(2029, 1, 1), Decimal(10000))


def test_tiers_in_any_order():
    shuffled = dataclasses.replace(DEATH, tiers=tuple(reversed(DEATH.tiers)))
    for reached, amount in TIER_DATES:
        assert tier_amount(shuffled, JOINED_DEATH, reached) == amount
        v = check(shuffled, joined_on=JOINED_DEATH, on=reached)
        assert v.amount == amount
    assert tier_amount(shuffled, JOINED_DEATH, date(2026, 2, 27)) is None


# --- membership, flat amounts ------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(RULES))
def test_not_active_is_not_applicable(code):
    v = check(RULES[code], joined_on=date(2000, 1, 1), birth_date=date(1940, 1, 1), on=date(2026, 6, 1),
              active=False)
    assert v == Verdict(NOT_APPLICABLE, reason="not_member")


@pytest.mark.parametrize("code", ["birth", "death", "elderly"])
def test_a_membership_ended_by_unpaid_months_is_not_applicable_as_lapsed(code):
    # Active on the roster, but the dues record has ended it: the reason says why.
    v = check(RULES[code], joined_on=date(2000, 1, 1), birth_date=date(1940, 1, 1), on=date(2026, 6, 1),
              active=True, lapsed=True)
    assert v == Verdict(NOT_APPLICABLE, reason="lapsed")


@pytest.mark.parametrize(("code", "amount"), [
    ("birth", 1000), ("hospital", 200), ("scholarship", 500), ("disaster", 1000), ("elderly", 200),
])
def test_amount_of_flat_rules(code, amount):
    v = check(RULES[code], joined_on=date(2000, 1, 1), birth_date=date(1940, 1, 1), on=date(2026, 6, 1))
    assert v.status is ELIGIBLE
    assert v.amount == Decimal(amount)
    assert (v.next_tier_on, v.next_tier_amount) == (None, None)


@pytest.mark.parametrize(("years", "months_later"), [
    (Decimal("0.5"), 6), (Decimal(1), 12), (Decimal("1.5"), 18), (Decimal("0.25"), 3), (Decimal(15), 180),
])
def test_years_to_date(years, months_later):
    assert years_to_date(date(2026, 1, 15), years) == date(2026 + (months_later // 12),
                                                           1 + months_later % 12, 15)
