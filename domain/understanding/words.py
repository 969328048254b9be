"""Thai words of a text, by PyThaiNLP's dictionary tokeniser (newmm), the lexicon's words added.

PyThaiNLP's bundled word list is all it reads: nothing is downloaded, and it is told never to create
its data folder (it would in the home directory on import). The first call builds the dictionary's
trie (about half a second), once per process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

# Before PyThaiNLP is imported: it reads these when it loads.
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from pythainlp.corpus.common import thai_words  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402
from pythainlp.util import Trie, dict_trie  # noqa: E402


@dataclass(frozen=True)
class Word:
    text: str
    start: int  # in the compact text (without spaces)
    end: int


_extra: tuple[str, ...] = ()


def add_words(words: Iterable[str]) -> None:
    """Words the tokeniser must keep whole (the lexicon's); before the first `tokens` call."""
    global _extra
    _extra = tuple(sorted(set(_extra) | {w for w in words if w and not w.isascii() and " " not in w}))
    _trie.cache_clear()
    _cached_tokens.cache_clear()


@cache
def _trie() -> Trie:
    return dict_trie(set(thai_words()) | set(_extra))


@lru_cache(maxsize=4096)
def _cached_tokens(text: str) -> tuple[Word, ...]:
    words: list[Word] = []
    position = 0
    for piece in word_tokenize(text, custom_dict=_trie(), engine="newmm", keep_whitespace=False):
        piece = piece.replace(" ", "")
        if not piece:
            continue
        words.append(Word(piece, position, position + len(piece)))
        position += len(piece)
    return tuple(words)


def tokens(text: str) -> tuple[Word, ...]:
    """The words of a normalised text, each with where it is in the text without spaces."""
    return _cached_tokens(text)


def warm() -> None:
    """Build the dictionary now (at start-up) rather than at a member's first message."""
    tokens("สวัสดี")
