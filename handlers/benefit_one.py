"""One benefit of the member's own fund: what it pays (each tier), its conditions, where this
member stands and why, the yearly allowance left, how to claim and the documents."""

from __future__ import annotations

from domain.benefits import Eligibility
from handlers import buttons as B
from handlers.base import Card, Context, Incoming, Reply, Row, Text, handles
from handlers.benefit_view import Standing, load_standing, status_text
from handlers.benefits import list_replies
from handlers.formatting import amount_text, baht, conditions_list, count_text, tier_lines
from handlers.menu import require_member
from models import BenefitRule


def _rows(ctx: Context, standing: Standing, rule: BenefitRule) -> list[Row]:
    loc = ctx.locale
    amount = amount_text(rule, loc)
    if rule.tiers:
        tiers = tier_lines(rule, loc)
        amount += "\n" + "\n".join(ctx.t("benefits.one_document", document=line) for line in tiers)
    rows = [Row("", ctx.t("benefits.one_amount", amount=amount))]
    waiting = rule.waiting_days if rule.waiting_days is not None else standing.fund.waiting_days
    conditions = conditions_list(rule, loc, waiting_days=waiting)
    if conditions:
        joined = ctx.t("benefits.and").join(conditions)
        rows.append(Row("", ctx.t("benefits.one_conditions", conditions=joined)))
    rows.append(Row("", status_text(ctx, standing, rule, short=False)))
    allowance = standing.allowances.get(rule.code)
    # What is left of a year's cap matters to one who can claim now; before that it would read as
    # a promise for a year the member may not reach.
    if allowance is not None and standing.verdicts[rule.code].status == Eligibility.ELIGIBLE:
        if allowance.used:
            rows.append(Row("", ctx.t("benefits.one_used", used=baht(allowance.used, loc),
                                      cap=baht(allowance.cap, loc), left=baht(allowance.left, loc))))
        else:
            rows.append(Row("", ctx.t("benefits.one_unused", cap=baht(allowance.cap, loc))))
    if standing.ended:  # nothing to claim: the status line has said why, and whom to ask
        return rows
    how = rule.how_to_claim(loc) or ctx.t("benefits.how_to_claim")
    rows.append(Row("", ctx.t("benefits.one_how", how=how)))
    documents = rule.documents(loc)
    if documents:
        items = "\n".join(ctx.t("benefits.one_document", document=d) for d in documents)
        rows.append(Row("", ctx.t("benefits.one_documents", documents=items)))
    return rows


def one_benefit_replies(ctx: Context, standing: Standing, code: str | None) -> list[Reply]:
    rule = standing.rule(code) if code else None
    if rule is None:
        if not code:  # the words named no benefit in particular: all of them
            return list_replies(ctx, standing)
        return [Text(ctx.t("benefits.unknown")), *list_replies(ctx, standing)]
    loc = ctx.locale
    footer = None
    dues = standing.dues
    if dues is not None and dues.arrears_months and not standing.ended:
        footer = ctx.t("benefits.arrears_caveat", months=count_text(loc, "month", dues.arrears_months))
    elif standing.ended:
        footer = ctx.t("benefits.ended_note")  # whom to ask, in place of how to claim
    return [Card(
        title=ctx.t("benefits.one_title", name=rule.name(loc)),
        rows=tuple(_rows(ctx, standing, rule)),
        footer=footer,
        buttons=(ctx.button("benefits.btn_all", B.BENEFITS), ctx.button("menu.btn_menu", B.MENU)),
        alt_text=ctx.t("benefits.one_alt", name=rule.name(loc), fund=standing.fund.name(loc)),
    )]


@handles(postbacks=(B.BENEFIT_ONE,), intents=("benefit",))
def one_benefit(incoming: Incoming, ctx: Context) -> list[Reply]:
    refusal = require_member(incoming, ctx)
    if refusal:
        return refusal
    assert ctx.member is not None
    if incoming.postback and incoming.postback.startswith(B.BENEFIT_ONE):
        code: str | None = incoming.postback[len(B.BENEFIT_ONE):]
    else:
        code = getattr(ctx.extras.get("understood"), "detail", None)
    return one_benefit_replies(ctx, load_standing(ctx, ctx.member), code)
