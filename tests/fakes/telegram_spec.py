"""Check Bot API calls and updates against `tests/specs/telegram-bot-api.json`.

The spec gives each method's and type's fields with their types and whether they are required;
`check_call` and `check_update` walk a value against it (unknown fields are errors too, so a typo
in a test's update is caught). The limits the spec states only in prose are added here: text
length after HTML parsing, callback_data bytes, parse modes and Telegram's HTML subset, command
names, the webhook secret's alphabet, one kind per update, ChatMember statuses.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parents[1] / "specs" / "telegram-bot-api.json"

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
PARSE_MODES = {"HTML", "MarkdownV2", "Markdown"}
CHAT_TYPES = {"private", "group", "supergroup", "channel"}
CHAT_MEMBER_STATUS = {
    "ChatMemberOwner": "creator",
    "ChatMemberAdministrator": "administrator",
    "ChatMemberMember": "member",
    "ChatMemberRestricted": "restricted",
    "ChatMemberLeft": "left",
    "ChatMemberBanned": "kicked",
}
BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                  "callback_game", "pay")
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Telegram's HTML: these tags only (https://core.telegram.org/bots/api#html-style)
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
             "tg-emoji", "code", "pre", "blockquote", "tg-time"}
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            self.errors.append(f"tag <{tag}> is not in Telegram's HTML")
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.errors.append("<span> needs class=\"tg-spoiler\"")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close the open tag {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(source: str) -> tuple[str, list[str]]:
    """The text Telegram would show, and what is wrong with the markup."""
    errors = []
    for match in re.finditer(r"&", source):
        if not ENTITY.match(source, match.start()):
            errors.append(f"bare '&' at {match.start()} (escape it as &amp;)")
    for match in re.finditer(r"<", source):
        if not re.match(r"</?[a-z][a-z-]*(\s[^<>]*)?>", source[match.start():]):
            errors.append(f"bare '<' at {match.start()} (escape it as &lt;)")
    parser = _TelegramHTML()
    parser.feed(source)
    parser.close()
    errors += parser.errors
    if parser.stack:
        errors.append(f"unclosed tags {parser.stack}")
    return "".join(parser.text), errors


class TelegramSpec:
    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        self.spec = spec or load_spec()
        self.types: dict[str, Any] = self.spec["types"]
        self.methods: dict[str, Any] = self.spec["methods"]

    # --- values against types --------------------------------------------------------------------

    def check_value(self, types: list[str], value: Any, path: str) -> list[str]:
        """Errors of `value` against a field's possible types (no errors if any one fits)."""
        best: list[str] | None = None
        for expr in types:
            errors = self.check_type(expr, value, path)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or [f"{path}: no type"]

    def check_type(self, expr: str, value: Any, path: str) -> list[str]:
        if expr.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {expr}, got {type(value).__name__}"]
            errors = []
            for i, item in enumerate(value):
                errors += self.check_type(expr[len("Array of "):], item, f"{path}[{i}]")
            return errors
        if expr == "Integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif expr == "Float":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif expr == "String":
            ok = isinstance(value, str)
        elif expr == "Boolean":
            ok = isinstance(value, bool)
        elif expr == "True":
            ok = value is True
        elif expr == "InputFile":
            return [f"{path}: uploads are not expected"]
        elif expr in self.types:
            return self.check_object(expr, value, path)
        else:
            return [f"{path}: unknown type {expr!r} in the spec"]
        return [] if ok else [f"{path}: expected {expr}, got {type(value).__name__} {value!r:.40}"]

    def check_object(self, name: str, value: Any, path: str) -> list[str]:
        spec = self.types[name]
        if "subtypes" in spec:
            return self.check_value(spec["subtypes"], value, path)
        if not isinstance(value, dict):
            return [f"{path}: expected {name} object, got {type(value).__name__}"]
        errors = self._check_fields(spec.get("fields", []), value, f"{path}<{name}>")
        return errors + self._rules(name, value, path)

    def _check_fields(self, fields: list[dict[str, Any]], value: dict[str, Any], path: str) -> list[str]:
        known = {f["name"]: f for f in fields}
        errors = [f"{path}: unknown field {key!r}" for key in value if key not in known]
        for name, field in known.items():
            if name not in value:
                if field["required"]:
                    errors.append(f"{path}: required field {name!r} is missing")
                continue
            errors += self.check_value(field["types"], value[name], f"{path}.{name}")
        return errors

    # --- prose rules ---------------------------------------------------------------------------

    def _rules(self, name: str, value: dict[str, Any], path: str) -> list[str]:
        errors = []
        if name in CHAT_MEMBER_STATUS and value.get("status") != CHAT_MEMBER_STATUS[name]:
            errors.append(f"{path}: {name} has status {CHAT_MEMBER_STATUS[name]!r}")
        if name == "InaccessibleMessage" and value.get("date") != 0:
            errors.append(f"{path}: an inaccessible message has date 0")
        if name == "Message" and value.get("date") == 0:
            errors.append(f"{path}: date 0 is an inaccessible message")
        if name == "Chat" and value.get("type") not in CHAT_TYPES:
            errors.append(f"{path}: chat type {value.get('type')!r}")
        if name == "Message" and utf16_len(value.get("text", "")) > MAX_TEXT:
            errors.append(f"{path}: text longer than {MAX_TEXT}")
        if name == "CallbackQuery" and len(value.get("data", "").encode()) > MAX_CALLBACK_DATA:
            errors.append(f"{path}: callback data longer than {MAX_CALLBACK_DATA} bytes")
        if name == "InlineKeyboardButton":
            if not value.get("text"):
                errors.append(f"{path}: a button needs text")
            actions = [key for key in BUTTON_ACTIONS if key in value]
            if len(actions) != 1:
                errors.append(f"{path}: a button needs exactly one action, has {actions}")
            data = value.get("callback_data")
            if isinstance(data, str) and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                errors.append(f"{path}: callback_data {data!r} is {len(data.encode())} bytes "
                              f"(1-{MAX_CALLBACK_DATA})")
        if name == "KeyboardButton" and not value.get("text"):
            errors.append(f"{path}: a keyboard button needs text")
        if name == "BotCommand":
            if not COMMAND_NAME.fullmatch(str(value.get("command", ""))):
                errors.append(f"{path}: command {value.get('command')!r} must be 1-32 of a-z 0-9 _")
            if not 1 <= len(str(value.get("description", ""))) <= 256:
                errors.append(f"{path}: command description must be 1-256 characters")
        return errors

    def _method_rules(self, method: str, params: dict[str, Any]) -> list[str]:
        errors = []
        path = method
        if method in ("sendMessage", "editMessageText"):
            mode = params.get("parse_mode")
            text = params.get("text", "")
            if mode is not None and mode not in PARSE_MODES:
                errors.append(f"{path}: parse_mode {mode!r}")
            shown = text
            if mode == "HTML" and isinstance(text, str):
                shown, problems = check_html(text)
                errors += [f"{path}.text: {p}" for p in problems]
            if isinstance(shown, str) and not 1 <= utf16_len(shown.strip()) <= MAX_TEXT:
                errors.append(f"{path}.text: {utf16_len(shown)} characters after parsing (1-{MAX_TEXT})")
        if method == "answerCallbackQuery" and len(params.get("text", "")) > MAX_CALLBACK_ANSWER:
            errors.append(f"{path}.text: longer than {MAX_CALLBACK_ANSWER}")
        if method == "setWebhook":
            if "secret_token" in params and not SECRET_TOKEN.fullmatch(str(params["secret_token"])):
                errors.append(f"{path}.secret_token: 1-256 of A-Z a-z 0-9 _ -")
            kinds = {f["name"] for f in self.types["Update"]["fields"]} - {"update_id"}
            for kind in params.get("allowed_updates", []) or []:
                if kind not in kinds:
                    errors.append(f"{path}.allowed_updates: {kind!r} is not an update kind")
        if method in ("setMyCommands", "getMyCommands", "deleteMyCommands"):
            language = params.get("language_code")
            if language not in (None, "") and not re.fullmatch(r"[a-z]{2}", str(language)):
                errors.append(f"{path}.language_code: {language!r} is not a two-letter code")
            if len(params.get("commands", []) or []) > 100:
                errors.append(f"{path}.commands: at most 100")
        return errors

    # --- calls and updates -----------------------------------------------------------------------

    def check_call(self, method: str, params: dict[str, Any]) -> list[str]:
        spec = self.methods.get(method)
        if spec is None:
            return [f"{method}: no such Bot API method"]
        return self._check_fields(spec.get("fields", []), params, method) + self._method_rules(method, params)

    def coerce_form(self, method: str, form: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
        """A form-encoded call (as python-telegram-bot sends it: objects as JSON text) as values."""
        fields = {f["name"]: f["types"] for f in self.methods.get(method, {}).get("fields", [])}
        params: dict[str, Any] = {}
        errors: list[str] = []
        for key, raw in form.items():
            types = fields.get(key)
            if types is None:
                params[key] = raw
                continue
            try:
                params[key] = _coerce(types, raw)
            except ValueError as exc:
                errors.append(f"{method}.{key}: {exc}")
                params[key] = raw
        return params, errors

    def check_update(self, update: dict[str, Any]) -> list[str]:
        errors = self.check_object("Update", update, "update")
        kinds = [key for key in update if key != "update_id"]
        if len(kinds) != 1:
            errors.append(f"update: exactly one kind of update expected, got {kinds}")
        return errors

    def check_result(self, method: str, result: Any) -> list[str]:
        """The fake's own answers hold to the spec too."""
        returns = self.methods[method].get("returns", [])
        return self.check_value(returns, result, f"{method}->") if returns else []


def _coerce(types: list[str], raw: str) -> Any:
    if "String" in types and "Integer" in types:  # chat_id
        return int(raw) if re.fullmatch(r"-?\d+", raw) else raw
    if types == ["String"]:
        return raw
    if types == ["Integer"]:
        if not re.fullmatch(r"-?\d+", raw):
            raise ValueError(f"{raw!r} is not an Integer")
        return int(raw)
    if types == ["Float"]:
        return float(raw)
    if types == ["Boolean"]:
        if raw not in ("true", "false"):
            raise ValueError(f"{raw!r} is not a Boolean")
        return raw == "true"
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"{raw!r:.40} is not JSON for {types}") from exc
