"""Payment channels (ช่องทางชำระเงิน): how the fund's members pay and whom they call, as the committee
sets them. The card of what is set, a button per item → type the new value (checked, a Thai hint when
wrong) or clear it → a summary → confirm: saved and audited (services.fund_paying: the fields
named, never a phone or an account number). Every press and every typed step is authorised again.

The chat sets the Thai texts; setting one clears its English twin, which would no longer say the
same (an English reader falls back to the Thai). English texts: `kongtun fund paying`.
"""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.committee import guard
from services import confirmations, fund_paying
from services.fund_paying import BY_CODE, Field, InvalidValue
from services.paying_text import Paying, how_to_pay

DIALOG = "cm.pinfo"
VALUE = "cm.pinfo.value"  # the new value of one item is typed
CONFIRM = "cm.pinfo.confirm"  # the change's summary waits for its confirmation
ROLES = guard.MONEY
# The items the chat offers, in the card's order. The two texts are edited in the chat's language: a
# committee member writing in English writes the English text, and Thai members keep the Thai one.
IN_CHAT = ("mt", "bn", "ba", "bh", "pp", "tn", "tp", "cn", "cp", "nt")
IN_ENGLISH = {"mt": "me", "nt": "ne"}
ENGLISH_TWIN = {"meeting_th": "meeting_en", "notes_th": "notes_en"}


def _chat_codes(ctx: Context) -> tuple[str, ...]:
    return tuple(IN_ENGLISH.get(code, code) for code in IN_CHAT) if ctx.locale == "en" else IN_CHAT


def _label(ctx: Context, f: Field) -> str:
    return ctx.t(f"cm_paying.field_{f.code}")


def _back(ctx: Context) -> tuple[Button, ...]:
    return (ctx.button("cm_paying.btn_list", B.CM_PINFO), ctx.button("committee.btn_back", B.COMMITTEE))


def _stale(ctx: Context) -> list[Reply]:
    ctx.clear_state()
    return [Text(ctx.t("cm_paying.stale"), _back(ctx))]


def _authorized(incoming: Incoming, ctx: Context, action: str) -> guard.Acting | list[Reply]:
    return guard.authorize(incoming, ctx, f"paying.{action}", ROLES)


