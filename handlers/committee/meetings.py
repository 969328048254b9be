"""Meetings (นัดประชุม): the fund's upcoming meetings, and calling a new one step by step: (for the
network's admin: the fund's or a network assembly) → title → date and time → place → agenda →
summary → confirmation (`meetings_change.confirm`). Members are reminded by the scheduler
(scheduler/jobs/meetings.py). Every press and every typed step is authorised again, for the fund the
meeting is for: a committee member calls their own fund's meetings, an admin the network's too.
"""

from __future__ import annotations

from typing import Any

from domain.thai import normalize_text, strip_polite
from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text, handles
from handlers.committee import guard
from handlers.committee import meetings_view as view
from services import confirmations, meetings


def acting_for(incoming: Incoming, ctx: Context, action: str) -> guard.Acting | list[Reply]:
    """Authorised for the fund the draft is for (None: the network, admins only), else the chat's own."""
    data = ctx.state_data
    acting = guard.authorize(incoming, ctx, action, guard.MEETINGS)
    if isinstance(acting, guard.Acting) and "fund_id" in data and data["fund_id"] != acting.powers.fund_id:
        return guard.authorize(incoming, ctx, action, guard.MEETINGS, fund_id=data["fund_id"])
    return acting


@handles(postbacks=(B.CM_MEETINGS,), states=(view.LIST,), dialog=view.DIALOG)
def meeting_list(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "meetings.list", guard.MEETINGS)
    if not isinstance(acting, guard.Acting):
        return acting
    hint = None if incoming.postback else ctx.t("cm_meetings.list_hint")
    return view.list_reply(ctx, acting, hint=hint)


@handles(postbacks=(B.CM_MEET_NEW,), dialog=view.DIALOG)
def new_meeting(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "meetings.create", guard.MEETINGS)
    if not isinstance(acting, guard.Acting):
        return acting
    if acting.admin:  # the network's admin may call every fund's members together
        return _scope_question(ctx, acting)
    return _ask_title(ctx, {"fund_id": acting.powers.fund_id})


def _scope_question(ctx: Context, acting: guard.Acting, hint: str | None = None) -> list[Reply]:
    assert acting.fund is not None
    ctx.set_state(view.SCOPE)
    return [Text(hint or ctx.t("cm_meetings.ask_scope", fund=acting.fund.name(ctx.locale)),
                 (ctx.button("cm_meetings.btn_scope_fund", f"{B.CM_MEET_SCOPE}fund"),
                  ctx.button("cm_meetings.btn_scope_network", f"{B.CM_MEET_SCOPE}net"),
                  view.cancel_button(ctx)))]


@handles(postbacks=(B.CM_MEET_SCOPE,), states=(view.SCOPE,), dialog=view.DIALOG)
def scope(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "meetings.create", guard.MEETINGS)
    if not isinstance(acting, guard.Acting):
        return acting
    choice = (incoming.postback or "").removeprefix(B.CM_MEET_SCOPE) if incoming.postback else None
    if choice == "net":  # the whole network: refused (and audited) unless an admin pressed it
        network = guard.authorize(incoming, ctx, "meetings.create_network", guard.MEETINGS, fund_id=None)
        if not isinstance(network, guard.Acting):
            return network
        return _ask_title(ctx, {"fund_id": None})
    if choice == "fund":
        return _ask_title(ctx, {"fund_id": acting.powers.fund_id})
    if not acting.admin:
        return view.stale(ctx)
    return _scope_question(ctx, acting, ctx.t("cm_meetings.scope_hint"))


def _ask_title(ctx: Context, draft: dict[str, Any]) -> list[Reply]:
    ctx.set_state(view.TITLE, draft)
    return view.title_question(ctx)


