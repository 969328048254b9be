"""The lexicon (lexicon.toml) as the engine uses it: phrases with weights, per feature.

A feature is "intent" or "intent:detail" ("benefit:birth", "smalltalk:thanks"). The static lexicon
is read once; a fund's benefits add their words at run time (`with_benefits`, cached per set).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from domain.understanding.normalise import compact, normalise
from domain.understanding.result import BenefitWords

PATH = Path(__file__).with_name("lexicon.toml")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
WEIGHTS = {"decisive": 5.0, "strong": 3.0, "medium": 2.0, "weak": 1.0}
ALL_WEIGHT = 3.0
WHOLE_WEIGHT = 3.0
CUE_WEIGHT = 1.0
BENEFIT_WEIGHT = 3.0


@dataclass(frozen=True)
class Phrase:
    feature: str
    text: str  # normalised; Thai (or mixed) phrases without spaces
    weight: float
    ascii: bool  # matched as whole words in the spaced text, else anywhere in the compact text
    whole_word: bool = False  # Thai matched only as a word of the text, never inside one ("ฮา", "เฮา")

    @property
    def fuzzy_distance(self) -> int:
        """How many letters may be wrong: none in a short word, where one wrong letter makes another
        word ("ยอด", "ค้าง", "fund"), one from five letters, two from nine."""
        size = len(self.text)
        return 2 if size >= 9 else 1 if size >= 5 else 0


@dataclass(frozen=True)
class Lexicon:
    phrases: tuple[Phrase, ...]
    word_sets: tuple[tuple[str, tuple[str, ...]], ...]  # (feature, words)
    cues: tuple[tuple[str, str], ...]  # (feature, word)
    whole: dict[str, tuple[str, ...]] = field(hash=False)  # whole message -> its features (two: ask)
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    spellings: dict[re.Pattern[str], str] = field(hash=False)
    implied: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (word, phrase it means, with any of)

    @property
    def features(self) -> frozenset[str]:
        whole = frozenset(f for features in self.whole.values() for f in features)
        return frozenset(p.feature for p in self.phrases) | whole


def _feature(name: str) -> str:
    return name.replace(".", ":")


def _phrase(feature: str, raw: str, weight: float, spellings: dict[re.Pattern[str], str],
            whole_word: bool = False) -> Phrase | None:
    text = normalise(raw, spellings)
    if not text:
        return None
    if text.isascii():
        return Phrase(feature, text, weight, True)
    # Only Thai is cut into words: an emoji ("😂") is found anywhere.
    return Phrase(feature, compact(text), weight, False, whole_word and bool(_THAI.search(text)))


@cache
def static() -> Lexicon:
    data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    spellings = {re.compile(k): v for k, v in data.pop("spelling").items()}

    def words(raw: str) -> str:
        return compact(normalise(raw, spellings))

    implied = tuple((words(i["word"]), words(i["means"]), tuple(words(w) for w in i["with"]))
                    for i in data.pop("imply", ()))
    phrases: list[Phrase] = []
    word_sets: list[tuple[str, tuple[str, ...]]] = []
    cues: list[tuple[str, str]] = []
    whole: dict[str, tuple[str, ...]] = {}
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for name, table in data.items():
        feature = _feature(name)
        whole_word = table.get("whole_words", False)
        for group, weight in WEIGHTS.items():
            for raw in table.get(group, ()):
                phrase = _phrase(feature, raw, weight, spellings, whole_word)
                if phrase is not None:
                    phrases.append(phrase)
        for words in table.get("all", ()):
            word_sets.append((feature, tuple(compact(normalise(w, spellings)) for w in words)))
        cues += [(feature, compact(normalise(w, spellings))) for w in table.get("cues", ())]
        for raw in table.get("whole", ()):
            key = compact(normalise(raw, spellings))
            whole[key] = (*whole.get(key, ()), feature)
        patterns += [(feature, re.compile(p)) for p in table.get("patterns", ())]
    return Lexicon(tuple(phrases), tuple(word_sets), tuple(cues), whole, tuple(patterns), spellings, implied)


@lru_cache(maxsize=256)
def with_benefits(benefits: tuple[BenefitWords, ...]) -> tuple[Phrase, ...]:
    """The static phrases and each benefit's words as feature "benefit:<code>"."""
    base = static()
    extra: list[Phrase] = []
    for benefit in benefits:
        seen: set[str] = set()
        for raw in benefit.words:
            phrase = _phrase(f"benefit:{benefit.code}", raw, BENEFIT_WEIGHT, base.spellings)
            if phrase is not None and phrase.text not in seen:
                seen.add(phrase.text)
                extra.append(phrase)
    return base.phrases + tuple(extra)
