"""Welcome, the main menu, cancel, and the answer to anything not understood."""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Button, Context, Incoming, Reply, Text, handles
from handlers.committee import guard


def registration_waiting(ctx: Context) -> bool:
    """Whether a registration waits underneath this answer (see `handlers.register.resume`): the
    note that follows offers to continue it, so nothing here invites to start registering."""
    return ctx.member is None and (ctx.state_name or "").startswith("reg.")


def menu_buttons(ctx: Context) -> tuple[Button, ...]:
    """Every feature, one tap away."""
    linked = ctx.member is not None or registration_waiting(ctx)
    buttons = [
        ctx.button("menu.btn_account", B.ACCOUNT),
        ctx.button("menu.btn_benefits", B.BENEFITS),
        ctx.button("menu.btn_fund", B.FUND),
        ctx.button("menu.btn_meetings", B.MEETINGS),
    ]
    if not linked:
        buttons.insert(0, ctx.button("menu.btn_register", B.REGISTER))
    buttons += [ctx.button("menu.btn_mydata", B.MY_DATA), ctx.button("menu.btn_language", B.LANGUAGE)]
    if ctx.member is not None:  # what is pushed to a member: only a linked chat has a choice
        buttons.append(ctx.button("settings.btn_notifications", B.NOTIFICATIONS))
    if guard.has_committee_menu(ctx):  # role-holders only, never in a group
        buttons.insert(0, ctx.button("committee.btn_committee", B.COMMITTEE))
    return tuple(buttons)


def menu_reply(ctx: Context, intro: str | None = None) -> Text:
    return Text(intro or ctx.t("menu.choose"), menu_buttons(ctx))


@handles(postbacks=(B.MENU,), intents=("menu",))
def welcome(incoming: Incoming, ctx: Context) -> list[Reply]:
    if ctx.member is not None and not incoming.in_group:  # a name is personal data in a group
        greeting = ctx.t("menu.welcome_member", name=ctx.member.first_name)
    elif registration_waiting(ctx) and not incoming.in_group:
        greeting = ctx.t("menu.welcome_registering")
    else:
        greeting = ctx.t("menu.welcome")
    return [Text(greeting), menu_reply(ctx)]


@handles(postbacks=(B.FOLLOW,))
def followed(incoming: Incoming, ctx: Context) -> list[Reply]:
    """The chat app's "added as a friend" or "unblocked" (LINE's follow event)."""
    member = ctx.member
    if member is not None:  # linked before (a block and unblock keeps the link): say so
        greeting = ctx.t("menu.welcome_back_linked", name=member.first_name,
                         fund=member.fund.name(ctx.locale))
    elif ctx.account.display_name:
        greeting = ctx.t("menu.welcome_named", name=ctx.account.display_name)
    else:
        greeting = ctx.t("menu.welcome")
    return [Text(greeting), menu_reply(ctx)]


@handles(postbacks=(B.CANCEL,), intents=("cancel",))
def cancel(incoming: Incoming, ctx: Context) -> list[Reply]:
    had_dialog = ctx.state_name is not None
    committee_step = (ctx.state_name or "").startswith("cm.")
    ctx.clear_state()
    if committee_step and guard.has_committee_menu(ctx):  # back where the committee member started
        return [Text(ctx.t("menu.cancelled"), (ctx.button("committee.btn_back", B.COMMITTEE),
                                               ctx.button("menu.btn_menu", B.MENU)))]
    return [menu_reply(ctx, ctx.t("menu.cancelled" if had_dialog else "menu.nothing_to_cancel"))]


@handles(intents=("unknown",))
def not_understood(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.postback:
        # A button from an old message whose feature has moved on.
        return [menu_reply(ctx, ctx.t("menu.stale_button"))]
    if not (incoming.text or "").strip():
        return [menu_reply(ctx, ctx.t("menu.not_text"))]
    if str(ctx.extras.get("expired_dialog", "")).startswith("reg."):
        # An answer to a registration step that timed out while the member looked for a card.
        return [Text(ctx.t("register.expired"),
                     (ctx.button("menu.btn_register", B.REGISTER), ctx.button("menu.btn_menu", B.MENU)))]
    return [menu_reply(ctx, ctx.t("menu.not_understood"))]


def require_member(incoming: Incoming, ctx: Context) -> list[Reply] | None:
    """The answer when personal data cannot be shown here; None when it can."""
    if incoming.in_group:
        return [Text(ctx.t("menu.private_only"))]
    if registration_waiting(ctx):  # the note on the waiting registration follows, with its buttons
        return [Text(ctx.t("menu.need_register_waiting"))]
    if ctx.member is None:
        return [Text(ctx.t("menu.need_register"),
                     (ctx.button("menu.btn_register", B.REGISTER), ctx.button("menu.btn_menu", B.MENU)))]
    return None
