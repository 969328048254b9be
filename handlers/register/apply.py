"""Applying to join a fund: consent, name, national ID, birth date, mobile, district, fund, confirm."""

from __future__ import annotations

from datetime import date

from domain.thai import format_baht, mask_phone, normalize_text, parse_mobile, strip_polite
from handlers import buttons as B
from handlers.base import Context, Incoming, Reply
from handlers.menu import menu_reply
from handlers.register import dialog
from handlers.register.consent import not_an_answer, refused_or_unclear
from handlers.register.data import (
    APPLY_BIRTH,
    APPLY_CONFIRM,
    APPLY_CONSENT,
    APPLY_DISTRICT,
    APPLY_FUND,
    APPLY_ID,
    APPLY_NAME,
    APPLY_PHONE,
    RegistrationData,
)
from handlers.register.funds import all_funds, district_label, fund_by_ref, fund_data, funds_in
from handlers.register.reading import id_hash, read_birth_date, read_name, read_national_id
from handlers.register.steps import after
from services import accounts, linking, membership
from services.errors import NotFound


@dialog.step(states=(APPLY_CONSENT,), postbacks=(B.REG_CONSENT_APPLY,))
def consent(incoming: Incoming, ctx: Context) -> list[Reply]:
    if (answer := refused_or_unclear(incoming, ctx, APPLY_CONSENT, B.REG_CONSENT_APPLY)) is not None:
        return answer
    data = RegistrationData(consent_at=ctx.now)
    return dialog.enter(ctx, after(APPLY_CONSENT), data, ctx.t("register.thanks_consent"))


@dialog.step(states=(APPLY_NAME,))
def name(incoming: Incoming, ctx: Context) -> list[Reply]:
    def keep(data: RegistrationData, full: tuple[str, str]) -> None:
        data.first_name, data.last_name = full

    return dialog.take_typed(incoming, ctx, read_name, keep)


@dialog.step(states=(APPLY_ID,))
def national_id(incoming: Incoming, ctx: Context) -> list[Reply]:
    """Whether the ID is on a roster is not said here (nor anywhere): see `confirm`."""
    def keep(data: RegistrationData, digits: str) -> None:
        data.id_hash, data.id_last4 = id_hash(ctx, digits), digits[-4:]

    return dialog.take_typed(incoming, ctx, read_national_id, keep)


@dialog.step(states=(APPLY_BIRTH,))
def birth_date(incoming: Incoming, ctx: Context) -> list[Reply]:
    def keep(data: RegistrationData, born: date) -> None:
        data.birth_date = born

    return dialog.take_typed(incoming, ctx, read_birth_date, keep)


@dialog.step(states=(APPLY_PHONE,))
def phone(incoming: Incoming, ctx: Context) -> list[Reply]:
    number = parse_mobile(incoming.contact_phone or incoming.text or "")
    if number is None:
        return dialog.reprompt(ctx, ctx.t("register.phone_invalid"))
    data = dialog.load(ctx)
    data.phone = number
    return dialog.advance(ctx, data)


def _choosing(ctx: Context) -> RegistrationData | None:
    """The dialog's data when a district or fund may be chosen now (else the button is stale)."""
    data = dialog.load(ctx)
    on_path = (ctx.state_name or "").startswith("reg.apply.")
    return data if on_path and data.has_contact_details else None


def _pressed(incoming: Incoming, ctx: Context) -> str | None:
    """The button pressed, or the button whose label was typed."""
    return incoming.postback or dialog.typed_button(ctx, incoming.text or "")


@dialog.step(states=(APPLY_DISTRICT,), postbacks=(B.REG_DISTRICT, B.REG_DISTRICTS))
def district(incoming: Incoming, ctx: Context) -> list[Reply]:
    data = _choosing(ctx)
    if data is None:
        return dialog.stale(ctx)
    pressed = _pressed(incoming, ctx)
    if pressed == B.REG_DISTRICTS:  # "another district", from the fund step
        return dialog.enter(ctx, APPLY_DISTRICT, data)
    if pressed is not None and pressed.startswith(B.REG_FUND):
        return fund(incoming, ctx)
    if pressed is not None:
        index = pressed.removeprefix(B.REG_DISTRICT)
    elif (index := _typed_district(ctx, data, incoming.text or "")) is None:
        return dialog.no_such_number(ctx, incoming.text or "", len(data.districts)) \
            or not_an_answer(incoming, ctx)
    if not index.isdigit() or int(index) >= len(data.districts):
        return dialog.stale(ctx)
    data.district = data.districts[int(index)]
    data.fund = None
    return dialog.enter(ctx, APPLY_FUND, data)


