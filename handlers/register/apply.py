"""Applying to join a fund: consent, name, national ID, birth date, phone (or none), district, fund, and a
summary that sends the application or changes one answer at a time."""

from __future__ import annotations

from dataclasses import replace

from domain.thai import format_baht, mask_phone, normalize_text, parse_phone, says_no_phone, strip_polite
from handlers import buttons as B
from handlers.base import Context, Incoming, Reply
from handlers.menu import menu_reply
from handlers.register import birth, dialog
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
from handlers.register.funds import all_funds, district_label, fund_by_ref, fund_data, funds_in, offered_funds
from handlers.register.places import Place, Tambon, find_place
from handlers.register.prompts import current_value
from handlers.register.reading import id_hash, read_name, read_national_id
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
    """A date typed, or which year a two-digit year meant (`birth`): a child's age is not refused
    (parents register children), and the summary shows the age beside the date."""
    if dialog.typed_button(ctx, incoming.text or "") == B.REG_REVIEW:  # "back to the summary", typed
        return dialog.back_to_summary(ctx)
    born, retry = birth.read_answer(incoming, ctx)
    if born is None:
        return retry
    data = dialog.load(ctx)
    birth.answered(data, born)
    return dialog.advance(ctx, data)


@dialog.step(states=(APPLY_PHONE,), postbacks=(B.REG_NO_PHONE,))
def phone(incoming: Incoming, ctx: Context) -> list[Reply]:
    """A mobile or a landline (typed, or shared from Telegram), or none at all: then the committee
    contacts the applicant another way, and the application holds no phone."""
    typed = incoming.text or ""
    at_step = ctx.state_name == APPLY_PHONE
    pressed = incoming.postback or (dialog.typed_button(ctx, typed) if at_step else None)
    if pressed == B.REG_REVIEW:
        return dialog.back_to_summary(ctx)
    if pressed == B.REG_NO_PHONE or (not incoming.contact_phone and says_no_phone(typed)):
        if not at_step:
            return dialog.stale(ctx)
        data = dialog.load(ctx)
        data.phone, data.no_phone = None, True
        return dialog.advance(ctx, data, ctx.t("register.no_phone_ok"))
    if not (incoming.contact_phone or typed).strip():
        return dialog.reprompt(ctx, ctx.t("register.need_text"))
    number = parse_phone(incoming.contact_phone or typed)
    if number is None:
        return dialog.reprompt(ctx, ctx.t("register.phone_invalid"))
    data = dialog.load(ctx)
    data.phone, data.no_phone = number, False
    return dialog.advance(ctx, data)


# What each "edit" button of the summary opens: the one question that answer came from.
EDIT_STEPS = {"name": APPLY_NAME, "id": APPLY_ID, "birth": APPLY_BIRTH, "phone": APPLY_PHONE,
              "fund": APPLY_DISTRICT}


@dialog.step(postbacks=(B.REG_EDIT, B.REG_REVIEW))
def edit(incoming: Incoming, ctx: Context) -> list[Reply]:
    """From the summary: ask only the question of the answer to change, then back to the summary."""
    data = _choosing(ctx)
    if data is None:
        return dialog.stale(ctx)
    if incoming.postback == B.REG_REVIEW:
        return dialog.back_to_summary(ctx)
    field = (incoming.postback or "").removeprefix(B.REG_EDIT)
    if ctx.state_name != APPLY_CONFIRM or field not in EDIT_STEPS:
        return dialog.stale(ctx)
    data.editing = field
    now = current_value(ctx, data, field)
    return dialog.enter(ctx, EDIT_STEPS[field], data,
                        ctx.t("register.edit_intro") + "\n" + ctx.t("register.edit_now", value=now))


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
    """A district pressed or typed, or a ตำบล typed ("ต.ป่าคลอก", with a typo too): its district,
    with the ตำบล's own funds first at the next step."""
    data = _choosing(ctx)
    if data is None:
        return dialog.stale(ctx)
    pressed = _pressed(incoming, ctx)
    if pressed == B.REG_DISTRICTS:  # "another district", from the fund step
        return dialog.enter(ctx, APPLY_DISTRICT, data)
    if pressed == B.REG_REVIEW:
        return dialog.back_to_summary(ctx)
    if pressed is not None and pressed.startswith(B.REG_FUND):
        return fund(incoming, ctx)
    intro = None
    if pressed is not None:
        index = pressed.removeprefix(B.REG_DISTRICT)
        data.tambon = None
    else:
        typed = _typed_district(ctx, data, incoming.text or "")
        if typed is None:
            return dialog.no_such_number(ctx, incoming.text or "", len(data.districts)) \
                or not_an_answer(incoming, ctx)
        index, place = typed
        data.tambon = place.tambon.name_th if place and place.tambon else None
        if place is not None and place.tambon is not None:
            intro = _tambon_intro(ctx, data, place.tambon)
    if not index.isdigit() or int(index) >= len(data.districts):
        return dialog.stale(ctx)
    data.district = data.districts[int(index)]
    if data.editing != "fund":  # while changing the fund, the one chosen stays until another is
        data.fund = None
    return dialog.enter(ctx, APPLY_FUND, data, intro)


