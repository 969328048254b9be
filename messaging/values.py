"""What came in from a chat and what goes back: small frozen values, never SDK objects.

Each channel turns its platform event into one `Incoming` and renders `Reply` values in its own way,
falling back to plain text for what the platform cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Incoming:
    channel: str  # line | telegram | simulator
    user_id: str
    text: str | None = None
    postback: str | None = None  # short ASCII button data, e.g. "acct" or "reg:fund:PKT-CITY"
    contact_phone: str | None = None  # a phone the user shared as their own (Telegram contact)
    # A contact card the user shared that is not their own number: nothing of it is kept, and the
    # conversation says why it cannot be used.
    foreign_contact: bool = False
    event_id: str | None = None
    display_name: str | None = None
    in_group: bool = False  # never show personal data where others can read it
    sticker: bool = False  # a sticker (LINE, Telegram, the simulator): answered as small talk


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Text:
    text: str
    buttons: tuple[Button, ...] = ()
    # Ask for the user's own phone number with a share button where the platform has one
    # (Telegram's contact keyboard); other channels show the text and buttons as usual.
    request_contact: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Card:
    """A titled block of label/value rows; `text` is the same content as plain text."""

    title: str
    rows: tuple[Row, ...]
    footer: str | None = None
    buttons: tuple[Button, ...] = ()
    alt_text: str | None = None  # a one-line summary, e.g. for a chat list preview

    @property
    def text(self) -> str:
        lines = [self.title, *(f"{r.label}: {r.value}" if r.label else r.value for r in self.rows)]
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)


Reply = Text | Card


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """The simulator's JSON shape, also how pushed messages are stored (outbox, simulator inbox)."""
    data: dict[str, Any] = {
        "text": reply.text,
        "buttons": [{"label": b.label, "postback": b.data} for b in reply.buttons],
    }
    if isinstance(reply, Card):
        data["card"] = {
            "title": reply.title,
            "rows": [{"label": r.label, "value": r.value} for r in reply.rows],
            "footer": reply.footer,
        }
        data["alt_text"] = reply.alt_text or reply.title
    return data


def reply_from_dict(data: dict[str, Any]) -> Reply:
    buttons = tuple(Button(b["label"], b["postback"]) for b in data.get("buttons", []))
    card = data.get("card")
    if card:
        return Card(
            title=card["title"],
            rows=tuple(Row(r["label"], r["value"]) for r in card["rows"]),
            footer=card.get("footer"),
            buttons=buttons,
            alt_text=data.get("alt_text"),
        )
    return Text(data["text"], buttons)
