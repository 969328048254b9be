"""Thai words of a text, by PyThaiNLP's dictionary tokeniser (newmm) and its bundled word list.

Nothing is downloaded, and PyThaiNLP is told never to create its data folder (it would in the home
directory). The first call loads the dictionary (a few tenths of a second), once per process; the
default dictionary is used as it is, since a second, extended one would double that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

# Before PyThaiNLP is imported: it reads these when it loads.
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from pythainlp.corpus import thai_words  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402


@dataclass(frozen=True)
class Word:
    text: str
    start: int  # in the compact text (without spaces)
    end: int


@lru_cache(maxsize=4096)
def _cached_tokens(text: str) -> tuple[Word, ...]:
    words: list[Word] = []
    position = 0
    for piece in word_tokenize(text, engine="newmm", keep_whitespace=False):
        piece = piece.replace(" ", "")
        if not piece:
            continue
        words.append(Word(piece, position, position + len(piece)))
        position += len(piece)
    return tuple(words)


def tokens(text: str) -> tuple[Word, ...]:
    """The words of a normalised text, each with where it is in the text without spaces."""
    return _cached_tokens(text)


def is_word(text: str) -> bool:
    """Whether `text` is a Thai word spelt right: one of the dictionary's (the tokeniser's own)."""
    return text in thai_words()


def warm() -> None:
    """Load the dictionary now (at start-up) rather than at a member's first message."""
    tokens("สวัสดี")
