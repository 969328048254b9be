"""A fund's announcements, those still to go first, each with its delivery report (sent, waiting,
held, failed, unreachable); one still scheduled can be cancelled (confirmed once) or given a new text
or time before it goes. The announcement a press names is checked against the presser's fund: a
button's id can be forged (a network announcement is the network admins' only)."""

from __future__ import annotations

from datetime import datetime

from handlers import buttons as B
from handlers.base import Button, Context, Incoming, Reply, Text, handles
from handlers.committee import announce_views as V
from handlers.committee import guard
from models import Announcement, AnnouncementState
from services import announcements, confirmations
from services.errors import ServiceError

S_EDIT_TEXT, S_EDIT_TIME, S_CANCEL, S_EDIT_OK = (
    f"{V.DIALOG}.{s}" for s in ("edit_text", "edit_time", "cancel", "edit_ok"))
ICONS = {AnnouncementState.SCHEDULED: "⏰", AnnouncementState.SENDING: "📤", AnnouncementState.DONE: "✅",
         AnnouncementState.CANCELLED: "✖️"}


def _more(ctx: Context) -> tuple[Button, ...]:
    return (ctx.button("cm_announce.btn_list", B.CM_ANN_LIST),
            ctx.button("cm_announce.btn_new", B.CM_ANN_NEW), V.back_button(ctx))


