"""What a member wants pushed: each kind (dues, meetings, announcements) on or off, from the chat.

Answers to what the member asks always come; these choices only stop what the bot would start by
itself (services.recipients reads them). A change is audited with the kinds only, no personal data.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import Member, OutboxMessage, audit
from services import outbox

KINDS = ("dues", "meetings", "announcements")
# The outbox kind each choice stops. Not the lapse warning: it is about losing the membership, so it
# comes whatever the member chose (scheduler/jobs/dues.py).
ROW_KIND = {"dues": "dues_reminder", "meetings": "meeting_reminder", "announcements": "announcement"}


def choices(member: Member) -> dict[str, bool]:
    return {kind: bool(getattr(member, f"notify_{kind}")) for kind in KINDS}


def set_choices(session: Session, member: Member, wanted: dict[str, bool], *, actor: str) -> dict[str, bool]:
    """Turn the named kinds on or off; returns what changed (nothing audited when nothing did)."""
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise ValueError(f"not a kind of notification: {sorted(unknown)}")
    changed = {kind: on for kind, on in wanted.items() if getattr(member, f"notify_{kind}") != on}
    for kind, on in changed.items():
        setattr(member, f"notify_{kind}", on)
    off = [ROW_KIND[kind] for kind, on in changed.items() if not on]
    if off:  # what was written before the choice and still waits goes no more
        outbox.withdraw(session, OutboxMessage.member_id == member.id, OutboxMessage.kind.in_(off),
                        reason="notifications turned off")
    if changed:
        session.flush()
        audit(session, actor, "member.notifications", "member", member.id, **changed)
    return changed


def set_all(session: Session, member: Member, on: bool, *, actor: str) -> dict[str, bool]:
    return set_choices(session, member, dict.fromkeys(KINDS, on), actor=actor)
