"""Benefits: the fund's table as one short block per benefit (what it pays, where I stand), what
the whole list shares said once in the footer, a button to open each benefit, and my claims."""

from __future__ import annotations

from domain.thai import format_date
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.benefit_view import Standing, load_standing, standing_notes, status_text
from handlers.formatting import amount_text, baht, shorten
from handlers.menu import require_member
from handlers.queries import member_claims
from models import BenefitRule

TELEGRAM_DATA = 64  # bytes of button data Telegram takes (LINE takes 300): a longer code gets no button


def benefit_label(rule: BenefitRule, locale: str) -> str:
    """A button's label for one benefit, short enough for LINE's quick replies (20 characters):
    "Death (paid to the named beneficiary)" is "Death"."""
    return shorten(rule.name(locale).split(" (", 1)[0])


def benefit_buttons(rules: list[BenefitRule], locale: str) -> tuple[Button, ...]:
    return tuple(Button(benefit_label(r, locale), B.BENEFIT_ONE + r.code) for r in rules
                 if len((B.BENEFIT_ONE + r.code).encode()) <= TELEGRAM_DATA)


def list_replies(ctx: Context, standing: Standing) -> list[Reply]:
    """The list itself (also what an unknown benefit is answered with, after an apology)."""
    loc = ctx.locale
    fund = standing.fund
    rows = tuple(Row(r.name(loc), f"{amount_text(r, loc)}\n{status_text(ctx, standing, r, short=True)}")
                 for r in standing.rules)
    notes = standing_notes(ctx, standing)
    replies: list[Reply] = [Card(
        title=ctx.t("benefits.title", fund=fund.name(loc)),
        rows=rows,
        footer="\n".join(notes) or None,
        alt_text=ctx.t("benefits.alt", fund=fund.name(loc)),
    )]
    # A message of its own: on LINE its buttons stay in the chat history as a bubble (only the last
    # message's buttons are quick replies, which vanish), on Telegram an inline keyboard.
    buttons = benefit_buttons(standing.rules, loc)
    if buttons:
        replies.append(Text(ctx.t("benefits.details"), buttons))

    claims = member_claims(ctx.session, standing.member.id)
    closing = (ctx.button("menu.btn_account", B.ACCOUNT), ctx.button("menu.btn_menu", B.MENU))
    if claims:
        names = {rule.code: rule.name(loc) for rule in standing.rules}
        claim_rows = tuple(
            Row(f"{format_date(c.submitted_on, loc, short=True)} {names.get(c.benefit_code, c.benefit_code)}",
                f"{baht(c.amount, loc)} · {ctx.t('benefits.claim_' + c.status.value)}")
            for c in claims
        )
        replies.append(Card(title=ctx.t("benefits.claims_title"), rows=claim_rows, buttons=closing))
    else:
        replies.append(Text(ctx.t("benefits.no_claims"), closing))
    return replies


@handles(postbacks=(B.BENEFITS,), intents=("benefits",))
def benefits(incoming: Incoming, ctx: Context) -> list[Reply]:
    refusal = require_member(incoming, ctx)
    if refusal:
        return refusal
    assert ctx.member is not None
    return list_replies(ctx, load_standing(ctx, ctx.member))
