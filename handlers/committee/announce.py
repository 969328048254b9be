"""Announce (ประกาศ): write the message, choose who gets it, see the preview (as members will see it,
who gets it where, the LINE quota it costs), send a test to oneself, then send now or at a moment
typed, and confirm once. Nothing is stored until the confirmation: the dialog keeps the draft.

Every step asks `guard.authorize` first; the network's audiences (a district, every fund) ask it
again for the whole network, so a forged press of one by a fund's committee is refused and audited.
"""

from __future__ import annotations

from datetime import datetime

from handlers import buttons as B
from handlers.base import Button, Context, Incoming, Reply, Text, handles
from handlers.committee import announce_views as V
from handlers.committee import guard
from models import Audience, audit
from services import announcements, confirmations
from services.announcement_preview import quiet_until

S_TEXT, S_AUDIENCE, S_PREVIEW, S_WHEN, S_CONFIRM = (f"{V.DIALOG}.{s}" for s in
                                                    ("text", "audience", "preview", "when", "confirm"))


def _stale(ctx: Context) -> list[Reply]:
    """An old button (or one out of step): a draft still open is shown again where it is, never lost."""
    resumed = _resume(ctx, ctx.t("cm_announce.old_button"))
    if resumed is not None:
        return resumed
    ctx.clear_state()
    return [Text(ctx.t("cm_announce.stale"), (ctx.button("cm_announce.btn_new", B.CM_ANN_NEW),
                                              ctx.button("cm_announce.btn_list", B.CM_ANN_LIST),
                                              V.back_button(ctx)))]


def _resume(ctx: Context, note: str) -> list[Reply] | None:
    """The open step of a draft shown again, after `note`; None when no draft is open."""
    data, state = ctx.state_data, ctx.state_name
    if state == S_TEXT:
        return [Text(note + "\n\n" + ctx.t("cm_announce.ask_text", max=V.n(announcements.MAX_TEXT)),
                     (V.cancel_button(ctx),))]
    if not data.get("text"):
        return None
    if state == S_AUDIENCE:
        acting = guard.authorize(Incoming(ctx.account.channel, ctx.account.external_user_id), ctx,
                                 "announce.audience", guard.ANNOUNCE)
        if not isinstance(acting, guard.Acting):
            return acting
        return [Text(note), *_audiences(ctx, acting)]
    if state == S_PREVIEW:
        return _preview(ctx, data, note)
    if state == S_CONFIRM and data.get("token"):
        return _summary(ctx, data, note)
    return None


