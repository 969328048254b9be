"""Language, my data (what is stored, masked) and delete my data."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select

from domain.thai import format_date, format_month, mask_national_id, mask_phone
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.intents import said
from handlers.menu import menu_reply
from locales import channel_name, relation_name, translate
from models import ChatAccount, MemberStatus
from services import accounts

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
        return [Text(guest_data(ctx), (delete_button, ctx.button("menu.btn_menu", B.MENU)))]
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
        Row(ctx.t("settings.applied" if member.status == MemberStatus.PENDING else "account.joined"),
            format_date(member.joined_on, loc)),
        Row(ctx.t("account.status"), ctx.t(f"common.status_{member.status.value}")),
        Row(ctx.t("settings.beneficiaries"),
            ", ".join(f"{b.name} ({relation_name(loc, b.relation)})" for b in member.beneficiaries) or "-"),
        Row(ctx.t("settings.chats"), ", ".join(channel_name(loc, c) for c in linked)),
        Row(ctx.t("settings.language"), "ภาษาไทย" if loc == "th" else "English"),
        Row(ctx.t("settings.consent"),
            ctx.t("settings.consent_value", date=format_date(_local_day(ctx, consent_at), loc),
                  version=edition(ctx, version)) if consent_at else "-"),
    ]
    return [Card(
        title=ctx.t("settings.mydata_title"),
        rows=tuple(rows),
        footer=ctx.t("settings.mydata_footer"),
        buttons=(ctx.button("settings.btn_notifications", B.NOTIFICATIONS), delete_button,
                 ctx.button("menu.btn_menu", B.MENU)),
    )]


def edition(ctx: Context, version: str | None) -> str:
    """The privacy notice's version as a reader says it: "2026-11" is "ฉบับเดือนพฤศจิกายน 2569"
    in Thai and "November 2026 edition" in English; another shape is shown as stored."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", version or "")
    if found and 1 <= int(found.group(2)) <= 12:
        month = format_month(int(found.group(1)), int(found.group(2)), ctx.locale)
        return ctx.t("settings.edition_month", month=month)
    return ctx.t("settings.edition", version=version or "-")


def guest_data(ctx: Context) -> str:
    """What a chat that is not linked holds, read from what is stored for it: always its user id
    and language; a name from the app, a link waiting for the committee, a consent, failed link
    attempts and an unfinished registration when there are some."""
    account, loc = ctx.account, ctx.locale
    lines = [ctx.t("settings.guest_data"),
             ctx.t("settings.guest_user_id", channel=channel_name(loc, account.channel)),
             ctx.t("settings.guest_language", language="ภาษาไทย" if loc == "th" else "English")]
    if account.display_name:
        lines.append(ctx.t("settings.guest_display_name", name=account.display_name))
    if account.pending_member_id is not None:
        since = format_date(_local_day(ctx, account.pending_since), loc) if account.pending_since else "-"
        lines.append(ctx.t("settings.guest_pending_link", date=since))
    if account.consent_at is not None:
        given = format_date(_local_day(ctx, account.consent_at), loc)
        version = edition(ctx, account.consent_version)
        lines.append(ctx.t("settings.guest_consent", date=given, version=version))
    failures = accounts.failed_link_count(ctx.session, account)
    if failures:
        lines.append(ctx.t("settings.guest_failed", count=failures))
    if (ctx.state_name or "").startswith("reg."):
        lines.append(ctx.t("settings.guest_registration"))
    return "\n".join(lines)


def _local_day(ctx: Context, moment: datetime) -> date:
    """The day in the fund's time zone: a consent given at 06:58 in Bangkok is that day, not UTC's."""
    return moment.astimezone(ctx.now.tzinfo).date()


CONFIRM_DELETE = "del.confirm"  # the question was asked in this chat: only then does "yes" delete


# Typed at the question, with or without polite particles ("ใช่ค่ะ", "ลบเลยครับ"); "ยกเลิก" and the
# other cancel words end the question in the router, as everywhere.
YES_WORDS = frozenset({"ใช่", "ยืนยัน", "ยืนยันลบ", "ยืนยันลบข้อมูล", "ลบ", "ลบเลย", "ลบได้", "ลบข้อมูล",
                       "ตกลง", "โอเค", "ได้", "yes", "y", "ok", "okay", "confirm", "delete", "yes, delete"})
NO_WORDS = frozenset({"ไม่", "ไม่ใช่", "ไม่ลบ", "ไม่ต้อง", "ไม่ต้องลบ", "ไม่ยืนยัน", "no", "n", "don't", "keep"})


@handles(postbacks=(B.DELETE, B.DELETE_YES), intents=("deletedata",), dialog="del")
def delete_my_data(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.in_group:
        return [Text(ctx.t("menu.private_only"))]
    member_id = ctx.member.id if ctx.member else None
    asked = ctx.state_name == CONFIRM_DELETE and ctx.state_data.get("member_id") == member_id
    if incoming.postback != B.DELETE_YES or not asked:
        # Asking is the only way to a deletion: a "yes" this chat was never asked for (typed,
        # forged, from an old message, after a timeout or for another link) asks first.
        prefix = ctx.t("settings.delete_ask_first") if incoming.postback == B.DELETE_YES else None
        return _ask(ctx, prefix)
    return _delete(ctx)


@handles(states=(CONFIRM_DELETE,))
def delete_typed(incoming: Incoming, ctx: Context) -> list[Reply]:
    """An answer typed at the question: yes deletes, no keeps everything, anything else asks again."""
    words = said(incoming.text or "")
    if words in YES_WORDS or words == said(ctx.t("settings.btn_delete_yes")):
        member_id = ctx.member.id if ctx.member else None
        if ctx.state_data.get("member_id") != member_id:  # asked for another link: ask again
            return _ask(ctx, ctx.t("settings.delete_ask_first"))
        return _delete(ctx)
    if words in NO_WORDS:
        ctx.clear_state()
        return [menu_reply(ctx, ctx.t("settings.delete_kept"))]
    return _ask(ctx, ctx.t("settings.delete_yes_or_no"))


def _ask(ctx: Context, prefix: str | None = None) -> list[Reply]:
    ctx.set_state(CONFIRM_DELETE, {"member_id": ctx.member.id if ctx.member else None})
    if ctx.member is None:
        text = ctx.t("settings.delete_confirm_guest")
    else:
        text = ctx.t("settings.delete_confirm_member")
        if accounts.application_goes_with_chat(ctx.session, ctx.account):
            text += "\n" + ctx.t("settings.delete_confirm_application")
    if prefix:
        text = f"{prefix}\n\n{text}"
    return [Text(text, (ctx.button("settings.btn_delete_yes", B.DELETE_YES),
                        ctx.button("menu.btn_cancel", B.CANCEL)))]


def _delete(ctx: Context) -> list[Reply]:
    locale = ctx.locale
    removed = accounts.forget_chat(ctx.session, ctx.account, actor=accounts.chat_actor(ctx.account),
                                   at=ctx.now)
    ctx.state = None  # deleted with the chat's data
    return [Text(translate(locale, "settings.deleted_application" if removed else "settings.deleted"))]