@handles(postbacks=(B.CM_MEET_TITLE,), states=(view.TITLE,), dialog=view.DIALOG)
def title(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = acting_for(incoming, ctx, "meetings.create")
    if not isinstance(acting, guard.Acting):
        return acting
    if ctx.state_name != view.TITLE:
        return view.stale(ctx)
    draft = ctx.state_data
    if incoming.postback:
        index = view.number_in(incoming.postback, B.CM_MEET_TITLE)
        if index is None or index >= len(view.TITLES):
            return view.stale(ctx)
        draft["title_th"], draft["title_en"], _ = view.TITLES[index]
    else:
        typed = " ".join((incoming.text or "").split())
        chosen = _common_title(typed)
        if chosen is not None:
            draft["title_th"], draft["title_en"] = chosen
        elif not strip_polite(normalize_text(typed)):
            return view.title_question(ctx, ctx.t("cm_meetings.title_empty"))
        elif len(typed) > view.TEXT_MAX:
            return view.title_question(ctx, ctx.t("cm_meetings.too_long", length=len(typed),
                                                  max=view.TEXT_MAX))
        else:  # the committee's own words, in whichever language: members of both read them
            draft["title_th"], draft["title_en"] = typed, ""
    ctx.set_state(view.WHEN, draft)
    return view.when_question(ctx, ctx.t("cm_meetings.ask_when", title=_title(ctx, draft)))


def _common_title(typed: str) -> tuple[str, str] | None:
    said = normalize_text(typed)
    for th, en, _ in view.TITLES:
        if said in (normalize_text(th), normalize_text(en)):
            return th, en
    return None


def _title(ctx: Context, draft: dict[str, Any]) -> str:
    return draft["title_en"] if ctx.locale == "en" and draft.get("title_en") else draft["title_th"]


@handles(states=(view.WHEN,))
def when(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = acting_for(incoming, ctx, "meetings.create")
    if not isinstance(acting, guard.Acting):
        return acting
    draft = ctx.state_data
    read = view.read_when(ctx, incoming.text or "", draft)
    if read.starts is None:
        ctx.set_state(view.WHEN, {**draft, **view.keep_when(read)})
        return view.when_question(ctx, view.when_hint(ctx, read))
    draft.update(view.keep_when(read), starts=read.starts.isoformat())
    last = meetings.last_place(ctx.session, draft.get("fund_id"))
    draft["last_place"] = last
    ctx.set_state(view.PLACE, draft)
    return _ask_place(ctx, last)


def _ask_place(ctx: Context, last: str | None, hint: str | None = None) -> list[Reply]:
    text = hint or ctx.t("cm_meetings.ask_place_last" if last else "cm_meetings.ask_place", place=last or "")
    return [Text(text, (*view.place_button(ctx, last), view.cancel_button(ctx)))]


@handles(postbacks=(B.CM_MEET_PLACE,), states=(view.PLACE,), dialog=view.DIALOG)
def place(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = acting_for(incoming, ctx, "meetings.create")
    if not isinstance(acting, guard.Acting):
        return acting
    if ctx.state_name != view.PLACE:
        return view.stale(ctx)
    draft = ctx.state_data
    last = draft.get("last_place")
    if incoming.postback:
        if not last:
            return view.stale(ctx)
        chosen = last
    else:
        chosen = " ".join((incoming.text or "").split())
        if not strip_polite(normalize_text(chosen)) or not any(c.isalnum() for c in chosen):
            return _ask_place(ctx, last, ctx.t("cm_meetings.place_empty"))
        if len(chosen) > view.TEXT_MAX:
            return _ask_place(ctx, last, ctx.t("cm_meetings.too_long", length=len(chosen), max=view.TEXT_MAX))
    draft["place"] = chosen
    ctx.set_state(view.AGENDA, draft)
    return _ask_agenda(ctx)


def _ask_agenda(ctx: Context, hint: str | None = None) -> list[Reply]:
    return [Text(hint or ctx.t("cm_meetings.ask_agenda", max=view.AGENDA_MAX),
                 (ctx.button("cm_meetings.btn_no_agenda", B.CM_MEET_NO_AGENDA), view.cancel_button(ctx)))]


@handles(postbacks=(B.CM_MEET_NO_AGENDA,), states=(view.AGENDA,), dialog=view.DIALOG)
def agenda(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = acting_for(incoming, ctx, "meetings.create")
    if not isinstance(acting, guard.Acting):
        return acting
    if ctx.state_name != view.AGENDA:
        return view.stale(ctx)
    draft = ctx.state_data
    if incoming.postback:
        draft["agenda"] = None
    else:
        # Kept as typed, line breaks and all: an agenda is often a numbered list.
        lines = (" ".join(line.split()) for line in (incoming.text or "").strip().splitlines())
        typed = "\n".join(lines).strip()
        if not strip_polite(normalize_text(typed)):
            return _ask_agenda(ctx, ctx.t("cm_meetings.agenda_empty"))
        if len(typed) > view.AGENDA_MAX:
            return _ask_agenda(ctx, ctx.t("cm_meetings.too_long", length=len(typed), max=view.AGENDA_MAX))
        draft["agenda"] = typed
    token = confirmations.new_token()
    ctx.set_state(view.CONFIRM, {**draft, "token": token})
    return view.create_summary(ctx, draft, token)
