"""Who may act as committee, checked on every press: a button's data can be forged.

A committee tool calls `authorize` first, with the roles that may use it and, when the press names a
thing of a fund (a meeting, a payment, an application), that fund. A refusal is polite, says nothing
of what was asked for, and is audited (who, what, why: never personal data). A tool never works in a
group chat: what it shows is the fund's business, and often a member's.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text
from models import Fund, Member, audit
from services import accounts, roles
from services.roles import Powers

# Who may use what (an admin may use everything, on every fund).
ANNOUNCE = ("committee",)
MEETINGS = ("committee",)
MONEY = ("treasurer", "committee")
TREASURER = ("treasurer",)
APPLICATIONS = ("committee",)
REPORTS = ("committee", "treasurer")
NETWORK = ("admin",)  # the whole network: no fund role is enough

OWN_FUND = -1  # `fund_id` default: the fund of the member acting


@dataclass(frozen=True)
class Acting:
    """A committee member allowed to do what they asked: the audit names them by their chat."""

    member: Member
    powers: Powers
    actor: str
    fund: Fund | None  # the fund acted on; None for the network

    @property
    def admin(self) -> bool:
        return self.powers.admin


def powers(ctx: Context) -> Powers | None:
    if "powers" not in ctx.extras:  # asked by the menu and by the tool in one event
        ctx.extras["powers"] = roles.powers_of(ctx.session, ctx.member)
    return ctx.extras["powers"]


def has_committee_menu(ctx: Context) -> bool:
    """Whether this chat sees the committee entry: a role-holder, in a private chat."""
    if ctx.member is None or ctx.extras.get("in_group"):
        return False
    found = powers(ctx)
    return found is not None and found.any


def authorize(incoming: Incoming, ctx: Context, action: str, allowed: tuple[str, ...], *,
              fund_id: int | None = OWN_FUND) -> Acting | list[Reply]:
    """An `Acting` when the chat may do `action` on `fund_id` (None: the network), else the refusal."""
    found = powers(ctx)
    actor = accounts.chat_actor(ctx.account)
    if incoming.in_group:
        return _refuse(ctx, actor, action, "in_group", "committee.private_only")
    if found is None or not found.any:
        return _refuse(ctx, actor, action, "no_role", "committee.refused")
    target = found.fund_id if fund_id == OWN_FUND else fund_id
    if not found.may(allowed, target):
        reason = "other_fund" if target != found.fund_id else "role"
        return _refuse(ctx, actor, action, reason, "committee.refused_role" if reason == "role"
                       else "committee.refused")
    member = ctx.member
    assert member is not None
    fund = ctx.session.get(Fund, target) if target is not None else None
    return Acting(member, found, actor, fund)


def _refuse(ctx: Context, actor: str, action: str, reason: str, key: str) -> list[Reply]:
    audit(ctx.session, actor, "committee.refused", "chat", ctx.account.id, tried=action[:40], reason=reason)
    ctx.clear_state()  # a refused step never continues a dialog it may have forged its way into
    return [Text(ctx.t(key), (ctx.button("menu.btn_menu", B.MENU),))]