@handles(states=(S_AUDIENCE, S_PREVIEW, S_CONFIRM))
def typed_at_a_button_step(incoming: Incoming, ctx: Context) -> list[Reply]:
    """Text typed where a button is asked for: the draft stays, and the step says which to press."""
    acting = guard.authorize(incoming, ctx, "announce.typed", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    return _resume(ctx, ctx.t("cm_announce.press_a_button")) or _stale(ctx)


@handles(postbacks=(B.CM_ANNOUNCE,), dialog=V.DIALOG)
def entry(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.open", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    ctx.clear_state()
    assert acting.fund is not None
    return [Text(ctx.t("cm_announce.entry", fund=acting.fund.name(ctx.locale)),
                 (ctx.button("cm_announce.btn_new", B.CM_ANN_NEW),
                  ctx.button("cm_announce.btn_list", B.CM_ANN_LIST), V.back_button(ctx)))]


@handles(postbacks=(B.CM_ANN_NEW,), dialog=V.DIALOG)
def new(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.new", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    ctx.set_state(S_TEXT, {"draft": confirmations.new_token()})
    return [Text(ctx.t("cm_announce.ask_text", max=V.n(announcements.MAX_TEXT)), (V.cancel_button(ctx),))]


@handles(states=(S_TEXT,))
def text_typed(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.write", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    text = V.check_text(ctx, incoming.text)
    if not isinstance(text, str):
        return text
    ctx.set_state(S_AUDIENCE, {**ctx.state_data, "text": text})
    return _audiences(ctx, acting)


def _audiences(ctx: Context, acting: guard.Acting) -> list[Reply]:
    """A fund's committee writes to its own fund; only a network admin sees the network's audiences."""
    choices = [ctx.button("cm_announce.aud_members", B.CM_ANN_AUDIENCE + "members"),
               ctx.button("cm_announce.aud_arrears", B.CM_ANN_AUDIENCE + "arrears")]
    if acting.admin:
        choices += [ctx.button("cm_announce.aud_district", B.CM_ANN_DISTRICTS),
                    ctx.button("cm_announce.aud_network", B.CM_ANN_AUDIENCE + "network")]
    return [Text(ctx.t("cm_announce.ask_audience"), (*choices, V.cancel_button(ctx)))]


@handles(postbacks=(B.CM_ANN_DISTRICTS,), dialog=V.DIALOG)
def district_list(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.audience_network", guard.ANNOUNCE, fund_id=None)
    if not isinstance(acting, guard.Acting):
        return acting
    if ctx.state_name not in (S_AUDIENCE, S_PREVIEW, S_WHEN, S_CONFIRM):
        return _stale(ctx)
    names = V.districts(ctx)
    # The button carries the district's place in the list: Thai names are not short ASCII.
    buttons = [Button(en if ctx.locale == "en" and en else th, f"{B.CM_ANN_AUDIENCE}d{i}")
               for i, (th, en) in enumerate(names)]
    return [Text(ctx.t("cm_announce.ask_district"), (*buttons, V.cancel_button(ctx)))]


@handles(postbacks=(B.CM_ANN_AUDIENCE,), dialog=V.DIALOG)
def audience_chosen(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.audience", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    choice = (incoming.postback or "")[len(B.CM_ANN_AUDIENCE):]
    if choice not in ("members", "arrears", "network") and not choice.startswith("d"):
        return _stale(ctx)
    data = ctx.state_data
    if choice in ("members", "arrears"):
        assert acting.fund is not None
        data.update(fund=acting.fund.id, audience=choice, district=None)
    else:  # the network's audiences: refused (and audited) unless a network admin
        network = guard.authorize(incoming, ctx, "announce.audience_network", guard.ANNOUNCE, fund_id=None)
        if not isinstance(network, guard.Acting):
            return network
        data.update(fund=None, audience=Audience.MEMBERS.value, district=None)
        if choice.startswith("d"):
            names = V.districts(ctx)
            index = choice[1:]
            if not index.isdigit() or int(index) >= len(names):
                return _stale(ctx)
            data.update(audience=Audience.DISTRICT.value, district=names[int(index)][0])
    if ctx.state_name not in (S_AUDIENCE, S_PREVIEW, S_WHEN, S_CONFIRM) or not data.get("text"):
        return _stale(ctx)
    data.pop("token", None)  # another audience: a summary shown before no longer holds
    data.pop("send_at", None)
    ctx.set_state(S_PREVIEW, data)
    return _preview(ctx, data)


def _choices(ctx: Context, test: bool = True) -> tuple[Button, ...]:
    buttons = [ctx.button("cm_announce.btn_test", B.CM_ANN_TEST)] if test else []
    return (*buttons, ctx.button("cm_announce.btn_now", B.CM_ANN_NOW),
            ctx.button("cm_announce.btn_later", B.CM_ANN_LATER),
            ctx.button("cm_announce.btn_audience", B.CM_ANN_AUDIENCES), V.cancel_button(ctx))


@handles(postbacks=(B.CM_ANN_AUDIENCES,), dialog=V.DIALOG)
def audience_again(incoming: Incoming, ctx: Context) -> list[Reply]:
    """From the preview, back to the choice of audience (the text is kept)."""
    acting = guard.authorize(incoming, ctx, "announce.audience", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    if ctx.state_name not in (S_PREVIEW, S_WHEN, S_CONFIRM) or not ctx.state_data.get("text"):
        return _stale(ctx)
    ctx.set_state(S_AUDIENCE, ctx.state_data)
    return _audiences(ctx, acting)


def _preview(ctx: Context, data: dict, note: str | None = None) -> list[Reply]:
    draft = V.draft_of(data)
    found = V.preview_of(ctx, draft, ctx.now)
    heading = ctx.t("cm_announce.preview_heading", audience=V.audience_text(ctx, draft))
    body = V.figures(ctx, found) + "\n\n" + ctx.t("cm_announce.ask_when")
    if note:
        body = note + "\n\n" + body
    test = int(data.get("tests", 0)) < V.MAX_TESTS
    return [Text(heading), *V.as_members_see_it(found), Text(body, _choices(ctx, test))]


@handles(postbacks=(B.CM_ANN_TEST,), dialog=V.DIALOG)
def test_to_me(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.test", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if ctx.state_name not in (S_PREVIEW, S_WHEN, S_CONFIRM) or not data.get("text"):
        return _stale(ctx)
    tests = int(data.get("tests", 0))
    if tests >= V.MAX_TESTS:
        note = ctx.t("cm_announce.test_limit", max=V.MAX_TESTS)
    else:
        announcements.send_test(ctx.session, V.draft_of(data), channel=ctx.account.channel,
                                user_id=ctx.account.external_user_id, locale=ctx.locale,
                                key=f"announcement-test:{data['draft']}:{tests + 1}")
        audit(ctx.session, acting.actor, "announcement.test", "chat", ctx.account.id, n=tests + 1)
        data["tests"] = tests + 1
        note = ctx.t("cm_announce.test_sent", n=tests + 1, max=V.MAX_TESTS)
        held = quiet_until(ctx.now, str(ctx.extras.get("quiet_hours", "21:00-08:00")))
        if held is not None:  # pushes wait for the morning, a test to oneself too
            note = ctx.t("cm_announce.test_held", n=tests + 1, max=V.MAX_TESTS,
                         until=V.moment_text(ctx, held))
    if ctx.state_name == S_CONFIRM:
        ctx.set_state(S_CONFIRM, data)
        return _summary(ctx, data, note)
    ctx.set_state(S_PREVIEW, data)
    more = int(data.get("tests", 0)) < V.MAX_TESTS
    return [Text(note + "\n\n" + ctx.t("cm_announce.ask_when"), _choices(ctx, more))]


@handles(postbacks=(B.CM_ANN_NOW,), dialog=V.DIALOG)
def send_now(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.when", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if ctx.state_name not in (S_PREVIEW, S_WHEN, S_CONFIRM) or not data.get("text"):
        return _stale(ctx)
    data.update(send_at=None, token=confirmations.new_token())
    ctx.set_state(S_CONFIRM, data)
    return _summary(ctx, data)


@handles(postbacks=(B.CM_ANN_LATER,), dialog=V.DIALOG)
def send_later(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.when", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    data = ctx.state_data
    if ctx.state_name not in (S_PREVIEW, S_WHEN, S_CONFIRM) or not data.get("text"):
        return _stale(ctx)
    ctx.set_state(S_WHEN, data)
    return [Text(ctx.t("cm_announce.ask_moment"), (ctx.button("cm_announce.btn_now", B.CM_ANN_NOW),
                                                   V.cancel_button(ctx)))]


@handles(states=(S_WHEN,))
def moment_typed(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.when", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    moment = V.read_moment(ctx, incoming.text)
    if isinstance(moment, str):
        return [Text(ctx.t(moment) + "\n" + ctx.t("cm_announce.moment_example"),
                     (ctx.button("cm_announce.btn_now", B.CM_ANN_NOW), V.cancel_button(ctx)))]
    data = {**ctx.state_data, "send_at": moment.isoformat(), "token": confirmations.new_token()}
    ctx.set_state(S_CONFIRM, data)
    return _summary(ctx, data)


def _send_at(ctx: Context, data: dict) -> datetime:
    return datetime.fromisoformat(data["send_at"]) if data.get("send_at") else ctx.now


def _summary(ctx: Context, data: dict, note: str | None = None) -> list[Reply]:
    draft = V.draft_of(data)
    send_at = _send_at(ctx, data)
    found = V.preview_of(ctx, draft, send_at)
    when = ctx.t("cm_announce.when_now") if not data.get("send_at") else V.moment_text(ctx, send_at)
    text = ctx.t("cm_announce.summary", audience=V.audience_text(ctx, draft), when=when,
                 text=V.snippet(draft.text_th, 200), figures=V.figures(ctx, found))
    if note:
        text = note + "\n\n" + text
    buttons = [ctx.button("cm_announce.btn_confirm", B.CM_ANN_OK + data["token"])]
    if int(data.get("tests", 0)) < V.MAX_TESTS:
        buttons.append(ctx.button("cm_announce.btn_test", B.CM_ANN_TEST))
    return [Text(text, (*buttons, ctx.button("cm_announce.btn_later", B.CM_ANN_LATER), V.cancel_button(ctx)))]


@handles(postbacks=(B.CM_ANN_OK,), dialog=V.DIALOG)
def confirm(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "announce.confirm", guard.ANNOUNCE)
    if not isinstance(acting, guard.Acting):
        return acting
    token = (incoming.postback or "")[len(B.CM_ANN_OK):]
    data = ctx.state_data
    if ctx.state_name != S_CONFIRM or data.get("token") != token:
        if confirmations.result_of(ctx.session, token):  # pressed again, or delivered twice
            done = Text(ctx.t("committee.already_done"), (ctx.button("cm_announce.btn_list", B.CM_ANN_LIST),
                                                          V.back_button(ctx)))
            resumed = _resume(ctx, ctx.t("cm_announce.old_button"))  # a newer draft stays open
            return [done, *resumed] if resumed else [done]
        return _stale(ctx)
    target = guard.authorize(incoming, ctx, "announce.confirm", guard.ANNOUNCE, fund_id=data.get("fund"))
    if not isinstance(target, guard.Acting):
        return target
    if not confirmations.spend(ctx.session, token, action="announce.send", actor=acting.actor, at=ctx.now):
        ctx.clear_state()
        return [Text(ctx.t("committee.already_done"), (ctx.button("cm_announce.btn_list", B.CM_ANN_LIST),
                                                       V.back_button(ctx)))]
    send_at = _send_at(ctx, data)
    item = announcements.create_draft(ctx.session, fund_id=data.get("fund"), text_th=data["text"],
                                      audience=Audience(data["audience"]), district_th=data.get("district"),
                                      author=acting.actor, at=ctx.now)
    announcements.schedule(ctx.session, item, send_at, actor=acting.actor, at=ctx.now)
    confirmations.record_result(ctx.session, token, f"announcement:{item.id}")
    ctx.clear_state()
    key = "cm_announce.done_now" if not data.get("send_at") else "cm_announce.done_later"
    return [Text(ctx.t(key, when=V.moment_text(ctx, send_at), audience=V.audience_text(ctx, item)),
                 (ctx.button("cm_announce.btn_list", B.CM_ANN_LIST), V.back_button(ctx)))]
