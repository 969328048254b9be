"""A press of "which year?" at the birth-date step (`birth`): the step's own handler answers it."""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply
from handlers.register import apply, dialog, link
from handlers.register.data import APPLY_BIRTH, LINK_BIRTH


@dialog.step(postbacks=(B.REG_BIRTH_YEAR,))
def birth_year(incoming: Incoming, ctx: Context) -> list[Reply]:
    if ctx.state_name == APPLY_BIRTH:
        return apply.birth_date(incoming, ctx)
    if ctx.state_name == LINK_BIRTH:
        return link.birth_date(incoming, ctx)
    return dialog.stale(ctx)  # the question was answered, or the registration ended
