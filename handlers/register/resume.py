"""Back to a registration that waited while the member looked at something else.

The router answers a menu button pressed in the middle of registering and leaves the dialog open
underneath (see `handlers.router`); `waiting` adds the note that says so, with a button to go on
(`resume`) and one to stop (cancel).
"""

from __future__ import annotations

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, handles
from handlers.register import dialog
from handlers.register.data import DIALOG
from handlers.register.steps import STATES
from handlers.router import WAITING


@dialog.step(postbacks=(B.REG_RESUME,))
def resume(incoming: Incoming, ctx: Context) -> list[Reply]:
    """"Continue registering": the step it waits at, asked again with what was given so far."""
    if ctx.state_name not in STATES:
        return dialog.stale(ctx)  # timed out or ended meanwhile: say which
    return dialog.resume(ctx)


@handles(intents=(WAITING + DIALOG,))
def waiting(incoming: Incoming, ctx: Context) -> list[Reply]:
    """The registration stays open under another feature's answer: say how to go back to it."""
    if incoming.in_group or ctx.member is not None:
        return []
    return dialog.waiting_note(ctx)