def _typed_district(ctx: Context, data: RegistrationData, text: str) -> tuple[str, Place | None] | None:
    """The index of the district typed (its name, number, or one of its ตำบล), and the place."""
    said = strip_polite(normalize_text(text))
    if said.isdigit() and 1 <= int(said) <= len(data.districts):
        return str(int(said) - 1), None
    funds = all_funds(ctx)
    labels = {name: district_label(ctx, funds, name) for name in data.districts}
    place = find_place(text, data.districts, labels)
    if place is None:
        return None
    return str(data.districts.index(place.district)), place


def _tambon_intro(ctx: Context, data: RegistrationData, tambon: Tambon) -> str:
    funds = all_funds(ctx)
    district_name = district_label(ctx, funds, tambon.district_th)
    name = tambon.name_th if ctx.locale == "th" else tambon.name_en
    covered = any(tambon.covered_by(f) for f in funds_in(ctx, tambon.district_th))
    key = "register.tambon_funds_first" if covered else "register.tambon_found"
    return ctx.t(key, tambon=name, district=district_name)


@dialog.step(states=(APPLY_FUND,), postbacks=(B.REG_FUND,))
def fund(incoming: Incoming, ctx: Context) -> list[Reply]:
    data = _choosing(ctx)
    if data is None:
        return dialog.stale(ctx)
    pressed = _pressed(incoming, ctx)
    if pressed == B.REG_REVIEW:
        return dialog.back_to_summary(ctx)
    if pressed is not None and not pressed.startswith(B.REG_FUND):
        return district(incoming, ctx)  # "another district"
    if pressed is not None:
        ref = pressed.removeprefix(B.REG_FUND)
    elif (ref := _typed_fund(ctx, data, incoming.text or "")) is None:
        return dialog.no_such_number(ctx, incoming.text or "", len(offered_funds(ctx, data))) \
            or not_an_answer(incoming, ctx)
    chosen = fund_by_ref(ctx, ref)
    if chosen is None:
        return dialog.stale(ctx)
    data.fund = chosen.code
    data.district = chosen.district_th
    return dialog.enter(ctx, APPLY_CONFIRM, data)


def _typed_fund(ctx: Context, data: RegistrationData, text: str) -> str | None:
    said = strip_polite(normalize_text(text))
    for i, candidate in enumerate(offered_funds(ctx, data), 1):
        names = {normalize_text(candidate.name_th), normalize_text(candidate.name_en),
                 normalize_text(candidate.code)}
        if said in names or said == str(i):
            return fund_data(candidate).removeprefix(B.REG_FUND)
    return None


@dialog.step(states=(APPLY_CONFIRM,), postbacks=(B.REG_CONFIRM,))
def confirm(incoming: Incoming, ctx: Context) -> list[Reply]:
    typed = dialog.typed_button(ctx, incoming.text or "") if ctx.state_name == APPLY_CONFIRM else None
    if typed is not None and typed.startswith(B.REG_EDIT):  # "แก้วันเกิด" typed
        return edit(replace(incoming, postback=typed, text=None), ctx)
    if incoming.postback != B.REG_CONFIRM and typed != B.REG_CONFIRM:
        return not_an_answer(incoming, ctx)
    data = _choosing(ctx)
    if ctx.state_name != APPLY_CONFIRM or data is None:
        return dialog.stale(ctx)
    chosen = fund_by_ref(ctx, data.fund)
    if chosen is None:  # removed meanwhile: choose again
        return dialog.enter(ctx, APPLY_DISTRICT, data)
    assert data.first_name and data.last_name and data.id_hash and data.id_last4 and data.birth_date
    assert (data.phone or data.no_phone) and data.consent_at
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
    dues = format_baht(chosen.dues_per_month, ctx.locale)
    if data.phone is None:
        text = ctx.t("register.applied_no_phone", fund=chosen.name(ctx.locale), dues=dues)
    else:
        text = ctx.t("register.applied", fund=chosen.name(ctx.locale), phone=mask_phone(data.phone),
                     dues=dues)
    return [menu_reply(ctx, text)]
