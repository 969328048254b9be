"""Benefits: the fund's table in plain words, what this member can claim and from when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain.benefits import Eligibility, evaluate
from domain.thai import format_date
from handlers import buttons as B
from handlers.base import Card, Context, Incoming, Reply, Row, Text, handles
from handlers.formatting import baht, count_text, describe_amount, to_rule
from handlers.menu import require_member
from handlers.queries import member_claims, member_dues
from models import BenefitRule, MemberStatus

# Why nothing can be claimed, for a member who is not active on the roster.
_NOT_ACTIVE_REASON = {
    MemberStatus.PENDING: "pending",
    MemberStatus.LAPSED: "lapsed",
    MemberStatus.RESIGNED: "ended",
    MemberStatus.DECEASED: "ended",
}


def _verdict_text(ctx: Context, verdict, has_tiers: bool, status: MemberStatus) -> str:
    loc = ctx.locale
    reason = verdict.reason
    if reason == "not_member":
        reason = _NOT_ACTIVE_REASON.get(status, reason)
    if verdict.status == Eligibility.ELIGIBLE:
        text = ctx.t("benefits.eligible")
        if has_tiers and verdict.amount is not None:
            text += " " + ctx.t("benefits.amount_now", amount=baht(verdict.amount, loc))
    elif verdict.status == Eligibility.FROM_DATE:
        text = ctx.t("benefits.from_date", date=format_date(verdict.from_date, loc),
                     reason=ctx.t(f"benefits.reason_{reason}"))
        if has_tiers and verdict.amount is not None:
            text += " " + ctx.t("benefits.amount_then", amount=baht(verdict.amount, loc))
    else:  # for a membership that ended the right ended too: not a "not yet"
        key = "benefits.rights_ended" if reason in ("lapsed", "ended") else "benefits.not_applicable"
        text = ctx.t(key, reason=ctx.t(f"benefits.reason_{reason}"))
    if verdict.next_tier_on is not None and verdict.next_tier_amount is not None:
        text += "\n" + ctx.t("benefits.next_tier", date=format_date(verdict.next_tier_on, loc),
                             amount=baht(verdict.next_tier_amount, loc))
    return text


@handles(postbacks=(B.BENEFITS,), intents=("benefits",))
def benefits(incoming: Incoming, ctx: Context) -> list[Reply]:
    refusal = require_member(incoming, ctx)
    if refusal:
        return refusal
    member = ctx.member
    assert member is not None
    fund = member.fund
    loc = ctx.locale
    active = member.status == MemberStatus.ACTIVE
    dues = member_dues(ctx.session, member, ctx.today) if active else None
    lapsed = dues is not None and dues.lapsed

    # The rules with their tiers in two queries, not one more per rule.
    rules = list(ctx.session.scalars(
        select(BenefitRule).where(BenefitRule.fund_id == fund.id)
        .options(selectinload(BenefitRule.tiers)).order_by(BenefitRule.position)))
    rows = []
    for rule in rules:
        verdict = evaluate(to_rule(rule), active=active, lapsed=lapsed, joined_on=member.joined_on,
                           birth_date=member.birth_date, fund_waiting_days=fund.waiting_days,
                           on=ctx.today)
        value = describe_amount(rule, loc) + "\n" + _verdict_text(ctx, verdict, bool(rule.tiers),
                                                                  member.status)
        rows.append(Row(rule.name(loc), value))

    notes = [ctx.t("benefits.how_to_claim")]
    if lapsed or member.status in (MemberStatus.LAPSED, MemberStatus.RESIGNED, MemberStatus.DECEASED):
        notes = [ctx.t("benefits.ended_note")]  # nothing to claim: say whom to ask
    elif member.status == MemberStatus.PENDING:
        notes.insert(0, ctx.t("benefits.pending_note"))
    elif dues is not None and dues.arrears_months:
        notes.insert(0, ctx.t("benefits.arrears_caveat",
                                    months=count_text(loc, "month", dues.arrears_months)))
    replies: list[Reply] = [Card(
        title=ctx.t("benefits.title", fund=fund.name(loc)),
        rows=tuple(rows),
        footer="\n".join(notes),
        alt_text=ctx.t("benefits.alt", fund=fund.name(loc)),
    )]

    claims = member_claims(ctx.session, member.id)
    if claims:
        names = {rule.code: rule.name(loc) for rule in rules}
        claim_rows = tuple(
            Row(f"{format_date(c.submitted_on, loc, short=True)} {names.get(c.benefit_code, c.benefit_code)}",
                f"{baht(c.amount, loc)} · {ctx.t('benefits.claim_' + c.status.value)}")
            for c in claims
        )
        replies.append(Card(title=ctx.t("benefits.claims_title"), rows=claim_rows,
                            buttons=(ctx.button("menu.btn_account", B.ACCOUNT),
                                     ctx.button("menu.btn_menu", B.MENU))))
    else:
        replies.append(Text(ctx.t("benefits.no_claims"),
                            (ctx.button("menu.btn_account", B.ACCOUNT), ctx.button("menu.btn_menu", B.MENU))))
    return replies
