"""Language, my data (what is stored, masked) and delete my data."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select

from domain.thai import format_date, mask_national_id, mask_phone
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.intents import said
from handlers.menu import menu_reply
from locales import translate
from models import ChatAccount
from services import accounts

CHANNEL_NAMES = {"line": "LINE", "telegram": "Telegram", "simulator": "Simulator"}


# A language named in what was typed: "English", "ภาษาไทยค่ะ", "เปลี่ยนเป็นภาษาอังกฤษ".
_NAMED = {
    "en": re.compile(r"english|อังกฤษ|(?<![a-z])eng?(?![a-z])"),
    "th": re.compile(r"ไทย|(?<![a-z])th(?:ai)?(?![a-z])"),
}


def typed_language(text: str) -> str | None:
    """The one language a typed text names, or None (none, or both: "ภาษา / language")."""
    words = said(text)
    named = [code for code, pattern in _NAMED.items() if pattern.search(words)]
    return named[0] if len(named) == 1 else None


@handles(postbacks=(B.LANGUAGE, B.LANGUAGE_SET), intents=("language",))
def language(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.postback:
        choice: str | None = incoming.postback.removeprefix(B.LANGUAGE_SET)
    else:
        choice = typed_language(incoming.text or "")
    if choice in accounts.LANGUAGES:
        accounts.set_language(ctx.session, ctx.account, choice, actor=accounts.chat_actor(ctx.account))
        return [menu_reply(ctx, ctx.t("settings.language_set"))]
    return [Text(ctx.t("settings.choose_language"),
                 (Button("ภาษาไทย", B.LANGUAGE_SET + "th"), Button("English", B.LANGUAGE_SET + "en")))]


@handles(postbacks=(B.MY_DATA,), intents=("mydata",))
def my_data(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.in_group:
        return [Text(ctx.t("menu.private_only"))]
    delete_button = ctx.button("settings.btn_delete", B.DELETE)
    member = ctx.member
    if member is None:
        return [Text(ctx.t("settings.guest_data"), (delete_button, ctx.button("menu.btn_menu", B.MENU)))]
    loc = ctx.locale
    linked = ctx.session.scalars(
        select(ChatAccount.channel).where(ChatAccount.member_id == member.id).order_by(ChatAccount.channel)
    )
    # Consent is given by each link; an older link has only the member's (given when they applied).
    consent_at, version = ctx.account.consent_at, ctx.account.consent_version
    if consent_at is None:
        consent_at, version = member.consent_at, member.consent_version
    rows = [
        Row(ctx.t("settings.name"), member.full_name),
        Row(ctx.t("account.member_no"), member.member_no or "-"),
        Row(ctx.t("account.fund"), member.fund.name(loc)),
        Row(ctx.t("settings.national_id"), mask_national_id(member.national_id_last4)),
        Row(ctx.t("settings.birth_date"), format_date(member.birth_date, loc)),
        Row(ctx.t("settings.phone"), mask_phone(member.phone) if member.phone else "-"),
        Row(ctx.t("account.joined"), format_date(member.joined_on, loc)),
        Row(ctx.t("account.status"), ctx.t(f"common.status_{member.status.value}")),
        Row(ctx.t("settings.beneficiaries"),
            ", ".join(f"{b.name} ({b.relation})" for b in member.beneficiaries) or "-"),
        Row(ctx.t("settings.chats"), ", ".join(CHANNEL_NAMES.get(c, c) for c in linked)),
        Row(ctx.t("settings.language"), "ภาษาไทย" if loc == "th" else "English"),
        Row(ctx.t("settings.consent"),
            ctx.t("settings.consent_value", date=format_date(_local_day(ctx, consent_at), loc),
                  version=version or "-") if consent_at else "-"),
    ]
    return [Card(
        title=ctx.t("settings.mydata_title"),
        rows=tuple(rows),
        footer=ctx.t("settings.mydata_footer"),
        buttons=(delete_button, ctx.button("menu.btn_menu", B.MENU)),
    )]


def _local_day(ctx: Context, moment: datetime) -> date:
    """The day in the fund's time zone: a consent given at 06:58 in Bangkok is that day, not UTC's."""
    return moment.astimezone(ctx.now.tzinfo).date()


CONFIRM_DELETE = "del.confirm"  # the question was asked in this chat: only then does "yes" delete


@handles(postbacks=(B.DELETE, B.DELETE_YES), intents=("deletedata",), dialog="del")
def delete_my_data(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.in_group:
        return [Text(ctx.t("menu.private_only"))]
    member_id = ctx.member.id if ctx.member else None
    asked = ctx.state_name == CONFIRM_DELETE and ctx.state_data.get("member_id") == member_id
    if incoming.postback != B.DELETE_YES or not asked:
        # Asking is the only way to a deletion: a "yes" this chat was never asked for (typed,
        # forged, from an old message, after a timeout or for another link) asks first.
        ctx.set_state(CONFIRM_DELETE, {"member_id": member_id})
        key = "settings.delete_confirm_member" if ctx.member else "settings.delete_confirm_guest"
        text = ctx.t(key)
        if incoming.postback == B.DELETE_YES:
            text = f"{ctx.t('settings.delete_ask_first')}\n\n{text}"
        return [Text(text, (ctx.button("settings.btn_delete_yes", B.DELETE_YES),
                            ctx.button("menu.btn_cancel", B.CANCEL)))]
    locale = ctx.locale
    removed = accounts.forget_chat(ctx.session, ctx.account, actor=accounts.chat_actor(ctx.account),
                                   at=ctx.now)
    ctx.state = None  # deleted with the chat's data
    return [Text(translate(locale, "settings.deleted_application" if removed else "settings.deleted"))]
