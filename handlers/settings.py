"""Language, my data (what is stored, masked) and delete my data."""

from __future__ import annotations

from sqlalchemy import delete, select

from domain.thai import format_date, mask_national_id, mask_phone
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.menu import menu_reply
from locales import translate
from models import Beneficiary, ChatAccount, DialogState, Member, MemberStatus, audit

CHANNEL_NAMES = {"line": "LINE", "telegram": "Telegram", "simulator": "Simulator"}


@handles(postbacks=("lang", "lang:"), intents=("language",))
def language(incoming: Incoming, ctx: Context) -> list[Reply]:
    choice = (incoming.postback or "").removeprefix("lang:")
    if choice in ("th", "en"):
        ctx.account.locale = choice
        if ctx.member is not None:
            ctx.member.preferred_language = choice
        return [menu_reply(ctx, ctx.t("settings.language_set"))]
    return [Text(ctx.t("settings.choose_language"),
                 (Button("ภาษาไทย", "lang:th"), Button("English", "lang:en")))]


@handles(postbacks=("mydata",), intents=("mydata",))
def my_data(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.in_group:
        return [Text(ctx.t("menu.private_only"))]
    delete_button = ctx.button("settings.btn_delete", "del")
    member = ctx.member
    if member is None:
        return [Text(ctx.t("settings.guest_data"), (delete_button, ctx.button("menu.btn_menu", "menu")))]
    loc = ctx.locale
    linked = ctx.session.scalars(
        select(ChatAccount.channel).where(ChatAccount.member_id == member.id).order_by(ChatAccount.channel)
    )
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
            ctx.t("settings.consent_value", date=format_date(member.consent_at.date(), loc),
                  version=member.consent_version or "-") if member.consent_at else "-"),
    ]
    return [Card(
        title=ctx.t("settings.mydata_title"),
        rows=tuple(rows),
        footer=ctx.t("settings.mydata_footer"),
        buttons=(delete_button, ctx.button("menu.btn_menu", "menu")),
    )]


@handles(postbacks=("del", "del:"), intents=("deletedata",))
def delete_my_data(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.in_group:
        return [Text(ctx.t("menu.private_only"))]
    if incoming.postback != "del:yes":
        key = "settings.delete_confirm_member" if ctx.member else "settings.delete_confirm_guest"
        return [Text(ctx.t(key), (ctx.button("settings.btn_delete_yes", "del:yes"),
                                  ctx.button("menu.btn_cancel", "cancel")))]
    account = ctx.account
    member: Member | None = account.member
    locale = account.locale
    removed_application = False
    if member is not None and member.status == MemberStatus.PENDING:
        others = ctx.session.scalar(
            select(ChatAccount.id).where(ChatAccount.member_id == member.id, ChatAccount.id != account.id))
        if others is None:
            # An application the committee never approved is not yet a fund record: remove it.
            account.member_id = None
            ctx.session.flush()
            ctx.session.execute(delete(Beneficiary).where(Beneficiary.member_id == member.id))
            ctx.session.delete(member)
            removed_application = True
    ctx.session.execute(delete(DialogState).where(
        DialogState.channel == account.channel, DialogState.external_user_id == account.external_user_id))
    ctx.state = None
    audit(ctx.session, f"{account.channel}:{account.id}", "chat.delete", "chat_account", account.id,
          channel=account.channel, application_removed=removed_application)
    ctx.session.delete(account)
    key = "settings.deleted_application" if removed_application else "settings.deleted"
    return [Text(translate(locale, key))]
