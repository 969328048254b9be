"""Small talk: thanks, "โอเค", laughter and stickers get a short warm answer and the menu; a greeting
the welcome.

In a group the bot does not chatter: one short line, no buttons, no name (a name is personal data).
"""

from __future__ import annotations

from handlers.base import Context, Incoming, Reply, Text, handles
from handlers.menu import menu_reply, welcome

KINDS = ("thanks", "greeting", "ok", "laugh", "sticker")


def kind_of(ctx: Context) -> str:
    detail = getattr(ctx.extras.get("understood"), "detail", None)
    return detail if detail in KINDS else "ok"


@handles(intents=("smalltalk",))
def small_talk(incoming: Incoming, ctx: Context) -> list[Reply]:
    kind = kind_of(ctx)
    if incoming.in_group:
        return [Text(ctx.t(f"smalltalk.group_{kind}"))]
    if kind == "greeting":  # the welcome: by name when linked, what the bot does when not
        return welcome(incoming, ctx)
    return [menu_reply(ctx, ctx.t(f"smalltalk.{kind}"))]
