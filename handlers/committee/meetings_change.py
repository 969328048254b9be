"""Moving and cancelling a meeting, and the confirmation of every meetings summary (a new meeting,
a move, a cancellation): it acts once, however often it is pressed or delivered. The members are
told of a move or a cancellation by `services.meetings` (outbox kind "meeting_change")."""

from __future__ import annotations

from datetime import datetime

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text, handles
from handlers.committee import guard
from handlers.committee import meetings_view as view
from handlers.committee.meetings import acting_for
from models import Meeting
from services import confirmations, meetings
from services.errors import ServiceError


@handles(postbacks=(B.CM_MEET_MOVE,), dialog=view.DIALOG)
def move(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "meetings.move", guard.MEETINGS)
    if not isinstance(acting, guard.Acting):
        return acting
    found = view.target(incoming, ctx, "meetings.move",
                        view.number_in(incoming.postback or "", B.CM_MEET_MOVE))
    if not isinstance(found, tuple):
        return found
    meeting = found[1]
    ctx.set_state(view.MOVE_WHEN, {"meeting_id": meeting.id})
    return view.when_question(ctx, ctx.t("cm_meetings.ask_move", title=meeting.title(ctx.locale),
                                         when=view.when_text(ctx, meeting.starts_at)))


@handles(states=(view.MOVE_WHEN,))
def move_when(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "meetings.move", guard.MEETINGS)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    found = view.target(incoming, ctx, "meetings.move", data.get("meeting_id"))
    if not isinstance(found, tuple):
        return found
    meeting = found[1]
    read = view.read_when(ctx, incoming.text or "", data)
    if read.starts is None:
        ctx.set_state(view.MOVE_WHEN, {**data, **view.keep_when(read)})
        return view.when_question(ctx, view.when_hint(ctx, read))
    if read.starts == meeting.starts_at:
        ctx.set_state(view.MOVE_WHEN, {"meeting_id": meeting.id})
        return view.when_question(ctx, ctx.t("cm_meetings.move_same"))
    token = confirmations.new_token()
    ctx.set_state(view.MOVE_CONFIRM, {"meeting_id": meeting.id, "starts": read.starts.isoformat(),
                                      "token": token})
    return view.move_summary(ctx, meeting, read.starts, token)


@handles(postbacks=(B.CM_MEET_CANCEL,), dialog=view.DIALOG)
def cancel(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "meetings.cancel", guard.MEETINGS)
    if not isinstance(acting, guard.Acting):
        return acting
    found = view.target(incoming, ctx, "meetings.cancel",
                        view.number_in(incoming.postback or "", B.CM_MEET_CANCEL))
    if not isinstance(found, tuple):
        return found
    meeting = found[1]
    token = confirmations.new_token()
    ctx.set_state(view.CANCEL_CONFIRM, {"meeting_id": meeting.id, "token": token})
    return view.cancel_summary(ctx, meeting, token)


