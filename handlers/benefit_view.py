"""What the benefits list and the one-benefit answer share: the member's standing, each rule's
verdict, the yearly allowance left, and the status of a benefit in words (short for the list)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain.benefits import (
    Allowance,
    Eligibility,
    Rule,
    Verdict,
    evaluate,
    is_protection,
    shared_wait_start,
    waits_only_for_fund,
    yearly_allowance,
)
from domain.dues import DuesStatus
from domain.thai import format_date
from handlers.base import Context
from handlers.formatting import baht, count_text, to_rule, years_text
from handlers.queries import claims_in_year, member_dues
from models import BenefitRule, Fund, Member, MemberStatus

# Why nothing can be claimed, for a member who is not active on the roster.
_NOT_ACTIVE_REASON = {
    MemberStatus.PENDING: "pending",
    MemberStatus.LAPSED: "lapsed",
    MemberStatus.RESIGNED: "ended",
    MemberStatus.DECEASED: "ended",
}
_ENDED = ("lapsed", "ended")


@dataclass
class Standing:
    """A member against the fund's table on a day: one load for the list or one benefit."""

    member: Member
    fund: Fund
    dues: DuesStatus | None
    rules: list[BenefitRule]
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    plain: dict[str, Rule] = field(default_factory=dict)
    allowances: dict[str, Allowance] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.member.status == MemberStatus.ACTIVE

    @property
    def lapsed(self) -> bool:
        return self.dues is not None and self.dues.lapsed

    @property
    def ended(self) -> bool:
        """The membership has ended (on the roster or by unpaid dues): every right ended with it."""
        return self.lapsed or self.member.status in (MemberStatus.LAPSED, MemberStatus.RESIGNED,
                                                     MemberStatus.DECEASED)

    def rule(self, code: str) -> BenefitRule | None:
        return next((r for r in self.rules if r.code == code), None)

    def waits_for_fund(self, code: str) -> bool:
        return waits_only_for_fund(self.verdicts[code], self.member.joined_on, self.fund.waiting_days)


def load_standing(ctx: Context, member: Member) -> Standing:
    fund = member.fund
    active = member.status == MemberStatus.ACTIVE
    dues = member_dues(ctx.session, member, ctx.today) if active else None
    # The rules with their tiers in two queries, not one more per rule.
    rules = list(ctx.session.scalars(
        select(BenefitRule).where(BenefitRule.fund_id == fund.id)
        .options(selectinload(BenefitRule.tiers)).order_by(BenefitRule.position)))
    standing = Standing(member, fund, dues, rules)
    used = claims_in_year(ctx.session, member.id, ctx.today.year)
    for rule in rules:
        plain = to_rule(rule)
        standing.plain[rule.code] = plain
        standing.verdicts[rule.code] = evaluate(
            plain, active=active, lapsed=standing.lapsed, joined_on=member.joined_on,
            birth_date=member.birth_date, fund_waiting_days=fund.waiting_days, on=ctx.today)
        allowance = yearly_allowance(plain, used.get(rule.code, ()), ctx.today.year)
        if allowance is not None:
            standing.allowances[rule.code] = allowance
    return standing


def reason_text(ctx: Context, standing: Standing, rule: BenefitRule, reason: str | None) -> str:
    """Why (or until when) in words, with the rule's own figures: 'เมื่ออายุครบ 60 ปี'."""
    reason = _reason_key(standing, reason)
    if reason == "waiting":
        days = rule.waiting_days if rule.waiting_days is not None else standing.fund.waiting_days
        return ctx.t("benefits.reason_waiting", days=days)
    if reason == "years":
        # The later of the two membership conditions is the one that gives the date.
        needed = [y for y in (rule.min_years, min((t.min_years for t in rule.tiers), default=None))
                  if y is not None]
        return ctx.t("benefits.reason_years", years=years_text(max(needed), ctx.locale))
    if reason == "age":
        return ctx.t("benefits.reason_age", age=rule.min_age)
    if reason == "too_old":
        return ctx.t("benefits.reason_too_old", age=rule.max_age)
    return ctx.t(f"benefits.reason_{reason}")


