"""What each registration step asks, with its buttons. One function per step (see `steps`)."""

from __future__ import annotations

from datetime import date

from domain.thai import BE_OFFSET, format_date, format_phone, mask_national_id, mask_phone
from domain.thai_dates import age_on
from handlers import buttons as B
from handlers.base import Button, Card, Context, Row, Text
from handlers.formatting import fund_labels, shorten
from handlers.register.data import RegistrationData
from handlers.register.funds import all_funds, district_label, fund_by_ref, fund_data, offered_funds

MAX_CHOICES = 12  # LINE shows at most 13 quick replies; one is "cancel"

Prompt = Text | Card


def cancel(ctx: Context) -> Button:
    return ctx.button("menu.btn_cancel", B.CANCEL)


def choose(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.ask_kind"), (
        ctx.button("register.btn_link", B.REG_LINK), ctx.button("register.btn_apply", B.REG_APPLY),
        cancel(ctx)))


def link_consent(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.link_notice"),
                (ctx.button("register.btn_consent", B.REG_CONSENT_LINK), cancel(ctx)))


def apply_consent(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.apply_notice"), (
        ctx.button("register.btn_consent", B.REG_CONSENT_APPLY),
        ctx.button("register.btn_decline", B.REG_DECLINE),
        cancel(ctx)))


def _tail(ctx: Context, data: RegistrationData) -> tuple[Button, ...]:
    """The last buttons of a step: back to the summary when it was opened from there, and cancel."""
    back = (ctx.button("register.btn_review", B.REG_REVIEW),) if data.editing else ()
    return (*back, cancel(ctx))