@handles(postbacks=(B.CM_MEET_CONFIRM,), states=view.SUMMARIES, dialog=view.DIALOG)
def confirm(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = acting_for(incoming, ctx, "meetings.confirm")
    if not isinstance(acting, guard.Acting):
        return acting
    data, state = ctx.state_data, ctx.state_name
    if not incoming.postback:  # typed at a summary: the step stays open
        return _summary_again(incoming, ctx, data)
    token = incoming.postback.removeprefix(B.CM_MEET_CONFIRM)
    if state not in view.SUMMARIES or data.get("token") != token:
        return _spent_or_stale(ctx, token)
    if state == view.CONFIRM:
        if not confirmations.spend(ctx.session, token, action="meeting.schedule", actor=acting.actor,
                                   at=ctx.now):
            return _spent_or_stale(ctx, token)
        return _schedule(ctx, acting, data, token)
    action = "meetings.move" if state == view.MOVE_CONFIRM else "meetings.cancel"
    found = view.target(incoming, ctx, action, data.get("meeting_id"))
    if not isinstance(found, tuple):
        return found
    acting, meeting = found
    if not confirmations.spend(ctx.session, token, action=action.replace("meetings.", "meeting."),
                               actor=acting.actor, at=ctx.now):
        return _spent_or_stale(ctx, token)
    if state == view.MOVE_CONFIRM:
        return _move(ctx, acting, meeting, datetime.fromisoformat(data["starts"]), token)
    told = meetings.cancel(ctx.session, meeting, actor=acting.actor, at=ctx.now, tz=ctx.now.tzinfo)
    confirmations.record_result(ctx.session, token, f"cancelled:{meeting.id}")
    ctx.clear_state()
    return [Text(ctx.t("cm_meetings.cancelled", title=meeting.title(ctx.locale), count=told,
                       night=view.night(ctx)),
                 view.back_buttons(ctx))]


def _schedule(ctx: Context, acting: guard.Acting, draft: dict, token: str) -> list[Reply]:
    starts = datetime.fromisoformat(draft["starts"])
    if starts <= ctx.now:  # the summary waited past the meeting's own time
        ctx.set_state(view.WHEN, {k: v for k, v in draft.items() if k in ("fund_id", "title_th", "title_en")})
        return view.when_question(ctx, ctx.t("cm_meetings.when_past_time"))
    try:
        meeting = meetings.schedule(
            ctx.session, fund_id=draft.get("fund_id"), title_th=draft["title_th"],
            title_en=draft.get("title_en") or "", starts_at=starts, place_th=draft["place"], place_en="",
            agenda_th=draft.get("agenda"), agenda_en=draft.get("agenda"), actor=acting.actor, at=ctx.now)
    except ServiceError:
        return view.stale(ctx)
    confirmations.record_result(ctx.session, token, f"meeting:{meeting.id}")
    ctx.clear_state()
    return [Text(ctx.t("cm_meetings.created", title=meeting.title(ctx.locale),
                       when=view.when_text(ctx, starts), who=view.organiser(ctx, meeting),
                       count=meetings.reach(ctx.session, meeting.fund_id)),
                 view.back_buttons(ctx))]


def _move(ctx: Context, acting: guard.Acting, meeting: Meeting, starts: datetime, token: str) -> list[Reply]:
    old = meeting.starts_at
    try:
        told = meetings.move(ctx.session, meeting, starts, actor=acting.actor, at=ctx.now, tz=ctx.now.tzinfo)
    except ServiceError:  # the new time passed while the summary waited
        ctx.set_state(view.MOVE_WHEN, {"meeting_id": meeting.id})
        return view.when_question(ctx, ctx.t("cm_meetings.when_past_time"))
    confirmations.record_result(ctx.session, token, f"moved:{meeting.id}")
    ctx.clear_state()
    return [Text(ctx.t("cm_meetings.moved", title=meeting.title(ctx.locale), old=view.when_text(ctx, old),
                       when=view.when_text(ctx, starts), count=told, night=view.night(ctx)),
                 view.back_buttons(ctx))]


def _spent_or_stale(ctx: Context, token: str) -> list[Reply]:
    """A confirmation pressed again (or delivered twice): what the first press did, nothing more."""
    result = confirmations.result_of(ctx.session, token)
    if result is None:
        return view.stale(ctx)
    ctx.clear_state()
    kind, _, meeting_id = result.partition(":")
    meeting = ctx.session.get(Meeting, int(meeting_id)) if meeting_id.isdigit() else None
    done = ctx.t(f"cm_meetings.done_{kind}", title=meeting.title(ctx.locale) if meeting else "")
    return [Text(f"{ctx.t('committee.already_done')}\n{done}", view.back_buttons(ctx))]


def _summary_again(incoming: Incoming, ctx: Context, data: dict) -> list[Reply]:
    token = str(data.get("token", ""))
    hint = [Text(ctx.t("cm_meetings.confirm_hint"))]
    if ctx.state_name == view.CONFIRM:
        return [*hint, *view.create_summary(ctx, data, token)]
    found = view.target(incoming, ctx, "meetings.confirm", data.get("meeting_id"))
    if not isinstance(found, tuple):
        return found
    meeting = found[1]
    if ctx.state_name == view.MOVE_CONFIRM:
        return [*hint, *view.move_summary(ctx, meeting, datetime.fromisoformat(data["starts"]), token)]
    return [*hint, *view.cancel_summary(ctx, meeting, token)]