def _reason_key(standing: Standing, reason: str | None) -> str | None:
    """The verdict's reason, told apart for a member not active on the roster (pending, ended)."""
    if reason == "not_member":
        return _NOT_ACTIVE_REASON.get(standing.member.status, reason)
    return reason


def status_text(ctx: Context, standing: Standing, rule: BenefitRule, *, short: bool) -> str:
    """This member's standing for one benefit. `short` (the list): one line, and what the whole
    list shares (the fund's waiting period, a pending application, an ended membership) is left to
    the list's footer, said once."""
    verdict = standing.verdicts[rule.code]
    loc = ctx.locale
    protection = is_protection(standing.plain[rule.code])
    amount = baht(verdict.amount, loc) if verdict.amount is not None else None
    if verdict.status == Eligibility.ELIGIBLE:
        if protection and amount:
            text = ctx.t("benefits.protected", amount=amount)
        else:
            text = ctx.t("benefits.eligible" if short else "benefits.one_eligible")
            if rule.tiers and amount:
                text += " " + ctx.t("benefits.amount_now", amount=amount)
        allowance = standing.allowances.get(rule.code)
        if short and allowance is not None:
            text += " · " + ctx.t("benefits.left_short", left=baht(allowance.left, loc))
    elif verdict.status == Eligibility.FROM_DATE:
        assert verdict.from_date is not None
        when = format_date(verdict.from_date, loc)
        reason = reason_text(ctx, standing, rule, verdict.reason)
        if short and standing.waits_for_fund(rule.code):
            text = ctx.t("benefits.after_wait")
        elif protection and amount:
            text = ctx.t("benefits.protected_from", date=when, reason=reason, amount=amount)
        else:
            key = "benefits.from_date" if short else "benefits.one_from_date"
            text = ctx.t(key, date=when, reason=reason)
            if rule.tiers and amount:
                text += " " + ctx.t("benefits.amount_then", amount=amount)
    else:
        key = _reason_key(standing, verdict.reason)
        reason = reason_text(ctx, standing, rule, verdict.reason)
        if key in _ENDED:  # for a membership that ended the right ended too: not a "not yet"
            text = ctx.t("benefits.ended") if short else ctx.t("benefits.one_rights_ended", reason=reason)
        elif key == "too_old":  # this benefit's own reason, and no "not yet": said on its line
            text = ctx.t("benefits.not_eligible" if short else "benefits.one_not_eligible", reason=reason)
        else:  # a pending application: the list's footer says why, once
            text = ctx.t("benefits.not_yet") if short else ctx.t("benefits.one_not_yet", reason=reason)
    if verdict.next_tier_on is not None and verdict.next_tier_amount is not None:
        text += "\n" + ctx.t("benefits.next_tier", date=format_date(verdict.next_tier_on, loc),
                             amount=baht(verdict.next_tier_amount, loc))
    return text


def standing_notes(ctx: Context, standing: Standing) -> list[str]:
    """What the whole list shares, said once: an ended membership, a pending application, the
    fund's waiting period with the day it ends, dues in arrears."""
    member = standing.member
    if standing.ended:
        lapsed = standing.lapsed or member.status == MemberStatus.LAPSED
        return [ctx.t("benefits.lapsed_note" if lapsed else "benefits.ended_note")]
    if member.status == MemberStatus.PENDING:
        return [ctx.t("benefits.pending_note")]
    notes = []
    if any(standing.waits_for_fund(r.code) for r in standing.rules):
        ends = shared_wait_start(member.joined_on, standing.fund.waiting_days)
        notes.append(ctx.t("benefits.wait_note", days=standing.fund.waiting_days,
                           date=format_date(ends, ctx.locale)))
    if standing.dues is not None and standing.dues.arrears_months:
        notes.append(ctx.t("benefits.arrears_caveat",
                           months=count_text(ctx.locale, "month", standing.dues.arrears_months)))
    return notes