def _typed_district(ctx: Context, data: RegistrationData, text: str) -> str | None:
    said = strip_polite(normalize_text(text))
    funds = all_funds(ctx)
    for i, name in enumerate(data.districts):
        labels = {normalize_text(name), normalize_text(district_label(ctx, funds, name))}
        if said in labels or said == str(i + 1):
            return str(i)
    return None


@dialog.step(states=(APPLY_FUND,), postbacks=(B.REG_FUND,))
def fund(incoming: Incoming, ctx: Context) -> list[Reply]:
    data = _choosing(ctx)
    if data is None:
        return dialog.stale(ctx)
    pressed = _pressed(incoming, ctx)
    if pressed is not None and not pressed.startswith(B.REG_FUND):
        return district(incoming, ctx)  # "another district"
    if pressed is not None:
        ref = pressed.removeprefix(B.REG_FUND)
    elif (ref := _typed_fund(ctx, data, incoming.text or "")) is None:
        return dialog.no_such_number(ctx, incoming.text or "", len(funds_in(ctx, data.district))) \
            or not_an_answer(incoming, ctx)
    chosen = fund_by_ref(ctx, ref)
    if chosen is None:
        return dialog.stale(ctx)
    data.fund = chosen.code
    data.district = chosen.district_th
    return dialog.enter(ctx, APPLY_CONFIRM, data)


def _typed_fund(ctx: Context, data: RegistrationData, text: str) -> str | None:
    said = strip_polite(normalize_text(text))
    for i, candidate in enumerate(funds_in(ctx, data.district), 1):
        names = {normalize_text(candidate.name_th), normalize_text(candidate.name_en),
                 normalize_text(candidate.code)}
        if said in names or said == str(i):
            return fund_data(candidate).removeprefix(B.REG_FUND)
    return None


@dialog.step(states=(APPLY_CONFIRM,), postbacks=(B.REG_CONFIRM,))
def confirm(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.postback != B.REG_CONFIRM and dialog.typed_button(ctx, incoming.text or "") != B.REG_CONFIRM:
        return not_an_answer(incoming, ctx)
    data = _choosing(ctx)
    if ctx.state_name != APPLY_CONFIRM or data is None:
        return dialog.stale(ctx)
    chosen = fund_by_ref(ctx, data.fund)
    if chosen is None:  # removed meanwhile: choose again
        return dialog.enter(ctx, APPLY_DISTRICT, data)
    assert data.first_name and data.last_name and data.id_hash and data.id_last4 and data.birth_date
    assert data.phone and data.consent_at
    application = membership.Application(
        fund_id=chosen.id, first_name=data.first_name, last_name=data.last_name, id_hash=data.id_hash,
        id_last4=data.id_last4, birth_date=data.birth_date, phone=data.phone, consent_at=data.consent_at)
    if linking.channel_busy(ctx.session, ctx.account.channel, ctx.now):  # stay: confirm again later
        return dialog.reprompt(ctx, ctx.t("register.apply_busy"))
    try:
        membership.apply(ctx.session, ctx.account, application, actor=accounts.chat_actor(ctx.account),
                         at=ctx.now, today=ctx.today)
    except NotFound:
        return dialog.enter(ctx, APPLY_DISTRICT, data)
    # The same answer, and afterwards the same pending application, when the ID was on a roster
    # already (the committees are told): what an applicant reads must not say who is on a roster.
    ctx.clear_state()
    text = ctx.t("register.applied", fund=chosen.name(ctx.locale), phone=mask_phone(data.phone),
                 dues=format_baht(chosen.dues_per_month, ctx.locale))
    return [menu_reply(ctx, text)]
