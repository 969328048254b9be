"""Registration: link this chat to a member on a fund's roster, or apply to join a fund.

Two paths after "are you already a member?" (`start`):
- link (`link`): privacy notice and consent, national ID, birth date, the phone on file; a match
  links this chat (a member with no phone on file waits for a committee member instead). Failed tries
  pause this chat, and lock the ID on every chat (`services.linking`).
- apply (`apply`): privacy notice and consent (or a polite decline that stores nothing), name,
  national ID, birth date, phone (a mobile or a landline, typed or shared as a Telegram contact, or
  none), district (or a ตำบล, `places`), fund, a summary with a button per answer to change just that
  one, confirm: a pending member the committee will review, holding what was typed (with an ID
  already on a roster too: the same answers, never a link to that member; `services.membership`).

At the birth-date step of either path, a two-digit year that makes a child of a grown-up ("15/1/67":
2567 or 1967) is asked about with a button per year (`birth`, pressed through `year`); the summary
shows the age beside the date.

`steps` lists the steps of each path in order; each step has its own small handler that the router
reaches by the dialog's state; `dialog` moves between them; `services.membership` does the writing.
"""

from handlers.register import apply, consent, link, resume, start, year
from handlers.register.steps import STATES
from services.membership import CONSENT_VERSION

MODULES = [start, resume, consent, link, apply, year]

__all__ = ["CONSENT_VERSION", "MODULES", "STATES"]
