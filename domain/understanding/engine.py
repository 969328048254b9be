"""Which feature a member's words ask for: phrases found, scored per feature, the best one taken.

Phrases are found exactly (Thai anywhere in the text without spaces, English as whole words) and
with one or two letters wrong (rapidfuzz's Levenshtein distance against English words and against
stretches of Thai from a word's start, for phrases long enough that a wrong letter does not make
another word, and never in a Thai word spelt right: "เดือน" is month, not "เตือน" with a typo).
A phrase inside a longer one found does not count: "ยอด" is the member's account,
"ยอดกองทุน" the fund's. Some words stand for a phrase in context ("ทุน" with "ลูก" is a scholarship).
Word sets ("กองทุน" with "เท่าไหร่") and cues ("ของฉัน") tip the balance. When the two best features score
close, the answer is UNSURE with both: the member chooses with a button.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.understanding import words as W
from domain.understanding.lexicon import (
    ALL_WEIGHT,
    CUE_WEIGHT,
    WEIGHTS,
    WHOLE_WEIGHT,
    Lexicon,
    Phrase,
    static,
    with_benefits,
)
from domain.understanding.normalise import compact, normalise
from domain.understanding.result import UNKNOWN, UNSURE, BenefitWords, Understood

FUZZY_FACTOR = 0.8  # a phrase found with a wrong letter counts a little less than one typed right
CLOSE = 0.8  # the runner-up within this share of the best: ask, do not guess
CLOSE_WITH_AND = 0.5  # ... or within this share when the words join two asks ("ยอดกับประชุม")
_AND = re.compile(r"กับ|และ|แล้วก็|รวมถึง|(?<![a-z])(?:and|or)(?![a-z])|หรือ(?!ยัง)")
MIN_STRETCH = 5  # letters of text compared with phrases for a typo: shorter ones make other words
NEVER_ASKED = ("cancel", "menu")
WEAK = WEIGHTS["weak"]  # offered as a choice they would only get in the way
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_ASCII_WORD = re.compile(r"[a-z0-9/']+")


@dataclass(frozen=True)
class Match:
    feature: str
    phrase: str
    start: int
    end: int
    weight: float
    spaced: bool  # positions in the spaced text (English), else in the compact text
    fuzzy: bool = False  # found with a typo


@dataclass(frozen=True)
class _Compiled:
    phrases: tuple[Phrase, ...]
    thai: tuple[Phrase, ...]
    by_text: dict[str, tuple[Phrase, ...]]  # for the phrases a word stands for (lexicon `imply`)
    whole_words: tuple[Phrase, ...]  # Thai phrases found only as a word of the text
    fuzzy_thai: dict[tuple[str, int], tuple[tuple[Phrase, ...], tuple[str, ...]]]  # see _by_start
    longest_stretch: int  # the longest phrase with a typo, and the letters it may have over
    english: tuple[tuple[Phrase, re.Pattern[str]], ...]
    fuzzy_english: tuple[Phrase, ...]
    fuzzy_english_texts: tuple[str, ...]
    order: dict[str, int]  # features in the lexicon's order: how ties are broken


def _word_pattern(text: str) -> re.Pattern[str]:
    body = r"\s*".join(re.escape(part) for part in text.split(" "))
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


_compiled_cache: dict[tuple[BenefitWords, ...], _Compiled] = {}


def _compile(benefits: tuple[BenefitWords, ...]) -> _Compiled:
    found = _compiled_cache.get(benefits)
    if found is not None:
        return found
    phrases = with_benefits(benefits)
    thai = tuple(p for p in phrases if not p.ascii and not p.whole_word)
    fuzzy_thai = _by_start(tuple(p for p in thai if p.fuzzy_distance))
    english = tuple((p, _word_pattern(p.text)) for p in phrases if p.ascii)
    fuzzy_english = tuple(p for p in phrases if p.ascii and p.fuzzy_distance and " " not in p.text)
    by_text: dict[str, list[Phrase]] = defaultdict(list)
    for p in phrases:
        by_text[p.text].append(p)
    compiled = _Compiled(phrases, thai, {k: tuple(v) for k, v in by_text.items()},
                         tuple(p for p in phrases if p.whole_word), fuzzy_thai,
                         max((size for _, size in fuzzy_thai), default=0), english,
                         fuzzy_english, tuple(p.text for p in fuzzy_english),
                         {f: i for i, f in enumerate(dict.fromkeys(p.feature for p in phrases))})
    if len(_compiled_cache) > 256:  # funds come and go: never grow without bound
        _compiled_cache.clear()
    _compiled_cache[benefits] = compiled
    return compiled


def _exact(compiled: _Compiled, spaced: str, text: str, has_ascii: bool) -> list[Match]:
    found: list[Match] = []
    for phrase in compiled.thai:
        start = text.find(phrase.text)
        while start >= 0:
            found.append(Match(phrase.feature, phrase.text, start, start + len(phrase.text), phrase.weight,
                               False))
            start = text.find(phrase.text, start + 1)
    if has_ascii:
        for phrase, pattern in compiled.english:
            for m in pattern.finditer(spaced):
                found.append(Match(phrase.feature, phrase.text, m.start(), m.end(), phrase.weight, True))
    return found


def _by_start(phrases: Sequence[Phrase]) -> dict[tuple[str, int], tuple[tuple[Phrase, ...], tuple[str, ...]]]:
    """The phrases a stretch of text might be with a typo, by its first letter and its length: a
    stretch is compared only with phrases it could be within their distance."""
    index: dict[tuple[str, int], list[Phrase]] = defaultdict(list)
    for p in phrases:
        d = p.fuzzy_distance
        for size in range(max(len(p.text) - d, MIN_STRETCH), len(p.text) + d + 1):
            index[(p.text[0], size)].append(p)
    return {k: (tuple(v), tuple(p.text for p in v)) for k, v in index.items()}


def _fuzzy(choices: Sequence[Phrase], texts: Sequence[str], candidates: list[tuple[str, int, int]],
           spaced: bool) -> list[Match]:
    found: list[Match] = []
    if not choices:
        return found
    for candidate, start, end in candidates:
        for _, distance, index in process.extract(candidate, texts, scorer=OSA.distance,
                                                  score_cutoff=2, limit=None):
            phrase = choices[index]
            if 0 < distance <= phrase.fuzzy_distance and candidate[0] == phrase.text[0]:
                found.append(Match(phrase.feature, phrase.text, start, end, phrase.weight * FUZZY_FACTOR,
                                   spaced, True))
    return found


def _fuzzy_thai(compiled: _Compiled, text: str, words: Sequence[W.Word]) -> list[Match]:
    """Thai phrases with a typo, in stretches of the text from the start of a word. Not only runs of
    whole words: a misspelt word is cut wrongly by the dictionary, its end glued to the next word
    ("นอนโรงพยาบานเบิก" is "นอนโรง|พ|ยา|บานเบิก"), so the stretch may end inside a word. For each
    phrase and start, the closest stretch counts (the shortest of those as close)."""
    best: dict[tuple[str, str, int], tuple[int, int, Match]] = {}
    for word in words:
        start = word.start
        # A word spelt right is that word, not a typo of another ("เดือน" is not "เตือน"): no stretch
        # within it is a typo. Only a stretch past its end may be ("เช็ดยอด" is "เช็คยอด").
        first_end = word.end + 1 if W.is_word(word.text) else start + MIN_STRETCH
        for end in range(max(start + MIN_STRETCH, first_end),
                         min(start + compiled.longest_stretch, len(text)) + 1):
            stretch = text[start:end]
            found = compiled.fuzzy_thai.get((stretch[0], len(stretch)))
            if found is None or not _THAI.search(stretch) or W.is_word(stretch):
                continue
            choices, texts = found
            for _, distance, index in process.extract(stretch, texts, scorer=OSA.distance,
                                                      score_cutoff=2, limit=None):
                phrase = choices[index]
                # Typed right somewhere, it is found as it is ("สัจจะ" is not "สัจจะท" with a typo).
                if not 0 < distance <= phrase.fuzzy_distance or phrase.text in text:
                    continue
                key = (phrase.feature, phrase.text, start)
                rank = (distance, abs(len(stretch) - len(phrase.text)))
                if key not in best or rank < best[key][:2]:
                    best[key] = (*rank, Match(phrase.feature, phrase.text, start, end,
                                              phrase.weight * FUZZY_FACTOR, False, True))
    return [m for _, _, m in best.values()]


def _outermost(matches: list[Match]) -> list[Match]:
    """The matches that count: not inside a longer one (in the same text), not sharing letters with
    a heavier one of another feature ("ลบบัญชี" over "บัญชีของฉัน"), each phrase once. A phrase with a
    typo counts only where no phrase typed right is partly on the same letters."""
    def beats(o: Match, m: Match) -> bool:
        if o is m or o.spaced != m.spaced or o.end <= m.start or m.end <= o.start:
            return False
        if o.fuzzy and not m.fuzzy:
            # A guess at a typo never hides what is typed right: "จ่ายถึงไหน" is not "จ่ายที่ไหน".
            return False
        if o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start):
            return True  # inside
        if o.feature == m.feature or (m.start <= o.start and o.end <= m.end):
            return False
        if m.weight < WEIGHTS["medium"] * FUZZY_FACTOR or o.weight > m.weight:
            return True
        return o.weight == m.weight and (o.end - o.start) > (m.end - m.start)

    kept = [m for m in matches if not any(beats(o, m) for o in matches)]
    best: dict[tuple[str, str], Match] = {}
    for m in kept:
        key = (m.feature, m.phrase)
        if key not in best or m.weight > best[key].weight:
            best[key] = m
    return list(best.values())


# What the dictionary glues to a word as one: "ชำระเงิน", "ที่ไหนได้", "อะไรบ้าง" (both words are found).
_GLUED = ("เงิน", "ได้", "บ้าง")
Span = tuple[int, int, bool]  # start, end, in the spaced text


def _places(tokens: Sequence[W.Word], ascii_spans: Sequence[tuple[str, int, int]]) -> dict[str, list[Span]]:
    """Where each word of the text is: a dictionary word, two of them together, an English word."""
    places: dict[str, list[Span]] = defaultdict(list)
    for t in tokens:
        places[t.text].append((t.start, t.end, False))
        for glued in _GLUED:
            if t.text.endswith(glued) and len(t.text) > len(glued):
                places[t.text[:-len(glued)]].append((t.start, t.end - len(glued), False))
                places[glued].append((t.end - len(glued), t.end, False))
    for a, b in zip(tokens, tokens[1:], strict=False):
        places[a.text + b.text].append((a.start, b.end, False))
    for text, start, end in ascii_spans:
        places[text].append((start, end, True))
    return places


def _free(span: Span, feature: str, kept: Sequence[Match]) -> bool:
    """Whether a word of a word set stands for itself, not inside a phrase of another feature found
    ("ยอด" in "เช็คยอด" is the account's, not the fund's "กองทุน ... ยอด")."""
    start, end, spaced = span
    return not any(m.feature != feature and m.spaced == spaced and m.start <= start and end <= m.end
                   and m.end - m.start > end - start for m in kept)


def _whole_words(compiled: _Compiled, tokens: Sequence[W.Word]) -> list[Match]:
    """The phrases found only as a word of the text: laughter is "ฮ่า", never the "ฮา" of "เฮา"."""
    found: list[Match] = []
    for phrase in compiled.whole_words:
        found += [Match(phrase.feature, phrase.text, t.start, t.end, phrase.weight, False)
                  for t in tokens if t.text == phrase.text]
    return found


def _implied(lexicon: Lexicon, compiled: _Compiled, places: dict[str, list[Span]]) -> list[Match]:
    """A word that stands for a phrase when another word says so: "ทุน" with "ลูก" or "ม." is
    "ทุนการศึกษา", found where the word is (never inside another word: "กองทุน" is one); "burned"
    with "house" is "fire"."""
    found: list[Match] = []
    for word, means, context in lexicon.implied:
        if word not in places or not any(c in places for c in context):
            continue
        for phrase in compiled.by_text.get(means, ()):
            found += [Match(phrase.feature, phrase.text, start, end, phrase.weight, spaced)
                      for start, end, spaced in places[word]]
    return found


def _scores(lexicon: Lexicon, compiled: _Compiled, spaced: str) -> dict[str, float]:
    text = compact(spaced)
    scores: dict[str, float] = defaultdict(float)
    bare = compact(spaced)
    for feature in lexicon.whole.get(bare, ()):
        scores[feature] += WHOLE_WEIGHT
    for feature, pattern in lexicon.patterns:
        if pattern.search(spaced):
            scores[feature] += WHOLE_WEIGHT
    has_thai = bool(_THAI.search(text))
    has_ascii = bool(re.search(r"[a-z]", spaced))
    matches = _exact(compiled, spaced, text, has_ascii)
    tokens = W.tokens(spaced) if has_thai else ()
    if has_thai:
        matches += _fuzzy_thai(compiled, text, tokens) + _whole_words(compiled, tokens)
    ascii_spans = [(m.group(), m.start(), m.end()) for m in _ASCII_WORD.finditer(spaced)]
    if has_ascii:
        long_words = [c for c in ascii_spans if len(c[0]) >= 5]
        matches += _fuzzy(compiled.fuzzy_english, compiled.fuzzy_english_texts, long_words, True)
    places = _places(tokens, ascii_spans)
    matches += _implied(lexicon, compiled, places)
    kept = _outermost(matches)
    for m in kept:
        scores[m.feature] += m.weight
    ascii_words = {c[0] for c in ascii_spans}
    for feature, word_set in lexicon.word_sets:
        if all(any(_free(p, feature, kept) for p in places.get(w, ())) for w in word_set):
            scores[feature] += ALL_WEIGHT
    cued: set[str] = set()
    for feature, cue in lexicon.cues:
        if feature in cued or scores.get(feature, 0) <= 0:
            continue
        if cue in ascii_words if cue.isascii() else cue in text:
            scores[feature] += CUE_WEIGHT
            cued.add(feature)
    return scores


def _settle(scores: dict[str, float]) -> dict[str, float]:
    """Small talk only when nothing else is asked; the general words on benefits go to the one
    benefit named ("สวัสดิการคลอดลูก" is the birth benefit)."""
    scores = {f: s for f, s in scores.items() if s > 0}
    # A weak word ("ช่วย" in "ขอบคุณที่ช่วยนะคะ") asks for nothing over thanks.
    if any(not f.startswith("smalltalk:") and s > WEAK for f, s in scores.items()):
        scores = {f: s for f, s in scores.items() if not f.startswith("smalltalk:")}
    named = [f for f in scores if f.startswith("benefit:")]
    if named:
        general = scores.pop("benefits", 0.0)
        for f in named:
            scores[f] += general
    return scores


def _understood(feature: str, score: float, choices: tuple[str, ...] = ()) -> Understood:
    intent, _, detail = feature.partition(":")
    return Understood(intent, detail or None, choices, round(score, 2))


def understand(text: str, benefits: Sequence[BenefitWords] = ()) -> Understood:
    """What `text` asks for, given the words of the member's fund's benefits (none if unknown)."""
    lexicon = static()
    spaced = normalise(text, lexicon.spellings)
    if not spaced:
        return Understood(UNKNOWN)
    compiled = _compile(tuple(benefits))
    scores = _settle(_scores(lexicon, compiled, spaced))
    if not scores:
        return Understood(UNKNOWN)
    # Ties go the same way every time: by score, then the lexicon's order of features.
    order = compiled.order
    ranked = sorted(scores.items(), key=lambda fs: (-fs[1], order.get(fs[0], len(order))))
    best, best_score = ranked[0]
    if best.startswith("smalltalk:"):
        return _understood(best, best_score)
    rivals = [(f, s) for f, s in ranked[1:] if f not in NEVER_ASKED]
    if best in NEVER_ASKED and rivals and rivals[0][1] >= best_score * CLOSE:
        best, best_score = rivals[0]
        rivals = rivals[1:]
    close = CLOSE_WITH_AND if _AND.search(spaced) else CLOSE
    if rivals and rivals[0][1] >= best_score * close:
        return Understood(UNSURE, None, (best, rivals[0][0]), round(best_score, 2))
    return _understood(best, best_score)


def explain(text: str, benefits: Sequence[BenefitWords] = ()) -> dict[str, float]:
    """The scores behind `understand` (for the bench and for tuning the lexicon)."""
    lexicon = static()
    spaced = normalise(text, lexicon.spellings)
    return dict(_settle(_scores(lexicon, _compile(tuple(benefits)), spaced))) if spaced else {}
