"""Applications (ใบสมัคร): the fund's pending applications, oldest first, each approved with the
next member number or rejected with a reason (`applications_reject`); the applicant is told either
way, in their language. Every press is authorised again, for the fund of the application it names.
"""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text, handles
from handlers.committee import applications_view as view
from handlers.committee import guard
from handlers.committee.applications_reject import act_reject
from services import applications, confirmations, outbox
from services.applications import AlreadyDecided, DuplicateApplication, NumberBusy


@handles(postbacks=(B.CM_APPLICATIONS, B.CM_APP_PAGE), states=(view.LIST,), dialog=view.DIALOG)
def application_list(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "applications.list", guard.APPLICATIONS)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if not incoming.postback:  # typed at the list: say what to press, and show it again
        fund_id, page = data.get("fund_id"), int(data.get("page", 0))
        hint = ctx.t("cm_applications.list_hint")
    elif incoming.postback == B.CM_APPLICATIONS:
        fund_id, page, hint = None, 0, None
    elif (read := view.read_page(incoming.postback)) is not None:
        (fund_id, page), hint = read, None
    else:
        return view.stale(ctx)
    if fund_id is not None and fund_id != acting.powers.fund_id:  # a fund named: may this chat see it?
        acting = guard.authorize(incoming, ctx, "applications.list", guard.APPLICATIONS, fund_id=fund_id)
        if not isinstance(acting, guard.Acting):
            return acting
        if acting.fund is None:
            return view.stale(ctx)
    return view.list_reply(ctx, acting, page, hint=hint)


@handles(postbacks=(B.CM_APP_FUNDS,), dialog=view.DIALOG)
def funds(incoming: Incoming, ctx: Context) -> list[Reply]:
    """The network's admin: which funds have applications waiting (the whole network: admin only)."""
    acting = guard.authorize(incoming, ctx, "applications.funds", guard.APPLICATIONS, fund_id=None)
    if not isinstance(acting, guard.Acting):
        return acting
    return view.funds_reply(ctx, applications.funds_waiting(ctx.session))


@handles(postbacks=(B.CM_APP_APPROVE,), dialog=view.DIALOG)
def approve(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "applications.approve", guard.APPLICATIONS)
    if not isinstance(acting, guard.Acting):
        return acting
    found = view.target(incoming, ctx, "applications.approve",
                        view.number_in(incoming.postback or "", B.CM_APP_APPROVE))
    if not isinstance(found, tuple):
        return found
    acting, member = found
    if (existing := applications.duplicate_of(ctx.session, member)) is not None:
        return view.duplicate_refusal(ctx, acting, member, existing)
    page = int(ctx.state_data.get("page", 0)) if ctx.state_name == view.LIST else 0
    token = confirmations.new_token()
    ctx.set_state(view.APPROVE, {"member_id": member.id, "token": token, "page": page})
    return view.approve_summary(ctx, member, token, page)


@handles(postbacks=(B.CM_APP_CONFIRM,), states=(view.APPROVE, view.REJECT), dialog=view.DIALOG)
def confirm(incoming: Incoming, ctx: Context) -> list[Reply]:
    """The summary's confirmation: acts once, however often it is pressed or delivered."""
    acting = guard.authorize(incoming, ctx, "applications.confirm", guard.APPLICATIONS)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if not incoming.postback:  # typed at a summary: the step stays open
        return _summary_again(incoming, ctx, data)
    token = incoming.postback.removeprefix(B.CM_APP_CONFIRM)
    if ctx.state_name not in (view.APPROVE, view.REJECT) or data.get("token") != token:
        return _spent_or_stale(ctx, token)
    found = view.target(incoming, ctx, "applications.confirm", data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    acting, member = found
    approving = ctx.state_name == view.APPROVE
    if approving and (existing := applications.duplicate_of(ctx.session, member)) is not None:
        return view.duplicate_refusal(ctx, acting, member, existing)
    action = "application.approve" if approving else "application.reject"
    if not confirmations.spend(ctx.session, token, action=action, actor=acting.actor, at=ctx.now):
        return _spent_or_stale(ctx, token)
    if not approving:
        return act_reject(ctx, acting, member, token, data)
    try:
        number = applications.approve(ctx.session, member, actor=acting.actor, today=ctx.today)
    except AlreadyDecided as decided:
        return view.decided(ctx, decided.member)
    except DuplicateApplication as duplicate:
        return view.duplicate_refusal(ctx, acting, member, duplicate.existing, audited=True)
    except NumberBusy:  # nothing done: a fresh confirmation to press again
        fresh = confirmations.new_token()
        ctx.set_state(view.APPROVE, {**data, "token": fresh})
        return [Text(ctx.t("cm_applications.busy")), *view.approve_summary(ctx, member, fresh, 0)]
    confirmations.record_result(ctx.session, token, f"approved:{number}")
    ctx.clear_state()
    text = ctx.t("cm_applications.approved", name=member.full_name, member_no=number,
                 fund=member.fund.name(ctx.locale))
    told = bool(outbox.reachable_chats(ctx.session, member.id))
    text += "\n" + ctx.t("cm_applications.told_approved" if told else "cm_applications.not_told")
    return [Text(text, (ctx.button("cm_applications.btn_more", view.page_data(0, member.fund_id)),
                        ctx.button("committee.btn_back", B.COMMITTEE)))]


def _spent_or_stale(ctx: Context, token: str) -> list[Reply]:
    """A confirmation pressed again (or delivered twice): what the first press did, nothing more."""
    result = confirmations.result_of(ctx.session, token)
    if result is None:
        return view.stale(ctx)
    ctx.clear_state()
    if result.startswith("approved:"):
        done = ctx.t("cm_applications.done_approved", member_no=result.removeprefix("approved:"))
    else:
        done = ctx.t("cm_applications.done_rejected")
    return [Text(f"{ctx.t('committee.already_done')}\n{done}",
                 (view.list_button(ctx), ctx.button("committee.btn_back", B.COMMITTEE)))]


def _summary_again(incoming: Incoming, ctx: Context, data: dict) -> list[Reply]:
    found = view.target(incoming, ctx, "applications.confirm", data.get("member_id"))
    if not isinstance(found, tuple):
        return found
    _, member = found
    token = str(data.get("token", ""))
    if ctx.state_name == view.APPROVE:
        label = ctx.t("cm_applications.btn_confirm_approve")
        summary = view.approve_summary(ctx, member, token, int(data.get("page", 0)))
    else:
        label = ctx.t("cm_applications.btn_confirm_reject")
        summary = view.reject_summary(ctx, member, token, str(data.get("reason")), data.get("note"))
    return [Text(ctx.t("cm_applications.confirm_hint", confirm=label)), *summary]