def national_id(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.ask_id"), _tail(ctx, data))


def birth_date(ctx: Context, data: RegistrationData) -> Prompt:
    """The question, or, after a two-digit year that reads two ways, which year it meant (`birth`)."""
    if data.birth_choices:
        return Text(birth_question(ctx, data),
                    (*(choice_button(ctx, born) for born in choices(data)), *_tail(ctx, data)))
    return Text(ctx.t("register.ask_birth"), _tail(ctx, data))


def with_age(ctx: Context, born: date) -> str:
    """"15 มกราคม 2510 (อายุ 59 ปี)": the age makes a wrong year plain to see."""
    return ctx.t("register.birth_with_age", date=format_date(born, ctx.locale),
                 age=age_on(born, ctx.today))


def choices(data: RegistrationData) -> list[date]:
    return [date.fromisoformat(c) for c in data.birth_choices]


def choice_button(ctx: Context, born: date) -> Button:
    year = born.year + BE_OFFSET if ctx.locale == "th" else born.year
    return Button(ctx.t("register.btn_birth_year", year=year), B.REG_BIRTH_YEAR + born.strftime("%Y%m%d"))


def birth_question(ctx: Context, data: RegistrationData) -> str:
    lines = "\n".join(f"• {with_age(ctx, born)}" for born in choices(data))
    key = "register.ask_birth_year" if len(data.birth_choices) > 1 else "register.ask_birth_year_one"
    return ctx.t(key, choices=lines)


def name(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.ask_name"), _tail(ctx, data))


def phone(ctx: Context, data: RegistrationData) -> Prompt:
    """A mobile or a landline, typed; or none, by the button or in words."""
    text = ctx.t("register.ask_phone")
    # A channel with a "share my number" button (Telegram) gets it, and a line saying so.
    shareable = ctx.account.channel == "telegram"
    if shareable:
        text += "\n" + ctx.t("register.ask_phone_telegram")
    return Text(text, (ctx.button("register.btn_no_phone", B.REG_NO_PHONE), *_tail(ctx, data)),
                request_contact=shareable)


def link_phone(ctx: Context, data: RegistrationData) -> Prompt:
    """The phone number on file, typed to be compared: the one on file is never shown."""
    text = ctx.t("register.ask_link_phone")
    shareable = ctx.account.channel == "telegram"
    if shareable:
        text += "\n" + ctx.t("register.ask_phone_telegram")
    return Text(text, (cancel(ctx),), request_contact=shareable)


def district(ctx: Context, data: RegistrationData) -> Prompt:
    funds = all_funds(ctx)
    labels = [district_label(ctx, funds, d) for d in data.districts]
    listing = "\n".join(f"{i}. {label}" for i, label in enumerate(labels, 1))
    buttons = tuple(Button(shorten(label), f"{B.REG_DISTRICT}{i}")
                    for i, label in enumerate(labels[:MAX_CHOICES - 1]))
    return Text(ctx.t("register.ask_district", districts=listing), (*buttons, *_tail(ctx, data)))


def fund(ctx: Context, data: RegistrationData) -> Prompt:
    funds = offered_funds(ctx, data)
    listing = "\n".join(f"{i}. {f.name(ctx.locale)}" for i, f in enumerate(funds, 1))
    labels = fund_labels(funds, ctx.locale)
    room = MAX_CHOICES - 1 - (len(data.districts) > 1)
    buttons = [Button(label, fund_data(f)) for f, label in zip(funds[:room], labels, strict=False)]
    if len(data.districts) > 1:
        buttons.append(ctx.button("register.btn_other_district", B.REG_DISTRICTS))
    where = district_label(ctx, funds, data.district) if funds else ""
    return Text(ctx.t("register.ask_fund", district=where, funds=listing), (*buttons, *_tail(ctx, data)))


# The answers the summary can change one at a time: the button's field and its label.
EDITS = (("name", "register.btn_edit_name"), ("id", "register.btn_edit_id"),
         ("birth", "register.btn_edit_birth"), ("phone", "register.btn_edit_phone"),
         ("fund", "register.btn_edit_fund"))


def shown_phone(ctx: Context, data: RegistrationData) -> str:
    """In full in the applicant's own chat (where registration only ever happens), masked elsewhere."""
    if data.phone is None:
        return ctx.t("register.no_phone_row") if data.no_phone else "-"
    return mask_phone(data.phone) if ctx.extras.get("in_group") else format_phone(data.phone)


def current_value(ctx: Context, data: RegistrationData, field: str) -> str:
    """One answer as the summary shows it, said again when it is being changed."""
    chosen = fund_by_ref(ctx, data.fund)
    return {
        "name": f"{data.first_name} {data.last_name}",
        "id": mask_national_id(data.id_last4 or "0000"),
        "birth": with_age(ctx, data.birth_date) if data.birth_date else "-",
        "phone": shown_phone(ctx, data),
        "fund": chosen.name(ctx.locale) if chosen else "-",
    }.get(field, "-")


def summary(ctx: Context, data: RegistrationData) -> Prompt:
    """Every answer, and a button per answer to change only that one (7 buttons: within LINE's 13
    quick replies, and one tap from the summary to the question)."""
    chosen = fund_by_ref(ctx, data.fund)
    return Card(
        title=ctx.t("register.summary_title"),
        rows=(
            Row(ctx.t("register.row_name"), f"{data.first_name} {data.last_name}"),
            Row(ctx.t("register.row_id"), mask_national_id(data.id_last4 or "")),
            Row(ctx.t("register.row_birth"), with_age(ctx, data.birth_date) if data.birth_date else "-"),
            Row(ctx.t("register.row_phone"), shown_phone(ctx, data)),
            Row(ctx.t("register.row_district"), chosen.district(ctx.locale) if chosen else "-"),
            Row(ctx.t("register.row_fund"), chosen.name(ctx.locale) if chosen else "-"),
        ),
        footer=ctx.t("register.summary_footer"),
        buttons=(ctx.button("register.btn_confirm", B.REG_CONFIRM),
                 *(ctx.button(key, B.REG_EDIT + field) for field, key in EDITS), cancel(ctx)),
        alt_text=ctx.t("register.summary_title"),
    )
