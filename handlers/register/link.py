"""Linking this chat to a member on the roster: consent, national ID, birth date."""

from __future__ import annotations

from datetime import datetime

from domain.thai import format_date
from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text
from handlers.menu import menu_reply
from handlers.register import dialog
from handlers.register.consent import refused_or_unclear
from handlers.register.data import LINK_BIRTH, LINK_CONSENT, LINK_ID, RegistrationData
from handlers.register.reading import id_hash, read_birth_date, read_national_id
from handlers.register.steps import after
from models import MemberStatus
from services import accounts, membership


def paused_reply(ctx: Context, until: datetime, key: str) -> list[Reply]:
    dialog.leave(ctx)
    local = until.astimezone(ctx.now.tzinfo)
    time = local.strftime("%H:%M")
    if local.date() == ctx.today:
        when = ctx.t("register.when_today", time=time)
    else:
        when = ctx.t("register.when_date", date=format_date(local.date(), ctx.locale), time=time)
    minutes = int(membership.LINK_PAUSE.total_seconds() // 60)
    return [Text(ctx.t(key, when=when, minutes=minutes), (ctx.button("menu.btn_menu", B.MENU),))]


def _paused(ctx: Context) -> list[Reply] | None:
    until = membership.link_paused_until(ctx.account, ctx.now)
    return None if until is None else paused_reply(ctx, until, "register.link_paused")


@dialog.step(states=(LINK_CONSENT,), postbacks=(B.REG_CONSENT_LINK,))
def consent(incoming: Incoming, ctx: Context) -> list[Reply]:
    if (answer := refused_or_unclear(incoming, ctx, LINK_CONSENT, B.REG_CONSENT_LINK)) is not None:
        return answer
    if (paused := _paused(ctx)) is not None:
        return paused
    data = RegistrationData(consent_at=ctx.now)
    return dialog.enter(ctx, after(LINK_CONSENT), data, ctx.t("register.thanks_consent"))


@dialog.step(states=(LINK_ID,))
def national_id(incoming: Incoming, ctx: Context) -> list[Reply]:
    if (paused := _paused(ctx)) is not None:
        return paused
    def keep(data: RegistrationData, digits: str) -> None:
        data.id_hash, data.id_last4 = id_hash(ctx, digits), digits[-4:]

    return dialog.take_typed(incoming, ctx, read_national_id, keep)


@dialog.step(states=(LINK_BIRTH,))
def birth_date(incoming: Incoming, ctx: Context) -> list[Reply]:
    if (paused := _paused(ctx)) is not None:
        return paused
    born, retry = dialog.read_typed(incoming, ctx, read_birth_date)
    if born is None:
        return retry
    data = dialog.load(ctx)
    if data.id_hash is None:  # should not happen; ask the ID again rather than fail
        return dialog.enter(ctx, LINK_ID, data)
    member = membership.link_by_identity(
        ctx.session, ctx.account, id_hash=data.id_hash, birth_date=born,
        consent_at=data.consent_at or ctx.now, actor=accounts.chat_actor(ctx.account), at=ctx.now)
    if member is None:
        until = membership.link_paused_until(ctx.account, ctx.now)
        if until is not None:
            return paused_reply(ctx, until, "register.link_locked")
        data.forget_id()
        left = membership.tries_left(ctx.account)
        return dialog.enter(ctx, LINK_ID, data, ctx.t("register.link_not_found", left=left))
    ctx.clear_state()
    key = "register.linked_pending" if member.status == MemberStatus.PENDING else "register.linked"
    return [menu_reply(ctx, ctx.t(key, name=member.full_name, fund=member.fund.name(ctx.locale)))]
