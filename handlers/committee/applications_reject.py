"""Rejecting an application: a reason by buttons (or typed, for "other"), a summary, then the
confirmation (`applications.confirm` spends it and calls `act_reject`)."""

from __future__ import annotations

from typing import Any

from domain.thai import normalize_text, strip_polite
from handlers import buttons as B
from handlers.base import Button, Context, Incoming, Reply, Text, handles
from handlers.committee import applications_view as view
from handlers.committee import guard
from models import Member
from services import applications, confirmations
from services.applications import NOTE_MAX, REASONS, AlreadyDecided


def _reasons(ctx: Context, member: Member, hint: str | None = None) -> list[Reply]:
    buttons = [Button(view.fit(ctx.t(f"cm_applications.btn_reason_{code}")), f"{B.CM_APP_REASON}{code}")
               for code in REASONS]
    page = int(ctx.state_data.get("page", 0))
    ctx.set_state(view.REASON, {"member_id": member.id, "page": page})
    text = hint or ctx.t("cm_applications.reason_ask", name=member.full_name)
    return [Text(text, (*buttons, view.list_button(ctx, page, member.fund_id), view.cancel_button(ctx)))]


@handles(postbacks=(B.CM_APP_REJECT,), dialog=view.DIALOG)
def reject(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "applications.reject", guard.APPLICATIONS)
    if not isinstance(acting, guard.Acting):
        return acting
    found = view.target(incoming, ctx, "applications.reject",
                        view.number_in(incoming.postback or "", B.CM_APP_REJECT))
    if not isinstance(found, tuple):
        return found
    return _reasons(ctx, found[1])


@handles(postbacks=(B.CM_APP_REASON,), states=(view.REASON,), dialog=view.DIALOG)
def reason(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "applications.reject", guard.APPLICATIONS)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if ctx.state_name not in (view.REASON, view.OTHER, view.REJECT):
        return view.stale(ctx)
    found = view.target(incoming, ctx, "applications.reject", data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    member = found[1]
    code = (incoming.postback or "").removeprefix(B.CM_APP_REASON) if incoming.postback \
        else _typed(ctx, incoming.text or "")
    if code not in REASONS:
        return _reasons(ctx, member, hint=ctx.t("cm_applications.reason_hint"))
    if code == "other":
        ctx.set_state(view.OTHER, {"member_id": member.id, "page": data.get("page", 0)})
        return [_ask_other(ctx, member)]
    return _summary(ctx, member, data, code, None)


def _typed(ctx: Context, text: str) -> str | None:
    """A reason typed as its button reads ("สมัครซ้ำ"), or its number in the list."""
    said = strip_polite(normalize_text(text))
    for n, code in enumerate(REASONS, 1):
        label = normalize_text(ctx.t(f"cm_applications.btn_reason_{code}"))
        if said in (label, str(n)):
            return code
    return None


def _ask_other(ctx: Context, member: Member, text: str | None = None) -> Text:
    return Text(text or ctx.t("cm_applications.other_ask", max=NOTE_MAX),
                (ctx.button("cm_applications.btn_change_reason", f"{B.CM_APP_REJECT}{member.id}"),
                 view.cancel_button(ctx)))


@handles(states=(view.OTHER,))
def other_reason(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "applications.reject", guard.APPLICATIONS)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    found = view.target(incoming, ctx, "applications.reject", data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    member = found[1]
    note = " ".join((incoming.text or "").split())
    if not note:
        return [_ask_other(ctx, member, ctx.t("cm_applications.other_empty"))]
    if len(note) > NOTE_MAX:
        return [_ask_other(ctx, member, ctx.t("cm_applications.other_long", length=len(note), max=NOTE_MAX))]
    return _summary(ctx, member, data, "other", note)


def _summary(ctx: Context, member: Member, data: dict[str, Any], code: str, note: str | None) -> list[Reply]:
    token = confirmations.new_token()
    ctx.set_state(view.REJECT, {"member_id": member.id, "token": token, "reason": code, "note": note,
                                "page": data.get("page", 0)})
    return view.reject_summary(ctx, member, token, code, note)


def act_reject(ctx: Context, acting: guard.Acting, member: Member, token: str,
               data: dict[str, Any]) -> list[Reply]:
    """The confirmed rejection (the token is spent already)."""
    code, note = str(data.get("reason")), data.get("note")
    if code not in REASONS:
        return view.stale(ctx)
    told = any(chat.unreachable_at is None for chat in applications.chats_of(ctx.session, member))
    try:
        applications.reject(ctx.session, member, code, note=note, actor=acting.actor)
    except AlreadyDecided as decided:
        return view.decided(ctx, decided.member)
    confirmations.record_result(ctx.session, token, "rejected")
    ctx.clear_state()
    text = ctx.t("cm_applications.rejected", name=member.full_name)
    text += "\n" + ctx.t("cm_applications.told_rejected" if told else "cm_applications.not_told")
    return [Text(text, (ctx.button("cm_applications.btn_more", view.page_data(0, member.fund_id)),
                        ctx.button("committee.btn_back", B.COMMITTEE)))]

