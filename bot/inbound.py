"""What of an `Incoming` may reach the database: every value a platform sends, made to fit its column
before the core stores anything, whatever the channel.

- An event id longer than its column (or not printable ASCII) is replaced by its SHA-256: a fixed
  length, and the same for each redelivery, so deduplication still holds.
- A user id that does not fit (longer than the column, empty, or with control characters) cannot be
  stored or answered: the event is refused. The webhook still answers 200, since the platform would
  only send the same id again (forever, on retries), and the other events of the same body go on.
- A display name loses control characters (NUL included) and is cut to its column.
- Text loses NUL (PostgreSQL refuses it) and unpaired surrogates (not encodable), and is cut to a
  length no chat sends; a postback that is not short printable ASCII is not our button: refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from messaging.values import Incoming
from models import ChatAccount, ProcessedEvent

MAX_EVENT_ID = ProcessedEvent.__table__.c.event_id.type.length
MAX_USER_ID = ChatAccount.__table__.c.external_user_id.type.length
MAX_DISPLAY_NAME = ChatAccount.__table__.c.display_name.type.length
MAX_TEXT = 5000  # LINE's limit; Telegram's is 4096
MAX_POSTBACK = 300  # LINE's limit; Telegram's is 64 bytes
MAX_PHONE = 32
HASHED_PREFIX = "sha256:"

_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


class Refused(ValueError):
    """An event whose user id or button data cannot be stored: ignored, never answered."""


def event_id(value: str | None) -> str | None:
    """The event id as stored: as it is when it fits, else a fixed-length digest of it."""
    if value is not None and not isinstance(value, str):
        value = repr(value)  # a lenient parser let a number or a list through
    if value is None or (len(value) <= MAX_EVENT_ID and value.isascii() and value.isprintable()):
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return HASHED_PREFIX + digest


def user_id_fits(value: object) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= MAX_USER_ID and value.isprintable()
            and bool(value.strip()))


def display_name(value: str | None) -> str | None:
    if not isinstance(value, str):
        return None
    name = " ".join(_UNSAFE_NAME.sub(" ", value).split())[:MAX_DISPLAY_NAME].strip()
    return name or None


def text(value: str | None) -> str | None:
    if not isinstance(value, str):
        return None
    return _UNSAFE_TEXT.sub("", value)[:MAX_TEXT]


def _short_ascii(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and value.isascii() and value.isprintable()


def checked(incoming: Incoming) -> Incoming:
    """`incoming` with every value fit for the database; Refused when the event cannot be kept."""
    if not user_id_fits(incoming.user_id):
        raise Refused("a user id that cannot be stored")
    postback = incoming.postback
    if postback is not None and not _short_ascii(postback, MAX_POSTBACK):
        raise Refused("button data that no button of ours sends")
    phone = incoming.contact_phone
    if phone is not None and not _short_ascii(phone, MAX_PHONE):
        phone = None  # not a phone number: the dialog asks again
    return dataclasses.replace(
        incoming,
        event_id=event_id(incoming.event_id),
        display_name=display_name(incoming.display_name),
        text=text(incoming.text),
        contact_phone=phone,
    )
