"""What each registration step asks, with its buttons. One function per step (see `steps`)."""

from __future__ import annotations

from domain.thai import format_date, mask_national_id, mask_phone
from handlers import buttons as B
from handlers.base import Button, Card, Context, Row, Text
from handlers.formatting import fund_labels, shorten
from handlers.register.data import RegistrationData
from handlers.register.funds import all_funds, district_label, fund_by_ref, fund_data, funds_in

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


def national_id(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.ask_id"), (cancel(ctx),))


def birth_date(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.ask_birth"), (cancel(ctx),))


def name(ctx: Context, data: RegistrationData) -> Prompt:
    return Text(ctx.t("register.ask_name"), (cancel(ctx),))


def phone(ctx: Context, data: RegistrationData) -> Prompt:
    text = ctx.t("register.ask_phone")
    # A channel with a "share my number" button (Telegram) gets it, and a line saying so.
    shareable = ctx.account.channel == "telegram"
    if shareable:
        text += "\n" + ctx.t("register.ask_phone_telegram")
    return Text(text, (cancel(ctx),), request_contact=shareable)


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
                    for i, label in enumerate(labels[:MAX_CHOICES]))
    return Text(ctx.t("register.ask_district", districts=listing), (*buttons, cancel(ctx)))


def fund(ctx: Context, data: RegistrationData) -> Prompt:
    funds = funds_in(ctx, data.district)
    listing = "\n".join(f"{i}. {f.name(ctx.locale)}" for i, f in enumerate(funds, 1))
    labels = fund_labels(funds, ctx.locale)
    buttons = [Button(label, fund_data(f)) for f, label in zip(funds[:MAX_CHOICES], labels, strict=False)]
    if len(data.districts) > 1:
        buttons.append(ctx.button("register.btn_other_district", B.REG_DISTRICTS))
    where = district_label(ctx, funds, data.district) if funds else ""
    return Text(ctx.t("register.ask_fund", district=where, funds=listing), (*buttons, cancel(ctx)))


def summary(ctx: Context, data: RegistrationData) -> Prompt:
    chosen = fund_by_ref(ctx, data.fund)
    return Card(
        title=ctx.t("register.summary_title"),
        rows=(
            Row(ctx.t("register.row_name"), f"{data.first_name} {data.last_name}"),
            Row(ctx.t("register.row_id"), mask_national_id(data.id_last4 or "")),
            Row(ctx.t("register.row_birth"),
                format_date(data.birth_date, ctx.locale) if data.birth_date else "-"),
            Row(ctx.t("register.row_phone"), mask_phone(data.phone or "")),
            Row(ctx.t("register.row_fund"), chosen.name(ctx.locale) if chosen else "-"),
        ),
        footer=ctx.t("register.summary_footer"),
        buttons=(ctx.button("register.btn_confirm", B.REG_CONFIRM), cancel(ctx)),
        alt_text=ctx.t("register.summary_title"),
    )
