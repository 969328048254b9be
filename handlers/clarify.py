"""When the words fit two features about as well: ask which one, with a button for each.

The buttons press what the features' own buttons press, so the answer is the feature itself.
"""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Button, Context, Incoming, Reply, Text, handles
from handlers.menu import menu_reply

# Each feature's button: its data, and the label's key.
CHOICES: dict[str, tuple[str, str]] = {
    "account": (B.ACCOUNT, "menu.btn_account"),
    "benefits": (B.BENEFITS, "menu.btn_benefits"),
    "fund": (B.FUND, "menu.btn_fund"),
    "meetings": (B.MEETINGS, "menu.btn_meetings"),
    "register": (B.REGISTER, "menu.btn_register"),
    "language": (B.LANGUAGE, "menu.btn_language"),
    "mydata": (B.MY_DATA, "menu.btn_mydata"),
    "deletedata": (B.DELETE, "settings.btn_delete"),
    "notifications": (B.NOTIFICATIONS, "settings.btn_notifications"),
    "committee": (B.COMMITTEE, "committee.btn_committee"),
    "pay_how": (B.PAY_HOW, "clarify.btn_pay_how"),
    "contact": (B.CONTACT, "clarify.btn_contact"),
    "pay_now": (B.PAY_NOW, "clarify.btn_pay_now"),
    "history": (B.HISTORY, "clarify.btn_history"),
}


def choice_button(ctx: Context, choice: str) -> Button | None:
    """The button for "intent" or "benefit:<code>"; None for a feature without one."""
    intent, _, detail = choice.partition(":")
    if intent == "benefit" and detail:
        fund = ctx.member.fund if ctx.member is not None else None
        rule = next((r for r in fund.benefits if r.code == detail), None) if fund is not None else None
        label = rule.name(ctx.locale) if rule is not None else ctx.t("menu.btn_benefits")
        return Button(label, B.BENEFIT_ONE + detail)
    if intent not in CHOICES:
        return None
    data, key = CHOICES[intent]
    return Button(ctx.t(key), data)


@handles(intents=("unsure",))
def which_one(incoming: Incoming, ctx: Context) -> list[Reply]:
    understood = ctx.extras.get("understood")
    buttons = [b for c in getattr(understood, "choices", ())[:2] if (b := choice_button(ctx, c))]
    if len(buttons) < 2:  # nothing to choose between: the menu has every feature
        return [menu_reply(ctx, ctx.t("menu.not_understood"))]
    return [Text(ctx.t("clarify.which"), (*buttons, ctx.button("menu.btn_menu", B.MENU)))]
