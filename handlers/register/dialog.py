"""Moving through the registration steps: ask, repeat, advance, and what every step checks first."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from domain.thai import typed_value
from handlers import buttons as B
from handlers.base import Card, Context, HandlerFunc, Incoming, Reply, Text, handles
from handlers.intents import said
from handlers.menu import menu_reply
from handlers.register.data import (
    APPLY_CONFIRM,
    APPLY_CONSENT,
    APPLY_NAME,
    CHOOSE,
    DIALOG,
    LINK_CONSENT,
    LINK_ID,
    RegistrationData,
)
from handlers.register.steps import STATES, STEPS, after
from models import MemberStatus

T = TypeVar("T")
APPLY_PREFIX = "reg.apply."
_NOTHING_TYPED_YET = frozenset({CHOOSE, LINK_CONSENT, LINK_ID, APPLY_CONSENT, APPLY_NAME})


def load(ctx: Context) -> RegistrationData:
    return RegistrationData.from_json(ctx.state_data if ctx.state_name in STATES else None)


def save(ctx: Context, data: RegistrationData) -> None:
    assert ctx.state_name is not None
    ctx.set_state(ctx.state_name, data.to_json())


def enter(ctx: Context, state: str, data: RegistrationData, intro: str | None = None) -> list[Reply]:
    """Move to `state` (or past it, when it has nothing to ask) and ask its question."""
    step = STEPS[state]
    if step.prepare is not None:
        problem = step.prepare(ctx, data)
        if problem is not None:
            leave(ctx)
            return [menu_reply(ctx, ctx.t(problem))]
    if step.skip is not None and step.skip(data):
        return enter(ctx, after(state), data, intro)
    if state == APPLY_CONFIRM:
        data.editing = None  # back at the summary: whatever was being changed is done
    ctx.set_state(state, data.to_json())
    prompt = step.prompt(ctx, data)
    if intro is None:
        return [prompt]
    if isinstance(prompt, Card):
        return [Text(intro), prompt]
    return [Text(f"{intro}\n\n{prompt.text}", prompt.buttons, prompt.request_contact)]


def advance(ctx: Context, data: RegistrationData, intro: str | None = None) -> list[Reply]:
    """On to the step after the current one; back to the summary when one answer was being changed
    from it."""
    assert ctx.state_name is not None
    if data.editing is not None and ctx.state_name.startswith(APPLY_PREFIX):
        return enter(ctx, APPLY_CONFIRM, data, "\n".join(filter(None, (intro, ctx.t("register.edited")))))
    return enter(ctx, after(ctx.state_name), data, intro)


def reprompt(ctx: Context, problem: str, *, brief: bool = False) -> list[Reply]:
    """Stay at the step: say what was wrong, repeat what is expected, with the buttons again."""
    assert ctx.state_name is not None
    step = STEPS[ctx.state_name]
    prompt = step.prompt(ctx, load(ctx))
    if brief and step.brief is not None:  # the full text (a privacy notice) was just shown
        return [Text(f"{problem}\n{ctx.t(step.brief)}", prompt.buttons)]
    if isinstance(prompt, Card):
        return [Text(problem), prompt]
    return [Text(f"{problem}\n\n{prompt.text}", prompt.buttons, prompt.request_contact)]


def leave(ctx: Context) -> None:
    if ctx.state_name in STATES:
        ctx.clear_state()


def step_name(ctx: Context) -> str:
    """The step the registration stands at, as a member would name it ("กรอกวันเดือนปีเกิด")."""
    assert ctx.state_name is not None
    return ctx.t("register.step_" + ctx.state_name.removeprefix(DIALOG + ".").replace(".", "_"))


def stale(ctx: Context) -> list[Reply]:
    """A button from an earlier step, or from a registration that timed out or ended."""
    if ctx.state_name in STATES:
        return reprompt(ctx, ctx.t("register.stale", step=step_name(ctx)))
    timed_out = str(ctx.extras.get("expired_dialog", "")).startswith(DIALOG + ".")
    return [Text(ctx.t("register.expired" if timed_out else "dialog.registration_ended"),
                 (ctx.button("menu.btn_register", B.REGISTER), ctx.button("menu.btn_menu", B.MENU)))]


def has_typed_answers(ctx: Context) -> bool:
    """Whether the open registration holds answers the member typed: "register" pressed again
    then goes on with it rather than starting over. Before the first typed answer nothing is lost."""
    return ctx.state_name in STATES and ctx.state_name not in _NOTHING_TYPED_YET


def resume(ctx: Context) -> list[Reply]:
    """Back to the step the registration waits at, with what was given so far."""
    return reprompt(ctx, ctx.t("dialog.resumed"))


def waiting_note(ctx: Context) -> list[Reply]:
    """Said after another feature's answer while the registration waits underneath."""
    return [Text(ctx.t("dialog.registration_waiting"),
                 (ctx.button("dialog.btn_resume", B.REG_RESUME),
                  ctx.button("dialog.btn_stop_registration", B.CANCEL)))]


