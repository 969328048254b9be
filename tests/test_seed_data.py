"""The data the demo is seeded from: the packaged files (bot/demo_data) are Phuket's 18 funds and
rules that load, and another folder can be seeded instead, with --force adding only missing funds."""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.demo.seed import PACKAGED_DATA, seed_demo
from bot.fund_rules import apply_rules, load_rules
from models import Fund, Meeting, Member
from tests.conftest import SECRET
from tests.demo_seeding import TODAY, active_by_fund


def test_another_data_folder_can_be_seeded_and_force_only_adds_missing_funds(tmp_path, fresh_db):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(PACKAGED_DATA / "fund_rules_example.toml", data)
    with (PACKAGED_DATA / "phuket_funds.csv").open(encoding="utf-8") as fh:
        rows = {row["code"]: row for row in csv.DictReader(fh)}
    small = [{**rows["PKT-CITY"], "seed_members": "40"}, {**rows["KAMALA"], "population": "300"}]

    def write(funds: list[dict]) -> None:
        with (data / "phuket_funds.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(funds[0]))
            writer.writeheader()
            writer.writerows(funds)

    write(small)
    later = TODAY + timedelta(days=400)
    with fresh_db() as session:
        seed_demo(session, id_key=SECRET, today=later, data_dir=data)
        assert active_by_fund(session) == {"PKT-CITY": 40, "KAMALA": 42}  # 14% of 300
        somchai = session.scalar(select(Member).where(Member.member_no == "00001",
                                                      Member.first_name == "สมชาย"))
        # Dated relative to the day of seeding: eight years before `later`.
        assert somchai.joined_on == date(2020, 1, 5)
        before = session.scalar(select(func.count()).select_from(Member))
        write(small + [{**rows["SAKHU"], "population": "200"}])
        summary = seed_demo(session, id_key=SECRET, today=later, force=True, data_dir=data)
        assert "Seeded 1 fund(s)" in summary
        active = active_by_fund(session)
        assert active == {"PKT-CITY": 40, "KAMALA": 42, "SAKHU": 24}
        assert session.scalar(select(func.count()).select_from(Member).join(Fund)
                              .where(Fund.code != "SAKHU")) == before
        assert session.scalar(select(func.count()).select_from(Meeting).where(
            Meeting.fund_id.is_(None))) == 1


def test_the_packaged_data_is_phukets_18_funds_and_rules_that_load():
    # What `make demo` reads (bot/demo_data, see its README): one row per local government.
    with (PACKAGED_DATA / "phuket_funds.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 18
    for column in ("code", "name_th", "name_en"):
        assert len({row[column] for row in rows}) == 18, column
    assert {row["district_en"] for row in rows} == {"Mueang Phuket", "Kathu", "Thalang"}
    populations = [int(row["population"]) for row in rows if row["population"]]
    assert len(populations) == 15 and len(set(populations)) == 15 and min(populations) > 1000
    assert all(row["population_source"] for row in rows)
    figures = {row["code"]: (row["seed_members"], row["seed_coverage_pct"]) for row in rows
               if row["seed_members"] or row["seed_coverage_pct"]}
    assert figures == {"PKT-CITY": ("1916", "9.8"), "PAKHLOK": ("", "12"), "THEPKRASATTRI-M": ("", "12"),
                       "SAKHU": ("", "12"), "KAMALA": ("", "14")}

    fund = Fund()
    apply_rules(fund, load_rules(PACKAGED_DATA / "fund_rules_example.toml"))
    assert (fund.dues_per_month, fund.lapse_after_missed_months, fund.waiting_days) == (30, 3, 180)
    assert [b.code for b in fund.benefits] == ["birth", "hospital", "death", "elderly", "scholarship",
                                              "disaster"]
    for benefit in fund.benefits:
        assert benefit.name_th and benefit.name_en, benefit.code
        assert (benefit.amount or 0) > 0 or benefit.tiers, benefit.code
    death = next(b for b in fund.benefits if b.code == "death")
    assert [t.amount for t in death.tiers] == [3000, 5000, 10000, 15000, 20000, 30000]
