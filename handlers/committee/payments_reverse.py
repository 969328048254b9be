"""The treasurer's desk: the day's ledger entries (recorded in the chat and imported: one ledger),
and reversing a wrong entry with a reason, by a new opposite entry (services.reversals). Only the
treasurer (or an admin) may; every press is authorised again for the fund of the entry it names."""

from __future__ import annotations

from datetime import date, timedelta

from domain.thai import format_baht, format_date
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.committee import guard
from handlers.committee import payments_view as view
from models import Payment
from services import confirmations, ledger_day, outbox, reversals
from services.errors import ServiceError
from services.reversals import REASON_MAX, NotReversible

PAGE_SIZE = 8  # LINE's 13 quick replies: 8 entries, 2 pages, 2 days and cancel


@handles(postbacks=(B.CM_PAY_DAY,), states=(view.DAY,), dialog=view.DIALOG)
def day_list(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.day", guard.TREASURER)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    hint = None
    if incoming.postback:
        read = view.read_day(incoming.postback)
        if read is None:
            return view.stale(ctx)
        day, page = read
    else:  # typed at the list: say what to press, and show it again
        day, page = date.fromisoformat(data.get("day", ctx.today.isoformat())), int(data.get("page", 0))
        hint = ctx.t("cm_payments.day_hint")
    if day > ctx.today:
        day = ctx.today
    return _list(ctx, acting, day, page, hint)


def _list(ctx: Context, acting: guard.Acting, day: date, page: int, hint: str | None = None) -> list[Reply]:
    assert acting.fund is not None
    found = ledger_day.day_entries(ctx.session, acting.fund.id, day, page=max(page, 0), size=PAGE_SIZE)
    pages = max(-(-found.count // PAGE_SIZE), 1)
    if page >= pages and found.count:
        page = pages - 1
        found = ledger_day.day_entries(ctx.session, acting.fund.id, day, page=page, size=PAGE_SIZE)
    ctx.set_state(view.DAY, {"day": day.isoformat(), "page": page})
    when = format_date(day, ctx.locale)
    if not found.count:
        lines = [ctx.t("cm_payments.day_empty", day=when, fund=acting.fund.name(ctx.locale))]
    else:
        lines = [ctx.t("cm_payments.day_head", day=when, count=found.count, page=page + 1, pages=pages,
                       total=format_baht(found.total, ctx.locale))]
    buttons: list[Button] = []
    for n, entry in enumerate(found.entries, page * PAGE_SIZE + 1):
        lines.append(_entry_line(ctx, n, entry))
        if entry.reversible:
            buttons.append(Button(view.fit(ctx.t("cm_payments.btn_reverse_n", n=n,
                                                 name=entry.member.first_name)),
                                  f"{B.CM_PAY_REVERSE}{entry.payment.id}"))
    if page > 0:
        buttons.append(ctx.button("cm_payments.btn_prev", view.day_data(day, page - 1)))
    if page + 1 < pages:
        buttons.append(ctx.button("cm_payments.btn_next", view.day_data(day, page + 1)))
    buttons.append(ctx.button("cm_payments.btn_day_before", view.day_data(day - timedelta(days=1))))
    if day != ctx.today:
        buttons.append(ctx.button("cm_payments.btn_day", view.day_data(ctx.today)))
    buttons.append(ctx.button("cm_payments.btn_day_other", B.CM_PAY_DAY_OTHER))
    buttons.append(view.cancel_button(ctx))
    if found.count:
        lines.append(hint or ctx.t("cm_payments.day_foot"))
    elif hint:
        lines.append(hint)
    return [Text("\n\n".join(lines), tuple(buttons))]


def _entry_line(ctx: Context, n: int, entry: ledger_day.Entry) -> str:
    payment, member = entry.payment, entry.member
    who = (ctx.t("cm_payments.by_import") if entry.imported
           else ctx.t("cm_payments.by_chat", name=entry.recorder or "-"))
    line = ctx.t("cm_payments.day_item", n=n, member_no=member.member_no or "-",
                 name=f"{member.first_name} {member.last_name[:1]}.",
                 amount=format_baht(payment.amount, ctx.locale), who=who)
    if payment.reverses_id is not None:
        line += "\n" + ctx.t("cm_payments.day_is_reversal", note=(payment.note or "-")[:60])
    elif entry.reversed_by is not None:
        line += "\n" + ctx.t("cm_payments.day_reversed")
    return line


@handles(postbacks=(B.CM_PAY_DAY_OTHER,), states=(view.DAY_TYPE,), dialog=view.DIALOG)
def other_day(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.day", guard.TREASURER)
    if not isinstance(acting, guard.Acting):
        return acting
    buttons = (ctx.button("cm_payments.btn_day", view.day_data(ctx.today)), view.cancel_button(ctx))
    if incoming.postback:
        ctx.set_state(view.DAY_TYPE)
        return [Text(ctx.t("cm_payments.ask_day", today=format_date(ctx.today, ctx.locale)), buttons)]
    day, problem = view.read_paid_on(incoming.text or "", ctx.today)
    if day is None:
        return [Text(ctx.t(f"cm_payments.date_{problem}", today=format_date(ctx.today, ctx.locale)), buttons)]
    return _list(ctx, acting, day, 0)


@handles(postbacks=(B.CM_PAY_REVERSE,), dialog=view.DIALOG)
def reverse(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.reverse", guard.TREASURER)
    if not isinstance(acting, guard.Acting):
        return acting
    found = view.target_payment(incoming, ctx, "payments.reverse",
                                view.number_in(incoming.postback or "", B.CM_PAY_REVERSE))
    if not isinstance(found, tuple):
        return found
    payment = found[1]
    if (refused := _not_reversible(ctx, payment)) is not None:
        return refused
    return [_ask_reason(ctx, payment)]


def _ask_reason(ctx: Context, payment: Payment, text: str | None = None) -> Text:
    ctx.set_state(view.REASON, {"payment_id": payment.id})
    member = payment.member
    text = text or ctx.t("cm_payments.reason_ask", amount=format_baht(payment.amount, ctx.locale),
                         name=member.full_name, member_no=member.member_no,
                         paid_on=format_date(payment.paid_on, ctx.locale), max=REASON_MAX)
    return Text(text, (view.cancel_button(ctx),))


def _not_reversible(ctx: Context, payment: Payment) -> list[Reply] | None:
    try:
        reversals.check_reversible(ctx.session, payment)
    except NotReversible as refused:
        ctx.clear_state()
        key = "cm_payments.already_reversed" if refused.by is not None else "cm_payments.is_reversal"
        return [Text(ctx.t(key), (ctx.button("cm_payments.btn_day", view.day_data(ctx.today)),
                                  view.back_button(ctx)))]
    return None


@handles(states=(view.REASON,))
def reason(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.reverse", guard.TREASURER)
    if not isinstance(acting, guard.Acting):
        return acting
    found = view.target_payment(incoming, ctx, "payments.reverse", ctx.state_data.get("payment_id"))
    if not isinstance(found, tuple):
        return found
    payment = found[1]
    note = " ".join((incoming.text or "").split())
    if not note:
        return [_ask_reason(ctx, payment, ctx.t("cm_payments.reason_empty"))]
    if len(note) > REASON_MAX:
        return [_ask_reason(ctx, payment, ctx.t("cm_payments.reason_long", length=len(note), max=REASON_MAX))]
    token = confirmations.new_token()
    ctx.set_state(view.REV_CONFIRM, {"payment_id": payment.id, "reason": note, "token": token})
    return _reverse_summary(ctx, payment, note, token)


def _reverse_summary(ctx: Context, payment: Payment, note: str, token: str) -> list[Reply]:
    member = payment.member
    entry = ctx.t("cm_payments.entry_value", amount=format_baht(payment.amount, ctx.locale),
                  paid_on=format_date(payment.paid_on, ctx.locale))
    rows = (Row(ctx.t("cm_payments.row_member"), f"{member.full_name} ({member.member_no})"),
            Row(ctx.t("cm_payments.row_entry"), entry),
            Row(ctx.t("cm_payments.row_reversal"), format_baht(-payment.amount, ctx.locale)),
            Row(ctx.t("cm_payments.row_reason"), note))
    buttons = (ctx.button("cm_payments.btn_confirm_reverse", f"{B.CM_PAY_REV_CONFIRM}{token}"),
               ctx.button("cm_payments.btn_change_reason", f"{B.CM_PAY_REVERSE}{payment.id}"),
               view.cancel_button(ctx))
    return [Card(ctx.t("cm_payments.reverse_title"), rows, ctx.t("cm_payments.reverse_footer"), buttons)]


@handles(postbacks=(B.CM_PAY_REV_CONFIRM,), states=(view.REV_CONFIRM,), dialog=view.DIALOG)
def confirm_reverse(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.reverse", guard.TREASURER)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if not incoming.postback:  # typed at the summary: the step stays open
        found = view.target_payment(incoming, ctx, "payments.reverse", data.get("payment_id"))
        if not isinstance(found, tuple):
            return found
        return [Text(ctx.t("cm_payments.reverse_confirm_hint")),
                *_reverse_summary(ctx, found[1], str(data.get("reason")), str(data.get("token")))]
    token = incoming.postback.removeprefix(B.CM_PAY_REV_CONFIRM)
    if ctx.state_name != view.REV_CONFIRM or data.get("token") != token:
        return _spent_or_stale(ctx, token)
    found = view.target_payment(incoming, ctx, "payments.reverse", data.get("payment_id"))
    if not isinstance(found, tuple):
        return found
    acting, payment = found
    if (refused := _not_reversible(ctx, payment)) is not None:
        return refused
    if not confirmations.spend(ctx.session, token, action="payment.reverse", actor=acting.actor, at=ctx.now):
        return _spent_or_stale(ctx, token)
    try:
        reversal = reversals.reverse(ctx.session, payment.id, reason=str(data.get("reason", "")),
                                     actor=acting.actor, at=ctx.now)
    except NotReversible:
        return _not_reversible(ctx, payment) or view.stale(ctx)
    except ServiceError:
        return view.stale(ctx)
    confirmations.record_result(ctx.session, token, f"reversal:{reversal.id}")
    ctx.clear_state()
    member = payment.member
    if reversals.receipt_withheld(ctx.session, payment):
        told = "cm_payments.reversal_receipt_withheld"
    elif outbox.reachable_chats(ctx.session, member.id):
        told = "cm_payments.reversal_told"
    else:
        told = "cm_payments.reversal_not_told"
    text = ctx.t("cm_payments.reversed", amount=format_baht(payment.amount, ctx.locale),
                 name=member.full_name, told=ctx.t(told), standing=view.standing_text(ctx, member))
    return [Text(text, _after(ctx))]


def _after(ctx: Context) -> tuple[Button, ...]:
    return (ctx.button("cm_payments.btn_day", view.day_data(ctx.today)),
            ctx.button("cm_payments.btn_new", B.CM_PAYMENTS), view.back_button(ctx))


def _spent_or_stale(ctx: Context, token: str) -> list[Reply]:
    result = confirmations.result_of(ctx.session, token)
    if result is None or not result.startswith("reversal:"):
        return view.stale(ctx)
    ctx.clear_state()
    return [Text(f"{ctx.t('committee.already_done')}\n{ctx.t('cm_payments.done_reversed')}", _after(ctx))]
