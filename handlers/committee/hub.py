"""The committee's menu: the tools a role-holder may use, one tap each."""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Button, Context, Incoming, Reply, Text, handles
from handlers.committee import guard

# (tool button, label key, roles that may use it): the tools' own modules check again on each press.
TOOLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (B.CM_ANNOUNCE, "committee.btn_announce", guard.ANNOUNCE),
    (B.CM_MEETINGS, "committee.btn_meetings", guard.MEETINGS),
    (B.CM_PAYMENTS, "committee.btn_payments", guard.MONEY),
    (B.CM_APPLICATIONS, "committee.btn_applications", guard.APPLICATIONS),
    (B.CM_REPORTS, "committee.btn_reports", guard.REPORTS),
    (B.CM_PINFO, "cm_paying.btn_tool", guard.MONEY),
)


def tool_buttons(ctx: Context, acting: guard.Acting) -> tuple[Button, ...]:
    buttons = [ctx.button(label, data) for data, label, allowed in TOOLS
               if acting.powers.may(allowed, acting.powers.fund_id)]
    return (*buttons, ctx.button("menu.btn_menu", B.MENU))


@handles(postbacks=(B.COMMITTEE,), intents=("committee",))
def committee_menu(incoming: Incoming, ctx: Context) -> list[Reply]:
    acting = guard.authorize(incoming, ctx, "committee.menu", (*guard.REPORTS, *guard.MONEY))
    if not isinstance(acting, guard.Acting):
        return acting
    ctx.clear_state()
    assert acting.fund is not None
    key = "committee.menu_admin" if acting.admin else "committee.menu"
    return [Text(ctx.t(key, fund=acting.fund.name(ctx.locale)), tool_buttons(ctx, acting))]


@handles(postbacks=(B.CM_ANY,))
def stale_committee_button(incoming: Incoming, ctx: Context) -> list[Reply]:
    """A committee button from an older version, or one made up: checked like any press."""
    acting = guard.authorize(incoming, ctx, "committee.stale", (*guard.REPORTS, *guard.MONEY))
    if not isinstance(acting, guard.Acting):
        return acting
    return [Text(ctx.t("menu.stale_button"), tool_buttons(ctx, acting))]