def elsewhere_in_dialog(ctx: Context, *steps: str) -> bool:
    """True when the dialog stands at another step than `steps`: an old button was pressed, and
    acting on it would throw away what the member has given since."""
    return ctx.state_name in STATES and ctx.state_name not in steps


def already_linked(ctx: Context) -> list[Reply]:
    leave(ctx)
    member = ctx.member
    assert member is not None
    key = "register.already_linked_pending" if member.status == MemberStatus.PENDING \
        else "register.already_linked"
    return [menu_reply(ctx, ctx.t(key, name=member.full_name, fund=member.fund.name(ctx.locale)))]


def typed_button(ctx: Context, text: str) -> str | None:
    """At a step with buttons, a typed label counts as the press: the button's data, or None."""
    assert ctx.state_name is not None
    words = said(text)
    for button in STEPS[ctx.state_name].prompt(ctx, load(ctx)).buttons:
        if words == said(button.label):
            return button.data
    return None


def read_typed(incoming: Incoming, ctx: Context, read: Callable[[Context, str], tuple[T | None, str]]
               ) -> tuple[T | None, list[Reply]]:
    """The value typed at a step that wants text, or None and the answer that asks again."""
    text = incoming.text or ""
    if not text.strip():
        return None, reprompt(ctx, ctx.t("register.need_text"))
    value, problem = read(ctx, text)
    if value is None:
        return None, reprompt(ctx, problem)
    return value, []


def take_typed(incoming: Incoming, ctx: Context, read: Callable[[Context, str], tuple[T | None, str]],
               keep: Callable[[RegistrationData, T], None]) -> list[Reply]:
    """A step that wants text: read it, keep it in the dialog's data and go on, or ask again."""
    if typed_button(ctx, incoming.text or "") == B.REG_REVIEW:  # "back to the summary", typed
        return back_to_summary(ctx)
    value, retry = read_typed(incoming, ctx, read)
    if value is None:
        return retry
    data = load(ctx)
    keep(data, value)
    return advance(ctx, data)


def back_to_summary(ctx: Context) -> list[Reply]:
    """The summary again, nothing changed: from a step opened by one of its "edit" buttons."""
    data = load(ctx)
    if data.editing is None and ctx.state_name != APPLY_CONFIRM:
        return stale(ctx)
    return enter(ctx, APPLY_CONFIRM, data)


def no_such_number(ctx: Context, text: str, count: int) -> list[Reply] | None:
    """A number typed at a step that lists numbered choices, but not one of them ("9" of 2): say
    which numbers there are. None when what was typed is not a number."""
    typed = typed_value(text)
    if not re.fullmatch(r"[0-9]{1,4}", typed):
        return None
    return reprompt(ctx, ctx.t("register.no_such_number", number=int(typed), count=count))


def use_buttons(ctx: Context) -> list[Reply]:
    return reprompt(ctx, ctx.t("register.use_buttons"), brief=True)


def step(*, states: tuple[str, ...] = (), postbacks: tuple[str, ...] = (),
         intents: tuple[str, ...] = ()) -> Callable[[HandlerFunc], HandlerFunc]:
    """A registration handler: the router reaches it by state or button, and its buttons keep the
    dialog open. Every one first refuses a group chat (a national ID must never be typed where
    others read it), a chat that is linked already, and one whose link waits for the committee."""

    def wrap(func: HandlerFunc) -> HandlerFunc:
        @wraps(func)
        def guarded(incoming: Incoming, ctx: Context) -> list[Reply]:
            if incoming.in_group:
                return [Text(ctx.t("menu.private_only"))]
            if ctx.member is not None:
                return already_linked(ctx)
            if ctx.account.pending_member_id is not None:  # waits for the committee
                leave(ctx)
                return [menu_reply(ctx, ctx.t("register.link_waiting"))]
            return func(incoming, ctx)

        return handles(states=states, postbacks=postbacks, intents=intents, dialog=DIALOG)(guarded)

    return wrap
