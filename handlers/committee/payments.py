"""Record a payment (รับเงิน): find the member by number or name → the amount (months or baht) →
the months it covers and the day it was paid → confirm → a ledger entry, an audit row and a receipt
to the member (services.payments.record_payment). Every press and every typed step is authorised
again, for the fund of the member it names. Reversals and the day's entries: `payments_reverse`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.dues import months_covered
from domain.thai import format_baht, format_date
from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text, handles
from handlers.committee import guard
from handlers.committee import payments_view as view
from models import Member
from services import confirmations, ledger_day, outbox
from services.errors import ServiceError
from services.payments import record_payment, total_paid


@handles(postbacks=(B.CM_PAYMENTS,), states=(view.FIND,), dialog=view.DIALOG)
def find_member(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.find", guard.MONEY)
    if not isinstance(acting, guard.Acting):
        return acting
    assert acting.fund is not None
    said = " ".join((incoming.text or "").split())
    if incoming.postback or not said:
        return view.ask_member(ctx, acting)
    found = ledger_day.find_members(ctx.session, acting.fund.id, said)
    if not found:
        return view.ask_member(ctx, acting, ctx.t("cm_payments.none_found", said=said[:40]))
    if len(found) > ledger_day.FOUND_MAX:
        return view.ask_member(ctx, acting, ctx.t("cm_payments.too_many", said=said[:40]))
    if len(found) == 1:
        return view.ask_amount(ctx, found[0])
    return view.matches(ctx, found)


@handles(postbacks=(B.CM_PAY_MEMBER,), dialog=view.DIALOG)
def choose_member(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.member", guard.MONEY)
    if not isinstance(acting, guard.Acting):
        return acting
    found = view.target_member(incoming, ctx, "payments.member", guard.MONEY,
                               view.number_in(incoming.postback or "", B.CM_PAY_MEMBER))
    if not isinstance(found, tuple):
        return found
    return view.ask_amount(ctx, found[1])


@handles(postbacks=(B.CM_PAY_MONTHS,), states=(view.AMOUNT,), dialog=view.DIALOG)
def amount(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "payments.amount", guard.MONEY)
    if not isinstance(acting, guard.Acting):
        return acting
    if ctx.state_name != view.AMOUNT:
        return view.stale(ctx)
    found = view.target_member(incoming, ctx, "payments.amount", guard.MONEY, ctx.state_data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    member = found[1]
    dues = member.fund.dues_per_month
    if incoming.postback:
        months = view.number_in(incoming.postback, B.CM_PAY_MONTHS)
        typed = view.Typed(months=months) if months else None
    else:
        typed = view.read_amount(incoming.text or "")
    if typed is None:
        return view.ask_amount(ctx, member, hint=ctx.t("cm_payments.amount_hint"))
    value = dues * typed.months if typed.months is not None else typed.amount
    assert value is not None
    if value <= 0:
        return view.ask_amount(ctx, member, hint=ctx.t("cm_payments.amount_positive"))
    problem = _too_much(ctx, member, value, ctx.today)
    if problem:
        return view.ask_amount(ctx, member, hint=problem)
    return _summary(ctx, member, value, ctx.today)


def _too_much(ctx: Context, member: Member, value: Decimal, paid_on: date) -> str | None:
    """Why `value` may not be paid (beyond the fund's pay-ahead limit), with the most that may."""
    if not view.allocation_for(ctx, member, value, paid_on).too_far_ahead:
        return None
    fund, dues = member.fund, member.fund.dues_per_month
    now = view.allocation_for(ctx, member, Decimal(0), paid_on)  # where the member stands
    before = total_paid(ctx.session, member.id)
    credit = before - dues * max(months_covered(before, dues), 0)
    most = max(dues * (now.limit - now.paid_through) - credit, Decimal(0))
    key = "cm_payments.too_far_ahead" if most > 0 else "cm_payments.too_far_ahead_full"
    return ctx.t(key, amount=format_baht(value, ctx.locale),
                 months=fund.may_pay_months_ahead, most=format_baht(most, ctx.locale))


def _summary(ctx: Context, member: Member, value: Decimal, paid_on: date) -> list[Reply]:
    token = confirmations.new_token()
    ctx.set_state(view.CONFIRM, {"member_id": member.id, "amount": str(value),
                                 "paid_on": paid_on.isoformat(), "token": token})
    return view.summary(ctx, member, value, paid_on, token)


@handles(postbacks=(B.CM_PAY_DATE,), states=(view.DATE,), dialog=view.DIALOG)
def paid_on(incoming: Incoming, ctx: Context) -> list[Reply]:
    """Another day than today: typed in either era, never in the future."""
    acting = guard.authorize(incoming, ctx, "payments.date", guard.MONEY)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if ctx.state_name not in (view.CONFIRM, view.DATE) or "amount" not in data:
        return view.stale(ctx)
    found = view.target_member(incoming, ctx, "payments.date", guard.MONEY, data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    member = found[1]
    value = Decimal(data["amount"])
    buttons = (view.cancel_button(ctx),)
    if incoming.postback:
        ctx.set_state(view.DATE, {"member_id": member.id, "amount": data["amount"]})
        return [Text(ctx.t("cm_payments.ask_date", today=format_date(ctx.today, ctx.locale)), buttons)]
    day, problem = view.read_paid_on(incoming.text or "", ctx.today)
    if day is None:
        return [Text(ctx.t(f"cm_payments.date_{problem}", today=format_date(ctx.today, ctx.locale)),
                     buttons)]
    if day < member.joined_on:  # a typo in the year, most likely: ask for the day again
        joined = format_date(member.joined_on, ctx.locale)
        return [Text(ctx.t("cm_payments.date_before_joining", joined=joined), buttons)]
    if (too_much := _too_much(ctx, member, value, day)) is not None:
        return view.ask_amount(ctx, member, hint=too_much)
    return _summary(ctx, member, value, day)


@handles(postbacks=(B.CM_PAY_CONFIRM,), states=(view.CONFIRM,), dialog=view.DIALOG)
def confirm(incoming: Incoming, ctx: Context) -> list[Reply]:
    """The summary's confirmation: one ledger entry, however often it is pressed or delivered."""
    acting = guard.authorize(incoming, ctx, "payments.confirm", guard.MONEY)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    token = (incoming.postback or "").removeprefix(B.CM_PAY_CONFIRM)
    if not incoming.postback:  # typed at the summary: the step stays open
        return _summary_again(incoming, ctx, ctx.t("cm_payments.confirm_hint")) or view.stale(ctx)
    if ctx.state_name != view.CONFIRM or data.get("token") != token:
        # An older summary's button (scrolled up to): the one open now stays valid.
        again = _summary_again(incoming, ctx, ctx.t("cm_payments.old_button"))
        if again is not None:
            done = confirmations.result_of(ctx.session, token)
            return [Text(ctx.t("committee.already_done")), *again] if done else again
        return _spent_or_stale(ctx, acting, token)
    found = view.target_member(incoming, ctx, "payments.confirm", guard.MONEY, data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    acting, member = found
    if not confirmations.spend(ctx.session, token, action="payment.record", actor=acting.actor, at=ctx.now):
        return _spent_or_stale(ctx, acting, token)
    value, day = Decimal(data["amount"]), date.fromisoformat(data["paid_on"])
    covers = view.months_text(ctx, view.allocation_for(ctx, member, value, day))
    try:
        payment = record_payment(ctx.session, member, value, paid_on=day, actor=acting.actor, at=ctx.now)
    except ServiceError:  # paid by someone else meanwhile, beyond the limit now: nothing written
        return view.ask_amount(ctx, member, hint=_too_much(ctx, member, value, day)
                               or ctx.t("cm_payments.amount_hint"))
    confirmations.record_result(ctx.session, token, f"payment:{payment.id}")
    ctx.clear_state()
    text = ctx.t("cm_payments.recorded", amount=format_baht(value, ctx.locale), name=member.full_name,
                 covers=covers, paid_on=format_date(day, ctx.locale))
    if not outbox.reachable_chats(ctx.session, member.id):
        text += "\n" + ctx.t("cm_payments.receipt_none")
    else:
        text += "\n" + ctx.t("cm_payments.receipt_sent_night" if view.in_quiet_hours(ctx)
                             else "cm_payments.receipt_sent")
    return [Text(text, _after_buttons(ctx, acting, payment.id))]


def _summary_again(incoming: Incoming, ctx: Context, note: str) -> list[Reply] | None:
    """The summary open now, shown again after `note`; None when none is open."""
    data = ctx.state_data
    if ctx.state_name != view.CONFIRM or not data.get("token"):
        return None
    found = view.target_member(incoming, ctx, "payments.confirm", guard.MONEY, data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    day = date.fromisoformat(data["paid_on"])
    return [Text(note), *view.summary(ctx, found[1], Decimal(data["amount"]), day, str(data["token"]))]


def _after_buttons(ctx: Context, acting: guard.Acting, payment_id: int) -> tuple:
    buttons = [ctx.button("cm_payments.btn_new", B.CM_PAYMENTS)]
    if view.is_treasurer(acting):
        buttons.insert(0, ctx.button("cm_payments.btn_reverse_this", f"{B.CM_PAY_REVERSE}{payment_id}"))
        buttons.append(ctx.button("cm_payments.btn_day", view.day_data(ctx.today)))
    return (*buttons, view.back_button(ctx))


def _spent_or_stale(ctx: Context, acting: guard.Acting, token: str) -> list[Reply]:
    """A confirmation pressed again (or delivered twice): what the first press did, nothing more."""
    result = confirmations.result_of(ctx.session, token)
    if result is None or not result.startswith("payment:"):
        return view.stale(ctx)
    ctx.clear_state()
    return [Text(f"{ctx.t('committee.already_done')}\n{ctx.t('cm_payments.done_recorded')}",
                 _after_buttons(ctx, acting, int(result.removeprefix("payment:"))))]
