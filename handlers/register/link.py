"""Linking this chat to a member on the roster: consent, national ID, birth date, phone on file.

What is checked and counted is `services.linking`. The answers never say whether an ID is on a
roster: a wrong birth date is not told until the phone has been asked, and a lock reads the same
for any ID.
"""

from __future__ import annotations

from datetime import datetime

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text
from handlers.menu import menu_reply
from handlers.register import dialog
from handlers.register.consent import refused_or_unclear
from handlers.register.data import LINK_BIRTH, LINK_CONSENT, LINK_ID, LINK_PHONE, RegistrationData
from handlers.register.reading import id_hash, read_birth_date, read_national_id
from handlers.register.steps import after
from models import MemberStatus
from services import accounts, linking
from services.linking import Attempt, Outcome
from services.notices import when


def paused_reply(ctx: Context, until: datetime, key: str) -> list[Reply]:
    dialog.leave(ctx)
    minutes = int(linking.LINK_PAUSE.total_seconds() // 60)
    return [Text(ctx.t(key, when=when(ctx.locale, until, ctx.now), minutes=minutes),
                 (ctx.button("menu.btn_menu", B.MENU),))]


def _stopped(ctx: Context, attempt: Attempt | None, *, after_failure: bool = False) -> list[Reply] | None:
    """The answer when the attempt may not go on: paused chat, locked ID, busy channel."""
    if attempt is None:
        return None
    if attempt.outcome == Outcome.PAUSED:
        assert attempt.until is not None
        return paused_reply(ctx, attempt.until, "register.link_locked" if after_failure
                            else "register.link_paused")
    if attempt.outcome == Outcome.LOCKED:
        assert attempt.until is not None
        return paused_reply(ctx, attempt.until, "register.link_id_locked")
    if attempt.outcome == Outcome.BUSY:  # stay at the step: the same answer may be sent again
        return dialog.reprompt(ctx, ctx.t("register.link_busy"))
    return None


def _paused(ctx: Context, digest: str | None = None) -> list[Reply] | None:
    return _stopped(ctx, linking.blocked(ctx.session, ctx.account, digest, ctx.now))


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
    digits, retry = dialog.read_typed(incoming, ctx, read_national_id)
    if digits is None:
        return retry
    digest = id_hash(ctx, digits)
    if (locked := _paused(ctx, digest)) is not None:  # locked for any ID alike: tells nothing
        return locked
    data = dialog.load(ctx)
    data.id_hash, data.id_last4 = digest, digits[-4:]
    return dialog.advance(ctx, data)


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
    attempt = linking.check_birth(ctx.session, ctx.account, id_hash=data.id_hash, birth_date=born,
                                  consent_at=data.consent_at or ctx.now,
                                  actor=accounts.chat_actor(ctx.account), at=ctx.now)
    if (stopped := _stopped(ctx, attempt)) is not None:
        return stopped
    if attempt.outcome == Outcome.WAITING:
        ctx.clear_state()
        return [menu_reply(ctx, ctx.t("register.link_waiting_sent"))]
    data.birth_date = born
    return dialog.advance(ctx, data)


@dialog.step(states=(LINK_PHONE,))
def phone(incoming: Incoming, ctx: Context) -> list[Reply]:
    typed = incoming.contact_phone or incoming.text or ""
    if not typed.strip():
        return dialog.reprompt(ctx, ctx.t("register.need_text"))
    if linking.phone_key(typed) is None:  # not a phone number at all: a typo, not a try
        return dialog.reprompt(ctx, ctx.t("register.link_phone_unreadable"))
    data = dialog.load(ctx)
    if data.id_hash is None or data.birth_date is None:  # should not happen; start the details again
        return dialog.enter(ctx, LINK_ID, data)
    attempt = linking.check_phone(ctx.session, ctx.account, id_hash=data.id_hash, birth_date=data.birth_date,
                                  phone=typed, consent_at=data.consent_at or ctx.now,
                                  actor=accounts.chat_actor(ctx.account), at=ctx.now)
    if (stopped := _stopped(ctx, attempt, after_failure=True)) is not None:
        return stopped
    if attempt.outcome == Outcome.WAITING:
        ctx.clear_state()
        return [menu_reply(ctx, ctx.t("register.link_waiting_sent"))]
    if attempt.outcome == Outcome.NOT_FOUND:
        data.forget_id()
        left = linking.tries_left(ctx.account)
        return dialog.enter(ctx, LINK_ID, data, ctx.t("register.link_not_found", left=left))
    member = attempt.member
    assert member is not None
    ctx.clear_state()
    key = "register.linked_pending" if member.status == MemberStatus.PENDING else "register.linked"
    return [menu_reply(ctx, ctx.t(key, name=member.full_name, fund=member.fund.name(ctx.locale)))]
