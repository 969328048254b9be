"""Neutral replies (`Text`, `Card`) to LINE messages that look native there.

- `Text` becomes a text message; its buttons become **quick reply** postback buttons (the row of
  bubbles above the keyboard), each showing its label as the member's own message when tapped.
- `Card` becomes a **Flex Message** bubble: a coloured title header, one label/value line per row
  (wrapping, since Thai values are long), the footer note; `altText` is what the chat list shows.
- Only the last message of an answer carries quick replies (LINE shows them only there). Buttons of
  an earlier reply become postback buttons inside a bubble, so none is lost.
- LINE's limits: at most 5 messages a request, 5,000 characters a text, 13 quick replies, labels of
  20 (quick reply) or 40 (Flex button) characters, 400 characters of alt text, 300 bytes of data.
  Long text is split on line boundaries; too many messages are first merged (texts joined, cards put
  into a carousel), and only then split into several requests (`batches`).

Messages are built as plain LINE JSON (easy to test against the OpenAPI spec) and turned into the
SDK's v3 models by `to_sdk`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from linebot.v3.messaging import Message

from handlers.base import Button, Card, Reply

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_QUICK_LABEL = 20
MAX_BUTTON_LABEL = 40
MAX_ALT_TEXT = 400
MAX_DATA = 300
MAX_DISPLAY_TEXT = 300
MAX_BUBBLES = 12  # in one carousel
MAX_BUBBLE_TEXT = 2000  # a text shown inside a bubble (which holds at most 30 KB)

HEADER_COLOUR = "#0B6E4F"  # a deep green, readable with white text
LABEL_COLOUR = "#6B7280"
VALUE_COLOUR = "#111827"
NOTE_COLOUR = "#4B5563"

JSON = dict[str, Any]


def units(text: str) -> int:
    """Length as LINE counts it (UTF-16 code units: an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


def one_line(text: str) -> str:
    return " ".join(text.split())


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending with an ellipsis when cut."""
    if units(text) <= limit:
        return text
    out = []
    used = 0
    for ch in text:
        n = units(ch)
        if used + n > limit - 1:
            break
        out.append(ch)
        used += n
    return "".join(out).rstrip() + "…"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most `limit` characters, cut between lines (or words, for a giant line)."""
    if not text.strip():
        return ["-"]  # LINE refuses an empty text
    if units(text) <= limit:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in _hard_split(line, limit):
            extra = units(piece) + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                extra = units(piece)
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    return [c for c in chunks if c.strip()] or ["-"]


def _hard_split(line: str, limit: int) -> Iterable[str]:
    while units(line) > limit:
        cut = len(line[:limit].encode("utf-16-le")[: limit * 2].decode("utf-16-le", "ignore"))
        space = line.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space
        yield line[:cut].rstrip()
        line = line[cut:].lstrip()
    yield line


def postback(button: Button, label_limit: int) -> JSON:
    label = one_line(button.label)
    return {
        "type": "postback",
        "label": clip(label, label_limit),
        "data": button.data,
        # What the member sees as their own message when tapping: the whole label.
        "displayText": clip(label, MAX_DISPLAY_TEXT),
    }


def usable(buttons: Iterable[Button]) -> list[Button]:
    """Buttons LINE will accept (data of at most 300 bytes, a label)."""
    return [b for b in buttons if b.label.strip() and b.data and len(b.data.encode()) <= MAX_DATA]


def quick_reply(buttons: Sequence[Button]) -> JSON:
    return {"items": [{"type": "action", "action": postback(b, MAX_QUICK_LABEL)}
                      for b in buttons[:MAX_QUICK_REPLIES]]}


def _text(value: str, **style: Any) -> JSON:
    return {"type": "text", "text": value if value.strip() else "-", "wrap": True, **style}


def _buttons_box(buttons: Sequence[Button]) -> list[JSON]:
    return [{"type": "button", "style": "primary" if i == 0 else "secondary", "height": "sm",
             "color": HEADER_COLOUR if i == 0 else None, "action": postback(b, MAX_BUTTON_LABEL)}
            for i, b in enumerate(buttons)]


def _strip_none(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_strip_none(v) for v in node]
    return node


def card_bubble(card: Card, buttons: Sequence[Button] = ()) -> JSON:
    """A Flex bubble: title header, label/value rows, footer note and postback buttons."""
    rows: list[JSON] = []
    for row in card.rows:
        if row.label:
            rows.append({"type": "box", "layout": "horizontal", "spacing": "md", "contents": [
                _text(row.label, size="sm", color=LABEL_COLOUR, flex=2),
                _text(row.value, size="sm", color=VALUE_COLOUR, flex=3, weight="bold"),
            ]})
        else:
            rows.append(_text(row.value, size="sm", color=VALUE_COLOUR))
    bubble: JSON = {
        "type": "bubble",
        "header": {"type": "box", "layout": "vertical", "backgroundColor": HEADER_COLOUR,
                   "paddingAll": "16px",
                   "contents": [_text(card.title, weight="bold", size="lg", color="#FFFFFF")]},
        "body": {"type": "box", "layout": "vertical", "spacing": "md",
                 "contents": rows or [_text("-", size="sm")]},
    }
    footer: list[JSON] = []
    if card.footer:
        footer.append(_text(card.footer, size="sm", color=NOTE_COLOUR))
    if buttons:
        if footer:
            footer.append({"type": "separator", "margin": "md"})
        footer += _buttons_box(buttons)
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}
    return _strip_none(bubble)


