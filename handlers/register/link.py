"""Linking this chat to a member on the roster: consent, national ID, birth date, phone on file.

What is checked and counted is `services.linking`. The answers never say whether an ID is on a
roster: the phone is asked after every birth date, right or wrong, whether or not the roster holds a
phone, and a lock reads the same for any ID.

While the channel is busy (too many failed tries this minute) an answer is not checked: it is kept
in the dialog and checked when the member next writes, whatever they write then (a phone typed at the
birth-date step is kept for the phone step), so nothing needs retyping.

A two-digit year that reads two ways ("15/1/67": 2567 or 1967) is asked about here as in applying
(`birth`), rather than both readings being tried against the roster: the question depends only on
what was typed, so it tells nothing about the roster, and one try stays one date checked.
"""

from __future__ import annotations

from datetime import datetime

from domain.thai import says_no_phone
from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text
from handlers.menu import menu_reply
from handlers.register import birth, dialog
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
    return None


def _paused(ctx: Context, digest: str | None = None) -> list[Reply] | None:
    return _stopped(ctx, linking.blocked(ctx.session, ctx.account, digest, ctx.now))


@dialog.step(states=(LINK_CONSENT,), postbacks=(B.REG_CONSENT_LINK,))
def consent(incoming: Incoming, ctx: Context) -> list[Reply]:
    if (paused := _paused(ctx)) is not None:  # first: not even the notice while paused
        return paused
    if (answer := refused_or_unclear(incoming, ctx, LINK_CONSENT, B.REG_CONSENT_LINK)) is not None:
        return answer
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
    data = dialog.load(ctx)
    typed = incoming.text or ""
    if data.birth_date is None:  # nothing kept from a busy moment: the birth date is needed now
        born, retry = birth.read_answer(incoming, ctx)
        if born is None:
            return retry
    else:  # kept while the channel was busy: a new birth date replaces it, anything else checks it
        born = read_birth_date(ctx, typed)[0] if typed.strip() else None
        if born is None and linking.phone_key(typed) is not None:
            data.phone = typed  # the next step's answer, typed early: kept for it
        born = born or data.birth_date
    if data.id_hash is None:  # should not happen; ask the ID again rather than fail
        return dialog.enter(ctx, LINK_ID, data)
    attempt = linking.check_birth(ctx.session, ctx.account, id_hash=data.id_hash, birth_date=born,
                                  consent_at=data.consent_at or ctx.now,
                                  actor=accounts.chat_actor(ctx.account), at=ctx.now)
    if (stopped := _stopped(ctx, attempt)) is not None:
        return stopped
    kept = data.birth_date is not None
    birth.answered(data, born)
    if attempt.outcome == Outcome.BUSY:  # stay at the step, with the birth date kept
        dialog.save(ctx, data)
        return dialog.reprompt(ctx, ctx.t("register.link_busy_birth"))
    early_phone, data.phone = data.phone, None
    if early_phone is not None:
        ctx.set_state(LINK_PHONE, data.to_json())
        return _answer_phone(ctx, data, early_phone)
    return dialog.advance(ctx, data, ctx.t("register.link_birth_kept") if kept else None)


@dialog.step(states=(LINK_PHONE,))
def phone(incoming: Incoming, ctx: Context) -> list[Reply]:
    data = dialog.load(ctx)
    typed = incoming.contact_phone or incoming.text or ""
    if linking.phone_key(typed) is None and data.phone is not None:
        typed = data.phone  # kept while the channel was busy: checked now
    elif not typed.strip():
        return dialog.reprompt(ctx, ctx.t("register.need_text"))
    elif says_no_phone(typed):  # "ไม่มี": an answer like any (right only when none is on file)
        typed = ""
    elif linking.phone_key(typed) is None:  # not a phone number at all: a typo, not a try
        return dialog.reprompt(ctx, ctx.t("register.link_phone_unreadable"))
    return _answer_phone(ctx, data, typed)


def _answer_phone(ctx: Context, data: RegistrationData, typed: str) -> list[Reply]:
    if data.id_hash is None or data.birth_date is None:  # should not happen; start the details again
        return dialog.enter(ctx, LINK_ID, data)
    attempt = linking.check_phone(ctx.session, ctx.account, id_hash=data.id_hash, birth_date=data.birth_date,
                                  phone=typed, consent_at=data.consent_at or ctx.now,
                                  actor=accounts.chat_actor(ctx.account), at=ctx.now)
    if attempt.outcome == Outcome.BUSY:  # stay at the step, with the phone kept
        data.phone = typed
        dialog.save(ctx, data)
        return dialog.reprompt(ctx, ctx.t("register.link_busy_phone"))
    data.phone = None
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
