"""Acting once on a confirmation: the summary's token is spent by the first press.

A committee member confirms a summary (send this announcement, record this payment) with a button
whose data carries a fresh token. `spend` inserts the token's row inside a savepoint: the first press
acts, a second press of the same button (or LINE delivering the event again after a timeout) finds
the row and is told what the first one did. The primary key decides, so two workers answering two
presses at the same moment cannot both act.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ConfirmedAction


def new_token() -> str:
    """Short (button data is at most 64 bytes on Telegram) and unguessable."""
    return secrets.token_urlsafe(9)  # 12 characters


def spend(session: Session, token: str, *, action: str, actor: str, at: datetime) -> bool:
    """True the first time `token` is spent (the caller then acts), False after."""
    if not token or len(token) > 24:
        return False
    try:
        with session.begin_nested():
            session.add(ConfirmedAction(token=token, action=action, actor=actor, done_at=at))
    except IntegrityError:
        return False
    return True


def record_result(session: Session, token: str, result: str) -> None:
    """What the spent token made (e.g. "payment:42"), for the answer to a second press."""
    row = session.get(ConfirmedAction, token)
    if row is not None:
        row.result = result[:100]


def result_of(session: Session, token: str) -> str | None:
    row = session.get(ConfirmedAction, token)
    return row.result if row is not None else None
