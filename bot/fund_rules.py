"""Load a fund's rules (dues, waiting period, benefits) from a TOML file like
`bot/demo_data/fund_rules_example.toml`. Each fund has its own; nothing is hard-coded."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from models import BenefitRule, BenefitTier, Fund


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _lines(value: Any) -> str | None:
    """A list of words or documents as stored: one per line."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    return "\n".join(str(item).strip() for item in items if str(item).strip()) or None


def load_rules(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def apply_rules(fund: Fund, rules: dict[str, Any]) -> None:
    """Set the fund's dues and eligibility terms and replace its benefit table."""
    dues = rules.get("dues", {})
    fund.dues_per_month = _money(dues.get("amount_per_month", 30))  # type: ignore[assignment]
    fund.may_pay_months_ahead = int(dues.get("may_pay_months_ahead", 12))
    fund.lapse_after_missed_months = int(dues.get("lapse_after_missed_months", 3))
    fund.entry_fee = _money(dues.get("entry_fee", 0))  # type: ignore[assignment]
    fund.waiting_days = int(rules.get("eligibility", {}).get("waiting_days", 180))
    fund.benefits.clear()
    for position, item in enumerate(rules.get("benefit", [])):
        rule = BenefitRule(
            position=position,
            code=item["code"],
            name_th=item["name_th"],
            name_en=item["name_en"],
            amount=_money(item.get("amount")),
            per=item.get("per", "event"),
            max_per_event=_money(item.get("max_per_event")),
            max_per_year=_money(item.get("max_per_year")),
            min_age=item.get("min_age"),
            max_age=item.get("max_age"),
            min_years=_money(item.get("min_years")),
            waiting_days=item.get("waiting_days"),
            note_th=item.get("note_th"),
            note_en=item.get("note_en"),
            synonyms_th=_lines(item.get("synonyms_th")),
            synonyms_en=_lines(item.get("synonyms_en")),
            how_to_claim_th=item.get("how_to_claim_th"),
            how_to_claim_en=item.get("how_to_claim_en"),
            documents_th=_lines(item.get("documents_th")),
            documents_en=_lines(item.get("documents_en")),
        )
        rule.tiers = [
            BenefitTier(min_years=_money(t["min_years"]), amount=_money(t["amount"]))
            for t in item.get("tier", [])
        ]
        fund.benefits.append(rule)
