"""My account: the member's contribution record (สัจจะ) and what to do about arrears."""

from __future__ import annotations

from domain.dues import DuesStatus
from domain.thai import format_date, format_month
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, handles
from handlers.formatting import baht, count_text, format_duration
from handlers.menu import require_member
from handlers.pay_now import owed_rows, plan_for, whom_to_ask
from handlers.paying import how_to_pay_text
from handlers.queries import member_dues
from models import MemberStatus


@handles(postbacks=(B.ACCOUNT,), intents=("account",))
def account(incoming: Incoming, ctx: Context) -> list[Reply]:
    refusal = require_member(incoming, ctx)
    if refusal:
        return refusal
    member = ctx.member
    assert member is not None
    fund = member.fund
    loc = ctx.locale
    dues = member_dues(ctx.session, member, ctx.today)
    pending = member.status == MemberStatus.PENDING
    active = member.status == MemberStatus.ACTIVE
    ended = not pending and not active  # lapsed, resigned or deceased on the roster

    rows = [
        Row(ctx.t("account.member"), member.full_name),
        Row(ctx.t("account.member_no"), member.member_no or ctx.t("account.no_number_yet")),
        Row(ctx.t("account.fund"), fund.name(loc)),
        Row(ctx.t("account.status"), ctx.t(f"common.status_{member.status.value}")),
    ]
    if pending:  # an application: nothing is owed before the committee approves it
        rows += [
            Row(ctx.t("account.applied"), format_date(member.joined_on, loc)),
            Row(ctx.t("account.dues"), ctx.t("account.dues_after_approval",
                                             amount=baht(fund.dues_per_month, loc))),
            Row(ctx.t("account.arrears"), ctx.t("account.no_arrears")),
        ]
    else:
        since = format_duration(member.joined_on, ctx.today, loc)
        rows += [
            Row(ctx.t("account.joined"), f"{format_date(member.joined_on, loc)} ({since})"),
            Row(ctx.t("account.dues"), ctx.t("account.dues_value", amount=baht(fund.dues_per_month, loc))),
            Row(ctx.t("account.paid_through"), format_month(*dues.paid_through, loc)
                if dues.paid_through else ctx.t("account.nothing_paid")),
            Row(ctx.t("account.arrears"), _arrears(ctx, dues, ended)),
        ]
    plan = plan_for(member, dues, ctx.today)
    rows += owed_rows(ctx, plan)  # what to pay now, when something is owed
    if not pending or dues.total_paid:
        rows.append(Row(ctx.t("account.total_paid"), baht(dues.total_paid, loc)))

    notes = []
    if pending:
        notes += [ctx.t("account.pending_note"), ctx.t("account.pending_no_dues")]
    elif ended:
        notes.append(ctx.t("account.ended_note", status=ctx.t(f"common.status_{member.status.value}")))
    elif dues.lapsed:  # the dues record ended it; the committee has not marked it yet
        notes.append(ctx.t("account.lapsed_note", months=fund.lapse_after_missed_months))
    else:
        if dues.lapse_warning and plan.least_by:
            # The membership ends on lapse_on, so the last day to pay is the day before.
            notes.append(ctx.t("account.lapse_warning", date=format_date(plan.least_by, loc),
                               months=fund.lapse_after_missed_months))
        elif dues.arrears_months:
            notes.append(ctx.t("account.arrears_note"))
        elif dues.due_this_month:
            notes.append(ctx.t("account.due_this_month",
                               amount=baht(fund.dues_per_month, loc)))
        else:
            notes.append(ctx.t("account.all_paid"))
        if dues.arrears_months or dues.due_this_month:
            notes.append(how_to_pay_text(ctx, fund))
    if (ended or dues.lapsed) and not pending and \
            (ask := whom_to_ask(ctx, fund)) != ctx.t("account.ask_committee"):
        notes.append(ask)  # the note says to ask the committee: by name and phone where the fund gave them

    alt = ctx.t("account.alt", paid_through=format_month(*dues.paid_through, loc)
                if dues.paid_through else ctx.t("account.nothing_paid"))
    return [Card(
        title=ctx.t("account.title"),
        rows=tuple(rows),
        footer="\n".join(notes) or None,
        buttons=_buttons(ctx, pending and not dues.total_paid,
                         owes=not (pending or ended or dues.lapsed) and bool(dues.arrears_months
                                                                          or dues.due_this_month)),
        alt_text=alt,
    )]


def _buttons(ctx: Context, nothing_paid: bool, owes: bool) -> tuple[Button, ...]:
    """What to do next: one who owes is one tap from how to pay; an applicant who has paid nothing
    has no history to look at."""
    buttons = [] if nothing_paid else [ctx.button("account.btn_history", B.HISTORY)]
    if owes:
        buttons.append(ctx.button("paying.btn_pay_how", B.PAY_HOW))
    buttons += [ctx.button("menu.btn_benefits", B.BENEFITS), ctx.button("menu.btn_fund", B.FUND),
                ctx.button("menu.btn_menu", B.MENU)]
    return tuple(buttons)


def _arrears(ctx: Context, dues: DuesStatus, ended: bool) -> str:
    """What is owed, in words; once the membership has ended, paying it would not bring it back."""
    if ended:
        return ctx.t("account.arrears_ended")
    if not dues.arrears_months:
        return ctx.t("account.no_arrears")
    value = ctx.t("account.arrears_value", months=count_text(ctx.locale, "month", dues.arrears_months),
                  amount=baht(dues.arrears_baht, ctx.locale))
    return value + (ctx.t("account.arrears_lapsed") if dues.lapsed else "")