@handles(postbacks=(B.CM_PINFO,), dialog=DIALOG)
def channels(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = _authorized(incoming, ctx, "show")
    if not isinstance(acting, guard.Acting):
        return acting
    fund = acting.fund
    assert fund is not None
    ctx.clear_state()
    rows = [Row("", ctx.t("cm_paying.head", fund=fund.name(ctx.locale)))]
    for f in fund_paying.FIELDS:
        value = fund_paying.shown(f, getattr(fund, f.column))
        if f.code in _chat_codes(ctx) or value is not None:
            rows.append(Row(_label(ctx, f), value or ctx.t("cm_paying.not_set")))
    buttons = tuple(ctx.button(f"cm_paying.field_{code}", B.CM_PINFO_FIELD + code)
                    for code in _chat_codes(ctx))
    return [Card(title=ctx.t("cm_paying.title"), rows=tuple(rows), footer=ctx.t("cm_paying.footer"),
                 buttons=(*buttons, ctx.button("committee.btn_back", B.COMMITTEE)),
                 alt_text=ctx.t("cm_paying.alt", fund=fund.name(ctx.locale)))]


def _field_of(data: str, prefix: str) -> Field | None:
    code = data.removeprefix(prefix)
    return BY_CODE.get(code) if code in IN_CHAT or code in IN_ENGLISH.values() else None


def _ask(ctx: Context, acting: guard.Acting, f: Field, hint: str | None = None) -> list[Reply]:
    assert acting.fund is not None
    current = fund_paying.shown(f, getattr(acting.fund, f.column))
    ctx.set_state(VALUE, {"field": f.key})
    lines = [hint or ctx.t(f"cm_paying.ask_{f.code}"),
             ctx.t("cm_paying.now", value=current) if current else ctx.t("cm_paying.now_none")]
    if f.kind == "phone" and not hint:
        lines.append(ctx.t("cm_paying.public_phone"))
    buttons = [ctx.button("cm_paying.btn_clear", B.CM_PINFO_CLEAR + f.code)] if current else []
    buttons += [ctx.button("cm_paying.btn_list", B.CM_PINFO), ctx.button("menu.btn_cancel", B.CANCEL)]
    return [Text("\n".join(lines), tuple(buttons))]


@handles(postbacks=(B.CM_PINFO_FIELD,), dialog=DIALOG)
def pick(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = _authorized(incoming, ctx, "edit")
    if not isinstance(acting, guard.Acting):
        return acting
    f = _field_of(incoming.postback or "", B.CM_PINFO_FIELD)
    return _stale(ctx) if f is None else _ask(ctx, acting, f)


@handles(states=(VALUE,))
def typed(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = _authorized(incoming, ctx, "edit")
    if not isinstance(acting, guard.Acting):
        return acting
    assert acting.fund is not None
    f = fund_paying.BY_KEY.get(str(ctx.state_data.get("field")))
    if f is None:
        return _stale(ctx)
    try:
        value = fund_paying.parse(f, incoming.text or "")
    except InvalidValue as bad:
        typed_length = len(" ".join((incoming.text or "").split()))
        return _ask(ctx, acting, f, ctx.t(f"cm_paying.error_{bad.reason}", length=typed_length,
                                          max=f.max_length))
    old = getattr(acting.fund, f.column)
    if old == value:
        ctx.clear_state()
        return [Text(ctx.t("cm_paying.unchanged", field=_label(ctx, f)), _back(ctx))]
    return _summary(ctx, f, old, value)


@handles(postbacks=(B.CM_PINFO_CLEAR,), dialog=DIALOG)
def clear(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = _authorized(incoming, ctx, "edit")
    if not isinstance(acting, guard.Acting):
        return acting
    assert acting.fund is not None
    f = _field_of(incoming.postback or "", B.CM_PINFO_CLEAR)
    if f is None:
        return _stale(ctx)
    old = getattr(acting.fund, f.column)
    if old is None:
        return [Text(ctx.t("cm_paying.unchanged", field=_label(ctx, f)), _back(ctx))]
    return _summary(ctx, f, old, None)


def _summary(ctx: Context, f: Field, old: str | None, new: str | None, token: str | None = None,
             hint: bool = False) -> list[Reply]:
    token = token or confirmations.new_token()
    ctx.set_state(CONFIRM, {"field": f.key, "value": new, "token": token})
    none = ctx.t("cm_paying.not_set")
    if new is None:
        text = ctx.t("cm_paying.confirm_clear", field=_label(ctx, f), old=fund_paying.shown(f, old))
    else:
        text = ctx.t("cm_paying.confirm_set", field=_label(ctx, f), old=fund_paying.shown(f, old) or none,
                     new=fund_paying.shown(f, new))
    if hint:
        text = ctx.t("cm_paying.confirm_hint") + "\n" + text
    return [Text(text, (ctx.button("cm_paying.btn_confirm", B.CM_PINFO_CONFIRM + token),
                        ctx.button("menu.btn_cancel", B.CANCEL)))]


@handles(postbacks=(B.CM_PINFO_CONFIRM,), states=(CONFIRM,), dialog=DIALOG)
def confirm(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = _authorized(incoming, ctx, "confirm")
    if not isinstance(acting, guard.Acting):
        return acting
    fund = acting.fund
    assert fund is not None
    data = ctx.state_data
    f = fund_paying.BY_KEY.get(str(data.get("field")))
    if not incoming.postback:  # typed at the summary: it stays open
        if ctx.state_name != CONFIRM or f is None:
            return _stale(ctx)
        return _summary(ctx, f, getattr(fund, f.column), data.get("value"), str(data.get("token")), hint=True)
    token = incoming.postback.removeprefix(B.CM_PINFO_CONFIRM)
    if ctx.state_name != CONFIRM or f is None or data.get("token") != token:
        return _spent_or_stale(ctx, token)
    if not confirmations.spend(ctx.session, token, action="fund.paying", actor=acting.actor, at=ctx.now):
        return _spent_or_stale(ctx, token)
    value = data.get("value")
    changes: dict[str, str | None] = {f.key: value}
    if f.key in ENGLISH_TWIN:
        changes[ENGLISH_TWIN[f.key]] = None
    try:
        fund_paying.set_fields(ctx.session, fund, changes, actor=acting.actor)
    except InvalidValue:  # forged or from an older check: ask again
        return _ask(ctx, acting, f)
    confirmations.record_result(ctx.session, token, f"paying:{f.code}:{'set' if value else 'cleared'}")
    ctx.clear_state()
    done = ctx.t("cm_paying.saved" if value is not None else "cm_paying.cleared", field=_label(ctx, f))
    return [Text(done + "\n\n" + how_to_pay(Paying.of(fund), ctx.locale), _back(ctx))]


def _spent_or_stale(ctx: Context, token: str) -> list[Reply]:
    """A confirmation pressed again (or delivered twice): what the first press did, nothing more."""
    result = confirmations.result_of(ctx.session, token)
    if result is None:
        return _stale(ctx)
    ctx.clear_state()
    return [Text(ctx.t("committee.already_done"), _back(ctx))]
