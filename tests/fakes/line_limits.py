"""LINE's documented limits that the Messaging API's OpenAPI schema does not carry: text and alt-text
lengths, quick-reply, Flex-button and rich-menu label lengths, display text, bubble and carousel
sizes, rich menu sizes and areas. `LimitChecker` lists what a message array or a rich menu breaks;
the fake LINE (`line_server.FakeLine`) answers such a request 400, as LINE does."""

from __future__ import annotations

import json
from typing import Any

MAX_TEXT = 5000  # characters (UTF-16 code units) in a text message
MAX_ALT_TEXT = 400
MAX_QUICK_REPLY_LABEL = 20
MAX_FLEX_BUTTON_LABEL = 40
MAX_RICHMENU_LABEL = 20
MAX_DISPLAY_TEXT = 300
MAX_BUBBLE_BYTES = 30 * 1024
MAX_CAROUSEL_BYTES = 50 * 1024
MAX_RICHMENU_IMAGE = 1024 * 1024


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class LimitChecker:
    """LINE's rules beyond the OpenAPI schema, for message arrays and rich menus."""

    def messages(self, messages: Any) -> list[str]:
        errors: list[str] = []
        if not isinstance(messages, list):
            return errors
        for i, message in enumerate(messages):
            if not isinstance(message, dict):
                continue
            where = f"messages/{i}"
            kind = message.get("type")
            if kind == "text":
                text = message.get("text")
                if isinstance(text, str):
                    if not text.strip():
                        errors.append(f"{where}/text: must not be empty")
                    if utf16_len(text) > MAX_TEXT:
                        errors.append(f"{where}/text: {utf16_len(text)} characters, max {MAX_TEXT}")
            if kind == "flex":
                alt = message.get("altText")
                if isinstance(alt, str):
                    if not alt.strip():
                        errors.append(f"{where}/altText: must not be empty")
                    if utf16_len(alt) > MAX_ALT_TEXT:
                        errors.append(f"{where}/altText: {utf16_len(alt)} characters, max {MAX_ALT_TEXT}")
                contents = message.get("contents", {})
                size = len(json.dumps(contents, ensure_ascii=False).encode())
                limit = MAX_CAROUSEL_BYTES if contents.get("type") == "carousel" else MAX_BUBBLE_BYTES
                if size > limit:
                    errors.append(f"{where}/contents: {size} bytes, max {limit}")
                if contents.get("type") == "carousel" and len(contents.get("contents", [])) > 12:
                    errors.append(f"{where}/contents: more than 12 bubbles")
                errors += self._flex(contents, f"{where}/contents")
            quick = message.get("quickReply")
            if isinstance(quick, dict):
                for j, item in enumerate(quick.get("items") or []):
                    action = item.get("action") if isinstance(item, dict) else None
                    errors += self.action(action, f"{where}/quickReply/items/{j}/action",
                                          MAX_QUICK_REPLY_LABEL, label_required=True)
        return errors

    def _flex(self, node: Any, where: str) -> list[str]:
        errors: list[str] = []
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "text" and not node.get("contents"):
                text = node.get("text")
                if not isinstance(text, str) or not text.strip():
                    errors.append(f"{where}: a flex text needs non-empty text")
            if kind == "button":
                errors += self.action(node.get("action"), f"{where}/action", MAX_FLEX_BUTTON_LABEL,
                                      label_required=True)
            elif "action" in node:
                errors += self.action(node.get("action"), f"{where}/action", MAX_FLEX_BUTTON_LABEL)
            for key, value in node.items():
                if key != "action":
                    errors += self._flex(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                errors += self._flex(item, f"{where}/{i}")
        return errors

    def action(self, action: Any, where: str, max_label: int, *, label_required: bool = False) -> list[str]:
        if not isinstance(action, dict):
            return []
        errors = []
        label = action.get("label")
        if label is None and label_required:
            errors.append(f"{where}/label: required here")
        if isinstance(label, str):
            if not label.strip():
                errors.append(f"{where}/label: must not be empty")
            if utf16_len(label) > max_label:
                errors.append(f"{where}/label: {utf16_len(label)} characters, max {max_label}")
        display = action.get("displayText")
        if isinstance(display, str) and not 0 < utf16_len(display) <= MAX_DISPLAY_TEXT:
            errors.append(f"{where}/displayText: 1 to {MAX_DISPLAY_TEXT} characters")
        if action.get("type") == "postback" and not isinstance(action.get("data"), str):
            errors.append(f"{where}/data: a postback action needs data")
        return errors

    def richmenu(self, menu: Any) -> list[str]:
        if not isinstance(menu, dict):
            return []
        errors = []
        size = menu.get("size") or {}
        width, height = size.get("width", 0), size.get("height", 0)
        if not (800 <= width <= 2500 and height >= 250 and height and width / height >= 1.45):
            errors.append(f"size: {width}x{height} is not an allowed rich menu size")
        areas = menu.get("areas") or []
        if len(areas) > 20:
            errors.append("areas: more than 20")
        for i, area in enumerate(areas):
            b = area.get("bounds") or {}
            if b.get("x", 0) + b.get("width", 0) > width or b.get("y", 0) + b.get("height", 0) > height:
                errors.append(f"areas/{i}/bounds: outside the menu")
            errors += self.action(area.get("action"), f"areas/{i}/action", MAX_RICHMENU_LABEL)
        return errors
