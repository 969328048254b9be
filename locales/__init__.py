"""Text by key, Thai first, English complete.

Each feature keeps its messages in `locales/<lang>/<feature>.toml`; a key is `<feature>.<name>`.
Values use `str.format` fields: `{name}`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LOCALES = ("th", "en")
DEFAULT_LOCALE = "th"
_ROOT = Path(__file__).parent


@cache
def catalog(locale: str) -> dict[str, object]:
    messages: dict[str, object] = {}
    for path in sorted((_ROOT / locale).glob("*.toml")):
        with path.open("rb") as fh:
            for key, value in tomllib.load(fh).items():
                messages[f"{path.stem}.{key}"] = value
    return messages


def translate(locale: str, key: str, /, **fields: object) -> str:
    value = catalog(locale if locale in LOCALES else DEFAULT_LOCALE).get(key)
    if value is None:
        value = catalog(DEFAULT_LOCALE).get(key)
    if value is None:
        raise KeyError(f"no message {key!r}")
    if not isinstance(value, str):
        raise TypeError(f"message {key!r} is not text")
    return value.format(**fields) if fields else value


def phrases(locale: str, key: str) -> list[str]:
    """A list-valued entry (keywords); both languages are merged by the caller when needed."""
    value = catalog(locale).get(key, [])
    return list(value) if isinstance(value, list) else []


def channel_name(locale: str, channel: str) -> str:
    """A channel as a member reads it: "LINE", "Telegram", the simulator in the reader's words."""
    key = f"common.channel_{channel}"
    return translate(locale, key) if key in catalog(DEFAULT_LOCALE) else channel


def relation_name(locale: str, stored: str) -> str:
    """A beneficiary's relation (kept in Thai, as the fund's roster has it) in the reader's language:
    "ภรรยา" is "wife" in English. One the catalogue does not know is shown as stored."""
    wanted = stored.strip()
    for key, value in catalog(DEFAULT_LOCALE).items():
        if key.startswith("common.relation_") and value == wanted:
            return translate(locale, key)
    return stored
