"""How to pay and whom to call: the fund's payment channels and contact, in words.

The fund is the linked member's. In a group the chat's members may belong to different funds, and
whose fund a person is in is theirs to tell: the answer there points to the private chat. The
channels are the committee's (handlers/committee/paying.py, `kongtun fund paying`).
"""

from __future__ import annotations

from domain.dues import Standing
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.menu import registration_waiting
from models import Fund
from services.fund_paying import format_account, format_any_phone, format_promptpay
from services.paying_text import Paying, bank_of, contact, how_to_pay, person


def how_to_pay_text(ctx: Context, fund: Fund) -> str:
    """The fund's ways to pay and whom to call, for the footer of an arrears answer."""
    return how_to_pay(Paying.of(fund), ctx.locale)


def _buttons(ctx: Context, *, pay: bool = False, call: bool = False) -> tuple[Button, ...]:
    buttons = [ctx.button("menu.btn_account", B.ACCOUNT)]
    if pay:
        buttons.append(ctx.button("paying.btn_pay_how", B.PAY_HOW))
    if call:
        buttons.append(ctx.button("paying.btn_contact", B.CONTACT))
    return (*buttons, ctx.button("menu.btn_menu", B.MENU))


def _fund_or_refusal(incoming: Incoming, ctx: Context, *, about: str = "pay") -> Fund | list[Reply]:
    """The linked member's fund, or why it is not known here; `about` is "pay" or "contact"."""
    if incoming.in_group:
        return [Text(ctx.t("paying.in_group" if about == "pay" else "paying.contact_in_group"))]
    if ctx.member is None:
        key = "paying.not_linked" if about == "pay" else "paying.contact_not_linked"
        if registration_waiting(ctx):  # the note on the waiting registration follows
            return [Text(ctx.t(key))]
        return [Text(ctx.t(key), (ctx.button("menu.btn_register", B.REGISTER),
                                                   ctx.button("menu.btn_menu", B.MENU)))]
    return ctx.member.fund


@handles(postbacks=(B.PAY_HOW,), intents=("pay_how",))
def pay_how(incoming: Incoming, ctx: Context) -> list[Reply]:
    fund = _fund_or_refusal(incoming, ctx)
    if not isinstance(fund, Fund):
        return fund
    loc, p = ctx.locale, Paying.of(fund)
    can_call = bool(contact(p, loc))
    rows = []
    if meeting := p.meeting(loc):
        rows.append(Row(ctx.t("paying.row_meeting"), meeting))
    if p.bank_account_no:
        fields = {"bank": bank_of(p, loc) or ctx.t("paying.bank_unnamed"),
                  "number": format_account(p.bank_account_no), "name": p.bank_account_name}
        key = "paying.bank_value_named" if p.bank_account_name else "paying.bank_value"
        rows.append(Row(ctx.t("paying.row_bank"), ctx.t(key, **fields)))
    if p.promptpay_id:
        rows.append(Row(ctx.t("paying.row_promptpay"), format_promptpay(p.promptpay_id)))
    if treasurer := person(loc, p.treasurer_name, p.treasurer_phone):
        rows.append(Row(ctx.t("paying.row_treasurer"), treasurer))
    if notes := p.notes(loc):
        rows.append(Row(ctx.t("paying.row_notes"), notes))
    if not rows:
        return [*_ended_note(ctx), Text(ctx.t("paying.nothing_set", fund=fund.name(loc)),
                                        _buttons(ctx, call=can_call))]

    footer = []
    if who := person(loc, p.contact_name, p.contact_phone):
        footer.append(ctx.t("paying.footer_ask", who=who))
    if p.bank_account_no or p.promptpay_id:
        footer.append(ctx.t("paying.footer_after"))
    # A number in a card cannot be copied on LINE; a message of the number alone can.
    numbers = [n for n in (p.bank_account_no, p.promptpay_id) if n]
    if numbers:
        # Which number is which is said here: a label in the number's own message would be copied too.
        which = "both" if len(numbers) == 2 else "account" if p.bank_account_no else "promptpay"
        footer.append(ctx.t(f"paying.footer_copy_{which}"))
    replies: list[Reply] = [*_ended_note(ctx), Card(
        title=ctx.t("paying.title"),
        rows=(Row("", ctx.t("paying.intro", fund=fund.name(loc))), *rows),
        footer="\n".join(footer) or None,
        alt_text=ctx.t("paying.alt", fund=fund.name(loc)),
        buttons=() if numbers else _buttons(ctx, call=can_call),
    )]
    for i, number in enumerate(numbers):
        last = i == len(numbers) - 1
        replies.append(Text(number, _buttons(ctx, call=can_call) if last else ()))
    return replies


def _ended_note(ctx: Context) -> list[Reply]:
    """Before the channels, for a membership that has ended (or lapsed on the record): paying will
    not restore it by itself, and whom to ask first (as the account card and "pay now" say)."""
    from handlers.pay_now import plan_for, whom_to_ask  # pay_now shows this module's text
    from handlers.queries import member_dues

    member = ctx.member
    assert member is not None
    standing = plan_for(member, member_dues(ctx.session, member, ctx.today), ctx.today).standing
    if standing not in (Standing.ENDED, Standing.LAPSED):
        return []
    return [Text(ctx.t("paying.ended_note", ask=whom_to_ask(ctx, member.fund)))]


@handles(postbacks=(B.CONTACT,), intents=("contact",))
def contact_committee(incoming: Incoming, ctx: Context) -> list[Reply]:
    fund = _fund_or_refusal(incoming, ctx, about="contact")
    if not isinstance(fund, Fund):
        return fund
    loc, p = ctx.locale, Paying.of(fund)
    rows = []
    if p.treasurer_name or p.treasurer_phone:
        rows.append(Row(ctx.t("paying.row_treasurer_contact"), _lines(p.treasurer_name, p.treasurer_phone)))
    if p.contact_name or p.contact_phone:
        rows.append(Row(ctx.t("paying.row_contact"), _lines(p.contact_name, p.contact_phone)))
    if not rows:
        return [Text(ctx.t("paying.contact_nothing", fund=fund.name(loc)), _buttons(ctx, pay=True))]
    return [Card(
        title=ctx.t("paying.contact_title"),
        rows=(Row("", fund.name(loc)), *rows),
        footer=ctx.t("paying.contact_footer"),
        alt_text=ctx.t("paying.contact_alt", fund=fund.name(loc)),
        buttons=_buttons(ctx, pay=True),
    )]


def _lines(name: str | None, phone: str | None) -> str:
    """The name, and the phone on a line of its own (a phone app finds it there)."""
    return "\n".join(part for part in (name, format_any_phone(phone) if phone else None) if part)
