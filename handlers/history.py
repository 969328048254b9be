"""My payments: the member's latest ledger entries, reversals shown as such, in the member's own chat."""

from __future__ import annotations

from decimal import Decimal

from domain.thai import format_date, format_month
from handlers import buttons as B
from handlers.base import Card, Context, Incoming, Reply, Row, Text, handles
from handlers.formatting import baht, count_text, shorten
from handlers.menu import require_member
from handlers.queries import LedgerLine, Recorder, member_dues, member_ledger

SHOWN = 12  # the latest entries: a year of monthly payments
REASON_MAX = 80  # a reversal's reason as the member reads it (the treasurer may write 200)


@handles(postbacks=(B.HISTORY,), intents=("history",))
def my_payments(incoming: Incoming, ctx: Context) -> list[Reply]:
    refusal = require_member(incoming, ctx)
    if refusal:
        return refusal
    member = ctx.member
    assert member is not None
    loc = ctx.locale
    lines, count = member_ledger(ctx.session, member, limit=SHOWN)
    buttons = (ctx.button("menu.btn_account", B.ACCOUNT), ctx.button("account.btn_pay_now", B.PAY_NOW),
               ctx.button("menu.btn_menu", B.MENU))
    if not lines:
        return [Text(ctx.t("history.none"), buttons)]
    dues = member_dues(ctx.session, member, ctx.today)
    through = format_month(*dues.paid_through, loc) if dues.paid_through else ctx.t("account.nothing_paid")
    rows = [Row(ctx.t("account.paid_through"), through)]
    recorders = {_who(ctx, line.recorder) for line in lines}
    # One recorder for every entry shown (the usual case: the treasurer) is said once, below.
    each = len(recorders) > 1
    rows += [Row(format_date(line.payment.paid_on, loc), _entry(ctx, line, member.fund.dues_per_month, each))
             for line in lines]
    notes = [] if each else [ctx.t("history.all_by", who=next(iter(recorders)))]
    if count > SHOWN:
        notes.append(ctx.t("history.latest_of", shown=SHOWN, count=count))
    notes.append(ctx.t("history.wrong_entry"))
    return [Card(title=ctx.t("history.title"), rows=tuple(rows), footer="\n".join(notes), buttons=buttons,
                 alt_text=ctx.t("history.alt", n=len(lines), paid_through=through))]


def _entry(ctx: Context, line: LedgerLine, dues: Decimal, by: bool) -> str:
    """The entry's amount and what it paid (months as the ledger counts them, and baht kept towards
    the next month); a correction as one; who recorded it when `by`."""
    p, loc = line.payment, ctx.locale
    if p.reverses_id is not None:  # a correction: the opposite of an earlier entry
        parts = [ctx.t("history.reversal", amount=baht(abs(p.amount), loc)),
                 ctx.t("history.reversal_of", date=format_date(line.reverses_on, loc))
                 if line.reverses_on else ctx.t("history.reversal_of_unknown")]
        if p.note:
            parts.append(ctx.t("history.reason", reason=shorten(" ".join(p.note.split()), REASON_MAX)))
    else:
        if p.months_covered > 0:
            months = count_text(loc, "month", p.months_covered)
            kept = p.amount - p.months_covered * dues
            if kept > 0:
                months += " " + ctx.t("history.kept", amount=baht(kept, loc))
        else:
            months = ctx.t("history.part_month")
        parts = [ctx.t("history.payment", amount=baht(p.amount, loc), months=months)]
    if by:
        parts.append(ctx.t("history.by", who=_who(ctx, line.recorder)))
    if p.reverses_id is None and line.reversed_on is not None:
        parts.append(ctx.t("history.was_reversed", date=format_date(line.reversed_on, loc)))
    return "\n".join(parts)


def _who(ctx: Context, recorder: Recorder) -> str:
    if recorder.imported:
        return ctx.t("history.by_books")
    role = ctx.t(f"history.role_{recorder.role or 'committee'}")
    return ctx.t("history.role_named", role=role, name=recorder.name) if recorder.name else \
        ctx.t("history.by_committee")
