"""What understanding a text gives the router: a feature, a detail of it, or two to choose from."""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "unknown"
UNSURE = "unsure"  # two features fit about as well: ask with two buttons, never guess


@dataclass(frozen=True)
class Understood:
    intent: str  # a feature ("account", "benefit", "smalltalk", ...), UNSURE or UNKNOWN
    # For "benefit": the benefit's code; for "smalltalk": thanks | greeting | ok | laugh | sticker.
    detail: str | None = None
    # For UNSURE: the two features (best first), each "intent" or "intent:detail".
    choices: tuple[str, ...] = ()
    score: float = 0.0


@dataclass(frozen=True)
class BenefitWords:
    """One of the member's fund's benefits, by the words that name it."""

    code: str
    words: tuple[str, ...]  # its names (Thai and English) and everyday synonyms