def text_bubble(text: str, buttons: Sequence[Button]) -> JSON:
    """A text with buttons that must stay tappable in the chat history (not the last message)."""
    return _strip_none({
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": [_text(text, size="md")]},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": _buttons_box(buttons)},
    })


def flex(alt_text: str, contents: JSON) -> JSON:
    return {"type": "flex", "altText": clip(one_line(alt_text) or "-", MAX_ALT_TEXT), "contents": contents}


def render(replies: Sequence[Reply]) -> list[JSON]:
    """All the LINE messages (plain JSON) for one answer; `batches` cuts them into requests."""
    messages: list[JSON] = []
    last_buttons: list[Button] = []
    for i, reply in enumerate(replies):
        last = i == len(replies) - 1
        buttons = usable(reply.buttons)
        # The last reply's buttons go to the quick reply, unless there are too many for it.
        as_quick = last and len(buttons) <= MAX_QUICK_REPLIES
        inline = [] if as_quick else buttons
        if as_quick:
            last_buttons = buttons
        if isinstance(reply, Card):
            alt = reply.alt_text or reply.title
            messages.append(flex(alt, card_bubble(reply, inline)))
        elif inline and units(reply.text) <= MAX_BUBBLE_TEXT:
            messages.append(flex(reply.text, text_bubble(reply.text, inline)))
        elif inline:  # too long for a bubble: the whole text first, then its buttons
            chunks = split_text(reply.text)
            messages += [{"type": "text", "text": chunk} for chunk in chunks]
            messages.append(flex(reply.text, text_bubble(clip(one_line(chunks[-1]), 120), inline)))
        else:
            messages += [{"type": "text", "text": chunk} for chunk in split_text(reply.text)]
    messages = _fit(messages)
    if last_buttons and messages:
        messages[-1]["quickReply"] = quick_reply(last_buttons)
    return messages


def _fit(messages: list[JSON]) -> list[JSON]:
    """Merge texts, then cards, until the answer fits one request, if it can."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    merged: list[JSON] = []
    for message in messages:
        prev = merged[-1] if merged else None
        if (prev is not None and prev["type"] == message["type"] == "text"
                and units(prev["text"]) + 2 + units(message["text"]) <= MAX_TEXT):
            prev["text"] = prev["text"] + "\n\n" + message["text"]
        else:
            merged.append(dict(message))
    if len(merged) <= MAX_MESSAGES:
        return merged
    carousels: list[JSON] = []
    for message in merged:
        prev = carousels[-1] if carousels else None
        if (prev is not None and prev["type"] == message["type"] == "flex"
                and message["contents"]["type"] == "bubble"):
            if prev["contents"]["type"] == "bubble":
                prev["contents"] = {"type": "carousel", "contents": [prev["contents"]]}
            if len(prev["contents"]["contents"]) < MAX_BUBBLES:
                prev["contents"]["contents"].append(message["contents"])
                prev["altText"] = clip(prev["altText"] + " · " + message["altText"], MAX_ALT_TEXT)
                continue
        carousels.append(message)
    return carousels


def batches(messages: list[JSON]) -> list[list[JSON]]:
    """Requests of at most 5 messages; only the first can be a (free) reply."""
    return [messages[i:i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)] or []


def to_sdk(messages: Iterable[JSON]) -> list[Message]:
    """The SDK's v3 message models (validated by the SDK) for plain LINE JSON."""
    return [Message.from_dict(m) for m in messages]
