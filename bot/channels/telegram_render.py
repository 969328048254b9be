"""Neutral replies as Telegram messages: HTML text, inline keyboards, long answers split.

Every dynamic value is HTML-escaped; markup is only added here, around escaped text, and never spans
a line, so a message can be cut at any line boundary and each part stays valid HTML. Lengths are
counted in UTF-16 code units, as Telegram counts them (Thai is one unit a character, most emoji
two), and on the HTML source, which is never shorter than the text Telegram shows.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from handlers.base import Button, Card, Reply, Text
from locales import translate

MAX_TEXT = 4096  # sendMessage text, characters after entity parsing
MAX_CALLBACK_DATA = 64  # bytes; a Thai character takes 3
WIDE_LABEL = 18  # a label longer than this gets a row of its own on a phone screen
PER_ROW = 2


@dataclass(frozen=True)
class OutgoingMessage:
    """One sendMessage call: HTML text and an optional keyboard."""

    text: str
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None


def escape(value: object) -> str:
    """Text safe inside Telegram HTML: &, < and > become entities (quotes need none in text)."""
    return html.escape(str(value), quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render(replies: Iterable[Reply], limit: int = MAX_TEXT) -> list[OutgoingMessage]:
    messages: list[OutgoingMessage] = []
    for reply in replies:
        messages.extend(render_reply(reply, limit))
    return messages


def render_reply(reply: Reply, limit: int = MAX_TEXT) -> list[OutgoingMessage]:
    lines = card_lines(reply, limit) if isinstance(reply, Card) else _wrap(reply.text, None, limit)
    parts = split_lines(lines, limit) or ["…"]
    if isinstance(reply, Text) and reply.request_contact:
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = contact_keyboard(reply)
    else:
        markup = inline_keyboard(reply.buttons)
    # The keyboard goes with the last part, under the end of the answer.
    return [OutgoingMessage(part) for part in parts[:-1]] + [OutgoingMessage(parts[-1], markup)]


def card_lines(card: Card, limit: int = MAX_TEXT) -> list[str]:
    """A card as a clear text block: bold title, "label: value" lines, an italic footer."""
    lines = _wrap(card.title, "b", limit)
    for row in card.rows:
        first, *rest = (row.value or "").split("\n")
        lead = f"{row.label}: {first}" if row.label else first
        lines += _wrap(lead, None, limit)
        for more in rest:
            lines += _wrap(more, None, limit)
    if card.footer:
        lines.append("")
        lines += _wrap(card.footer, "i", limit)
    return lines


def _wrap(text: str, tag: str | None, limit: int) -> list[str]:
    """Escaped HTML lines for `text`, each inside `tag`; a line too long is cut into pieces."""
    out: list[str] = []
    for raw in text.split("\n"):
        if not raw.strip():
            out.append("")
            continue
        for piece in _pieces(raw, limit - (utf16_len(tag) * 2 + 5 if tag else 0)):
            out.append(f"<{tag}>{piece}</{tag}>" if tag else piece)
    return out


def _pieces(raw: str, limit: int) -> list[str]:
    """Escaped pieces of one line, each at most `limit` long, never cutting an entity or a
    Thai vowel or tone mark from its consonant."""
    pieces: list[str] = []
    current, size = "", 0
    for ch in raw:
        escaped = escape(ch)
        width = utf16_len(escaped)
        if size + width > limit and current and unicodedata.category(ch) != "Mn":
            pieces.append(current)
            current, size = "", 0
        current += escaped
        size += width
    if current:
        pieces.append(current)
    return pieces


def split_lines(lines: list[str], limit: int = MAX_TEXT) -> list[str]:
    """Join lines into as few messages as fit, cutting only between lines."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        width = utf16_len(line) + (1 if current else 0)
        if current and size + width > limit:
            parts.append("\n".join(current))
            current, size = [], 0
            width = utf16_len(line)
        if not current and not line:
            continue  # no part starts with a blank line
        current.append(line)
        size += width
    if current:
        parts.append("\n".join(current))
    return [part.strip("\n") for part in parts if part.strip()]


def inline_keyboard(buttons: Iterable[Button]) -> InlineKeyboardMarkup | None:
    """Buttons two to a row (one when a label is long), carrying their data as callback_data."""
    rows: list[list[InlineKeyboardButton]] = []
    pending: list[InlineKeyboardButton] = []
    for button in buttons:
        check_callback_data(button.data)
        label = button.label.strip() or button.data
        item = InlineKeyboardButton(label, callback_data=button.data)
        if _visual_len(label) > WIDE_LABEL:
            if pending:
                rows.append(pending)
                pending = []
            rows.append([item])
            continue
        if len(pending) == PER_ROW:
            rows.append(pending)
            pending = []
        pending.append(item)
    if pending:
        rows.append(pending)
    return InlineKeyboardMarkup(rows) if rows else None


def _visual_len(label: str) -> int:
    """Characters that take room: Thai vowel and tone marks above or below a consonant do not."""
    return sum(1 for ch in label if unicodedata.category(ch) != "Mn")


def check_callback_data(data: str) -> None:
    size = len(data.encode("utf-8"))
    if not 1 <= size <= MAX_CALLBACK_DATA:
        raise ValueError(
            f"button data must be 1-{MAX_CALLBACK_DATA} bytes for Telegram, {data!r} is {size}"
        )


def contact_keyboard(reply: Text) -> ReplyKeyboardMarkup:
    """A one-time keyboard whose first button shares the user's own phone number.

    A keyboard button sends its label as text, so the reply's other buttons (e.g. "ยกเลิก") are
    offered as typed words: dialogs that ask for a contact understand their buttons' labels.
    """
    locale = "th" if any("\u0e00" <= ch <= "\u0e7f" for ch in reply.text) else "en"
    share = KeyboardButton(translate(locale, "telegram.share_phone"), request_contact=True)
    rows = [[share]]
    others = [KeyboardButton(b.label) for b in reply.buttons if b.label.strip()]
    if others:
        rows.append(others)
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