@handles(postbacks=(B.CM_ANN_LIST,), dialog=V.DIALOG)
def listing(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.list", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    ctx.clear_state()
    assert acting.fund is not None
    items = announcements.of_fund(ctx.session, acting.fund.id, network_too=acting.admin)
    if not items:
        return [Text(ctx.t("cm_announce.list_empty"), _more(ctx)[1:])]
    lines = [ctx.t("cm_announce.list_heading", fund=acting.fund.name(ctx.locale))]
    for i, item in enumerate(items, 1):
        lines.append(ctx.t("cm_announce.list_row", i=i, icon=ICONS.get(item.state, "•"),
                           state=ctx.t(f"cm_announce.state_{item.state.value}"),
                           when=V.moment_text(ctx, item.send_at or item.created_at),
                           text=V.snippet(item.text_th, 40)))
    buttons = [Button(ctx.t("cm_announce.btn_show", i=i), f"{B.CM_ANN_SHOW}{item.id}")
               for i, item in enumerate(items, 1)]
    return [Text("\n".join(lines), (*buttons, ctx.button("cm_announce.btn_new", B.CM_ANN_NEW),
                                     V.back_button(ctx)))]


Named = tuple[guard.Acting, Announcement]


def _named(incoming: Incoming, ctx: Context, action: str, prefix: str) -> Named | list[Reply]:
    """The announcement the press names, if the presser may act on its fund (refused and audited if not)."""
    acting = guard.authorize(incoming, ctx, action, guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    if prefix:
        raw = (incoming.postback or "")[len(prefix):].split(":", 1)[0]
    else:  # a step typed: the dialog holds the id
        raw = str(ctx.state_data.get("id"))
    item = ctx.session.get(Announcement, int(raw)) if raw.isdigit() else None
    if item is None:
        ctx.clear_state()
        return [Text(ctx.t("cm_announce.not_found"), _more(ctx))]
    target = guard.authorize(incoming, ctx, action, guard.ANNOUNCE, fund_id=item.fund_id)
    if not isinstance(target, guard.Acting):
        return target
    return target, item


@handles(postbacks=(B.CM_ANN_SHOW,), dialog=V.DIALOG)
def show(incoming: Incoming, ctx: Context) -> list[Reply]:
    found = _named(incoming, ctx, "announce.report", B.CM_ANN_SHOW)
    if not isinstance(found, tuple):
        return found
    ctx.clear_state()
    return _details(ctx, found[1])


def _details(ctx: Context, item: Announcement, note: str | None = None) -> list[Reply]:
    t = ctx.t
    lines = [t("cm_announce.show_heading", icon=ICONS.get(item.state, "•"),
               state=t(f"cm_announce.state_{item.state.value}")),
             t("cm_announce.show_audience", audience=V.audience_text(ctx, item)),
             t("cm_announce.show_when", when=V.moment_text(ctx, item.send_at or item.created_at))]
    buttons: list[Button] = []
    if item.state == AnnouncementState.SCHEDULED:
        assert item.send_at is not None
        lines.append(V.figures(ctx, V.preview_of(ctx, item, item.send_at)))
        buttons = [ctx.button("cm_announce.btn_edit_text", f"{B.CM_ANN_EDIT_TEXT}{item.id}"),
                   ctx.button("cm_announce.btn_edit_time", f"{B.CM_ANN_EDIT_TIME}{item.id}"),
                   ctx.button("cm_announce.btn_cancel_it", f"{B.CM_ANN_CANCEL}{item.id}")]
    elif item.state in (AnnouncementState.SENDING, AnnouncementState.DONE):
        counts = announcements.delivery(ctx.session, item.id)
        lines.append(t("cm_announce.report", total=V.n(sum(counts.values())), sent=V.n(counts["sent"]),
                       pending=V.n(counts["pending"]), held=V.n(counts["held"]), failed=V.n(counts["failed"]),
                       unreachable=V.n(counts["unreachable"])))
    lines.append(t("cm_announce.show_text", text=V.snippet(item.text_th, 300)))
    text = "\n".join(lines)
    return [Text(note + "\n\n" + text if note else text, (*buttons, *_more(ctx)))]


@handles(postbacks=(B.CM_ANN_CANCEL,), dialog=V.DIALOG)
def ask_cancel(incoming: Incoming, ctx: Context) -> list[Reply]:
    found = _named(incoming, ctx, "announce.cancel", B.CM_ANN_CANCEL)
    if not isinstance(found, tuple):
        return found
    item = found[1]
    if item.state != AnnouncementState.SCHEDULED:
        return _details(ctx, item, ctx.t("cm_announce.too_late"))
    token = confirmations.new_token()
    ctx.set_state(S_CANCEL, {"id": item.id, "token": token})
    assert item.send_at is not None
    return [Text(ctx.t("cm_announce.ask_cancel", when=V.moment_text(ctx, item.send_at),
                       text=V.snippet(item.text_th, 100)),
                 (ctx.button("cm_announce.btn_cancel_yes", f"{B.CM_ANN_CANCEL_OK}{item.id}:{token}"),
                  ctx.button("cm_announce.btn_keep", f"{B.CM_ANN_SHOW}{item.id}")))]


Spent = tuple[guard.Acting, Announcement, dict]


def _spent(incoming: Incoming, ctx: Context, prefix: str, state: str, action: str) -> Spent | list[Reply]:
    """The confirmation a press of `prefix`+id:token makes: the presser, the announcement and what the
    summary held, once; a second press (or an old summary's button) is answered and does nothing."""
    found = _named(incoming, ctx, action, prefix)
    if not isinstance(found, tuple):
        return found
    acting, item = found
    token = (incoming.postback or "").rsplit(":", 1)[-1]
    data = ctx.state_data
    if ctx.state_name != state or data.get("token") != token or data.get("id") != item.id:
        if confirmations.result_of(ctx.session, token):
            return [Text(ctx.t("committee.already_done"), _more(ctx))]
        return _details(ctx, item)
    ctx.clear_state()
    if not confirmations.spend(ctx.session, token, action=action, actor=acting.actor, at=ctx.now):
        return [Text(ctx.t("committee.already_done"), _more(ctx))]
    return acting, item, data


@handles(postbacks=(B.CM_ANN_CANCEL_OK,), dialog=V.DIALOG)
def cancel_confirmed(incoming: Incoming, ctx: Context) -> list[Reply]:
    spent = _spent(incoming, ctx, B.CM_ANN_CANCEL_OK, S_CANCEL, "announce.cancel")
    if not isinstance(spent, tuple):
        return spent
    acting, item, data = spent
    if item.state != AnnouncementState.SCHEDULED:  # it went meanwhile
        return _details(ctx, item, ctx.t("cm_announce.too_late"))
    announcements.cancel(ctx.session, item, actor=acting.actor, at=ctx.now)
    confirmations.record_result(ctx.session, data["token"], f"announcement:{item.id}:cancelled")
    return _details(ctx, item, ctx.t("cm_announce.cancelled"))


@handles(postbacks=(B.CM_ANN_EDIT_TEXT, B.CM_ANN_EDIT_TIME), dialog=V.DIALOG)
def ask_change(incoming: Incoming, ctx: Context) -> list[Reply]:
    text = (incoming.postback or "").startswith(B.CM_ANN_EDIT_TEXT)
    prefix = B.CM_ANN_EDIT_TEXT if text else B.CM_ANN_EDIT_TIME
    found = _named(incoming, ctx, "announce.change", prefix)
    if not isinstance(found, tuple):
        return found
    item = found[1]
    if item.state != AnnouncementState.SCHEDULED:
        return _details(ctx, item, ctx.t("cm_announce.too_late"))
    ctx.set_state(S_EDIT_TEXT if text else S_EDIT_TIME, {"id": item.id})
    keep = ctx.button("cm_announce.btn_keep", f"{B.CM_ANN_SHOW}{item.id}")
    if text:
        return [Text(ctx.t("cm_announce.ask_new_text", max=V.n(announcements.MAX_TEXT)),
                     (keep, V.cancel_button(ctx)))]
    assert item.send_at is not None
    return [Text(ctx.t("cm_announce.ask_new_time", when=V.moment_text(ctx, item.send_at)),
                 (keep, V.cancel_button(ctx)))]


@handles(states=(S_EDIT_TEXT, S_EDIT_TIME))
def change_typed(incoming: Incoming, ctx: Context) -> list[Reply]:
    found = _named(incoming, ctx, "announce.change", "")
    if not isinstance(found, tuple):
        return found
    acting, item = found
    keep = (ctx.button("cm_announce.btn_keep", f"{B.CM_ANN_SHOW}{item.id}"), V.cancel_button(ctx))
    if ctx.state_name == S_EDIT_TEXT:
        text = V.check_text(ctx, incoming.text)
        if not isinstance(text, str):
            return text
        change = {"text_th": text}
    else:
        moment = V.read_moment(ctx, incoming.text)
        if isinstance(moment, str):
            return [Text(ctx.t(moment) + "\n" + ctx.t("cm_announce.moment_example"), keep)]
        change = {"send_at": moment.isoformat()}
    # What members will be sent changes: the committee sees the change and confirms it, once.
    token = confirmations.new_token()
    ctx.set_state(S_EDIT_OK, {"id": item.id, "token": token, **change})
    if "text_th" in change:
        summary = ctx.t("cm_announce.confirm_new_text", text=V.snippet(change["text_th"], 300))
    else:
        assert item.send_at is not None
        summary = ctx.t("cm_announce.confirm_new_time", old=V.moment_text(ctx, item.send_at),
                        new=V.moment_text(ctx, moment))
    confirm = ctx.button("committee.btn_confirm", f"{B.CM_ANN_EDIT_OK}{item.id}:{token}")
    return [Text(summary, (confirm, *keep))]


@handles(postbacks=(B.CM_ANN_EDIT_OK,), dialog=V.DIALOG)
def change_confirmed(incoming: Incoming, ctx: Context) -> list[Reply]:
    spent = _spent(incoming, ctx, B.CM_ANN_EDIT_OK, S_EDIT_OK, "announce.change")
    if not isinstance(spent, tuple):
        return spent
    acting, item, data = spent
    change: dict = {"text_th": data["text_th"]} if "text_th" in data else {
        "send_at": datetime.fromisoformat(data["send_at"])}
    try:
        announcements.change(ctx.session, item, actor=acting.actor, at=ctx.now, **change)
    except ServiceError:  # it went, or was cancelled, while this was typed
        return _details(ctx, item, ctx.t("cm_announce.too_late"))
    confirmations.record_result(ctx.session, data["token"], f"announcement:{item.id}:changed")
    return _details(ctx, item, ctx.t("cm_announce.changed"))
