"""Where registration starts: "are you already a member?", and the choice of path."""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text, handles
from handlers.intents import said
from handlers.register import dialog
from handlers.register.data import APPLY_CONSENT, APPLY_ID, CHOOSE, LINK_CONSENT, RegistrationData
from handlers.register.link import paused_reply
from services import linking

# Typed words that answer "are you already a member?" themselves (compared without polite particles,
# so "สมัครสมาชิกค่ะ" and "ขอสมัครสมาชิกครับ" are "สมัครสมาชิก"). "สมัคร" and "ลงทะเบียน" alone do not:
# members say them for linking too.
APPLY_WORDS = frozenset({
    "สมัครสมาชิก", "สมัครสมาชิกใหม่", "สมัครเป็นสมาชิก", "สมัครเป็นสมาชิกใหม่", "สมัครใหม่", "สมาชิกใหม่",
    "ยังไม่ได้เป็นสมาชิก", "ยังไม่เป็นสมาชิก", "apply to join",
})
LINK_WORDS = frozenset({"เป็นสมาชิกแล้ว", "เป็นสมาชิกอยู่แล้ว", "เป็นแล้ว", "i'm a member", "i am a member"})


def _typed_choice(text: str) -> str | None:
    words = said(text)
    if words in APPLY_WORDS:
        return B.REG_APPLY
    if words in LINK_WORDS:
        return B.REG_LINK
    return None


@dialog.step(postbacks=(B.REGISTER,), intents=("register",))
def start(incoming: Incoming, ctx: Context) -> list[Reply]:
    if dialog.has_typed_answers(ctx):
        return dialog.resume(ctx)  # begun earlier and waiting: go on, what was typed is kept
    if not incoming.postback and _typed_choice(incoming.text or "") == B.REG_APPLY:
        return dialog.enter(ctx, APPLY_CONSENT, RegistrationData())  # "สมัครสมาชิก": no need to ask
    return dialog.enter(ctx, CHOOSE, RegistrationData())


@dialog.step(states=(CHOOSE,), postbacks=(B.REG_LINK, B.REG_APPLY))
def choose(incoming: Incoming, ctx: Context) -> list[Reply]:
    """Either path starts here. (A "link instead" button at the apply path's ID step, which older
    versions showed for an ID on a roster, still works; nothing offers it now.)"""
    if dialog.elsewhere_in_dialog(ctx, CHOOSE, APPLY_ID):
        return dialog.stale(ctx)
    choice = incoming.postback or dialog.typed_button(ctx, incoming.text or "") \
        or _typed_choice(incoming.text or "")
    if choice == B.REG_LINK:
        until = linking.chat_paused_until(ctx.account, ctx.now)
        if until is not None:
            return paused_reply(ctx, until, "register.link_paused")
        return dialog.enter(ctx, LINK_CONSENT, RegistrationData())
    if choice == B.REG_APPLY:
        return dialog.enter(ctx, APPLY_CONSENT, RegistrationData())
    if not (incoming.text or "").strip():
        return dialog.reprompt(ctx, ctx.t("register.need_text"))
    return dialog.use_buttons(ctx)


@dialog.step(postbacks=(B.REG_ANY,))
def unknown_button(incoming: Incoming, ctx: Context) -> list[Reply]:
    """A registration button this version no longer has."""
    return dialog.stale(ctx)


@handles(intents=("foreign_contact",))
def foreign_contact(incoming: Incoming, ctx: Context) -> list[Reply]:
    """A shared contact card that is not the sender's own number: never stored, the step stays."""
    return [Text(ctx.t("telegram.not_own_contact"))]
