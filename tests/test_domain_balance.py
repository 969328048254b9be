"""The fund's balance by source and membership coverage (domain/balance.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.balance import SOURCES, coverage_percent, fund_balance

D = Decimal


def test_balance_is_income_less_benefits_and_costs():
    b = fund_balance({"members": D("65000"), "codi": D("24000"), "local_government": D("3000"),
                      "other": D("8000")}, benefits_paid=D("12500.50"), costs=D("1200"))
    assert b.income == D("100000")
    assert b.benefits_paid == D("12500.50")
    assert b.costs == D("1200")
    assert b.balance == D("86299.50")


def test_shares_by_source_for_the_national_2013_split():
    # Nationally in 2013: members 65%, CODI 24%, local government 3% (the rest other sources).
    b = fund_balance({"members": D(650), "codi": D(240), "local_government": D(30), "other": D(80)},
                     D(0), D(0))
    assert b.shares == {"members": D("65.0"), "codi": D("24.0"), "local_government": D("3.0"),
                        "other": D("8.0")}


def test_every_source_is_listed_even_without_income():
    b = fund_balance({"members": D(900)}, D(100), D(50))
    assert list(b.income_by_source) == list(SOURCES)
    assert b.income_by_source == {"members": D(900), "codi": D(0), "local_government": D(0), "other": D(0)}
    assert b.shares == {"members": D("100.0"), "codi": D("0.0"), "local_government": D("0.0"),
                        "other": D("0.0")}
    assert b.balance == D(750)


@pytest.mark.parametrize("income", [
    {"members": D(1), "codi": D(1), "local_government": D(1)},
    {"members": D(2), "codi": D(1), "local_government": D(1), "other": D(3)},
    {"members": D("1916.33"), "codi": D("777.77"), "local_government": D("12.01"), "other": D("0.99")},
    {"members": D(1), "codi": D(1000000)},
])
def test_shares_sum_to_about_one_hundred(income):
    b = fund_balance(income, D(0), D(0))
    total = sum(b.shares.values(), D(0))
    assert abs(total - 100) <= D("0.1") * len(SOURCES) / 2  # each share is rounded to 0.1
    for source, value in income.items():
        assert abs(b.shares[source] - value * 100 / b.income) <= D("0.05")


def test_zero_income():
    b = fund_balance({}, D(0), D(0))
    assert b.income == 0
    assert b.balance == 0
    assert b.shares == dict.fromkeys(SOURCES, D(0))


def test_zero_income_with_spending_is_negative():
    b = fund_balance({"members": D(0)}, D(300), D(20))
    assert b.balance == D(-320)
    assert set(b.shares.values()) == {D(0)}


def test_amounts_given_as_int_become_decimals():
    b = fund_balance({"members": 300, "codi": 100}, 50, 25)  # type: ignore[dict-item, arg-type]
    assert b.income == D(400)
    assert b.balance == D(325)
    assert all(isinstance(v, Decimal) for v in b.income_by_source.values())
    assert isinstance(b.benefits_paid, Decimal) and isinstance(b.costs, Decimal)
    assert b.shares["members"] == D("75.0")


@pytest.mark.parametrize(("members", "population", "expected"), [
    (1916, 19550, D("9.8")),      # Phuket City in the seed
    (1200, 10000, D("12.0")),
    (1400, 10000, D("14.0")),
    (0, 5000, D("0.0")),
    (1, 3, D("33.3")),
    (2, 3, D("66.7")),
    (5000, 5000, D("100.0")),
])
def test_coverage_percent(members, population, expected):
    assert coverage_percent(members, population) == expected


@pytest.mark.parametrize("population", [None, 0])
def test_coverage_without_population_is_unknown(population):
    assert coverage_percent(1916, population) is None
