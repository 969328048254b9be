"""`seed_demo`: the whole demo, from the 18 funds of the data files (`bot/demo_data`, or another
folder) to the provincial assembly; each fund is seeded by `fund_seeder.seed_fund`."""

from __future__ import annotations

import csv
import random
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.demo.committee import insert_network_assembly
from bot.demo.context import BANGKOK, SEED
from bot.demo.fund_seeder import seed_fund
from bot.demo.people import DEMO_IDENTITIES
from bot.fund_rules import apply_rules, load_rules
from models import Fund

PACKAGED_DATA = Path(__file__).resolve().parents[1] / "demo_data"  # bot/demo_data: see its README
FUNDS_FILE = "phuket_funds.csv"
RULES_FILE = "fund_rules_example.toml"


def bangkok_today() -> date:
    return datetime.now(BANGKOK).date()


def _target_active(row: dict[str, str], rng: random.Random, largest: int | None = None) -> int:
    """Active members as the seed reports them, else a realistic share of the population, below
    `largest` (the report names its largest fund: no made-up figure may outgrow it)."""
    population = int(row["population"]) if row["population"] else None
    if row["seed_members"]:
        return int(row["seed_members"])
    if row["seed_coverage_pct"] and population:
        share = Decimal(population) * Decimal(row["seed_coverage_pct"]) / 100
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if population:
        high = 0.08 if largest is None else min(0.08, (largest - 1) / population)
        return round(population * rng.uniform(0.03, max(high, 0.03)))
    return rng.randint(300, 800)


def _largest_reported(rows: list[dict[str, str]]) -> int | None:
    return max((int(r["seed_members"]) for r in rows if r["seed_members"]), default=None)


def _read_funds(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def seed_demo(session: Session, *, id_key: str, force: bool = False, today: date | None = None,
              data_dir: Path | None = None) -> str:
    """Load the demo (see the package docstring) and commit; returns a summary for the CLI.

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
    largest = _largest_reported(rows)
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
        target = _target_active(row, random.Random(f"{SEED}:size:{fund.code}"), largest)
        result = seed_fund(session, fund, target, id_key=id_key, today=today, now=now,
                           used_ids=used_ids)
        seeded.append(fund.code)
        totals["active"] += result.active
        totals["payments"] += result.payments
        totals["claims"] += result.claims
        for status, n in result.other.items():
            totals[status] += n
    assembly = insert_network_assembly(session, today, now)
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
        # The demo identities' ID, birth date and phone are in docs/demo.md, not in the log: even
        # made-up national IDs and phones never go to a log.
        + ". Demo identities (their ID, birth date and phone: docs/demo.md): สมชาย ใจดี PKT-CITY 00001, "
        "สมศรี มีสุข PAKHLOK (2 months in arrears), "
        "อนันต์ รักถิ่น KAMALA (waiting period), ประเสริฐ ทองดี RAWAI (lapsed), มาลี แก้วมณี SAKHU (pending)."
    )
