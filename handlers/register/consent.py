"""Consent, on either path: agreeing (the button or a typed yes) or declining, which stores nothing."""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply
from handlers.intents import said
from handlers.menu import menu_reply
from handlers.register import dialog
from handlers.register.data import APPLY_CONSENT, LINK_CONSENT, RegistrationData

# Typed answers at a consent step that are as explicit as pressing the button.
AGREE_WORDS = frozenset({"ยินยอม", "ยอมรับ", "ตกลง", "ยินดี", "agree", "i agree", "accept"})
DECLINE_WORDS = frozenset({"ไม่ยินยอม", "ไม่ยอมรับ", "ไม่ตกลง", "disagree", "decline", "i do not agree"})


def consent_answer(incoming: Incoming, ctx: Context, agree: str) -> str | None:
    """The button data a consent answer stands for: pressed, a typed label, or a typed yes/no."""
    if incoming.postback:
        return incoming.postback
    words = said(incoming.text or "")
    if words in AGREE_WORDS:
        return agree
    if words in DECLINE_WORDS:
        return B.REG_DECLINE
    return dialog.typed_button(ctx, incoming.text or "")


@dialog.step(postbacks=(B.REG_DECLINE,))
def declined(incoming: Incoming, ctx: Context) -> list[Reply]:
    if dialog.elsewhere_in_dialog(ctx, LINK_CONSENT, APPLY_CONSENT):
        return dialog.stale(ctx)
    dialog.leave(ctx)
    return [menu_reply(ctx, ctx.t("register.declined"))]


def refused_or_unclear(incoming: Incoming, ctx: Context, state: str, agree: str) -> list[Reply] | None:
    """At consent step `state`: the answer when the member did not agree (an old button, a decline,
    something else typed), or None when they agreed by pressing `agree` or typing a yes. Consent is
    only taken in answer to the notice shown in this dialog: a consent button pressed when no notice
    is open (an old or forged one, after cancelling) shows the notice again."""
    if dialog.elsewhere_in_dialog(ctx, state):
        return dialog.stale(ctx)
    if ctx.state_name != state:
        return dialog.enter(ctx, state, RegistrationData())
    answer = consent_answer(incoming, ctx, agree)
    if answer == B.REG_DECLINE:
        return declined(incoming, ctx)
    if answer != agree:
        return not_an_answer(incoming, ctx)
    return None


def not_an_answer(incoming: Incoming, ctx: Context) -> list[Reply]:
    if not (incoming.text or "").strip():
        return dialog.reprompt(ctx, ctx.t("register.need_text"))
    return dialog.use_buttons(ctx)
