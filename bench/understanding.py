"""Understanding free text: accuracy on the labelled corpus and the time `understand()` takes.

`python -m bench.understanding` (also run by `make bench`). It scores the engine on
tests/corpus/understanding.tsv (the example fund's six benefits known, as for a linked member) per
feature, lists the confusions (expected -> got, count), and does the same for the keyword matcher
free text went through before (bench/keyword_baseline.py). Two sets kept apart from the corpus are
scored the same way, each with its first-try figure (the engine as it was when the set was written):
the held-out set, a Thai reviewer's 150 phrasings written without seeing the lexicon, and a second
reviewer's reported misses (their first try was on 142 phrasings the file does not hold). It then
times both on every phrase of the corpus, interleaved round by round in this process, the engine's
word cache cleared before each round so that every message is tokenised anew; ratios say what
understanding costs over the keywords. The first call in a process (PyThaiNLP's dictionary, about
half a second) is timed apart.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench.keyword_baseline import keyword_intent
from domain.thai import normalize_text
from domain.understanding import understand
from domain.understanding import words as W
from handlers.intents import CANCEL_WORDS, said
from tests.understanding_corpus import (
    HOLDOUT,
    HOLDOUT_FIRST_TRY,
    REVIEW,
    REVIEW2,
    REVIEW2_FIRST_TRY,
    REVIEW_FIRST_TRY,
    ROOT,
    Scored,
    example_benefits,
    examples,
    label,
    score,
)

RESULTS = Path(__file__).resolve().parent / "results"
# The features the keyword matcher had: on these alone the comparison is like for like.
OLD_FEATURES = ("account", "benefits", "fund", "meetings", "register", "language", "mydata", "deletedata",
                "notifications", "committee", "menu", "cancel", "unknown")
COLD = ("import time; t = time.perf_counter(); from domain.understanding import understand; "
        "i = time.perf_counter(); understand('ลูกเกิดใหม่ได้เงินไหม'); f = time.perf_counter(); "
        "print(round((i - t) * 1000, 1), round((f - i) * 1000, 1))")


def baseline(text: str) -> str:
    """The old way whole: the router's cancel words first, then the keywords."""
    if said(text) in CANCEL_WORDS:
        return "cancel"
    return keyword_intent(normalize_text(text))


def cold_start() -> tuple[float, float]:
    """Milliseconds to import the engine, and for its first answer, in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True,
                         timeout=120).stdout.split()
    return float(out[0]), float(out[1])


def time_rounds(kinds: list[tuple[str, Callable[[str], object]]], texts: list[str],
                rounds: int) -> dict[str, list[float]]:
    """Microseconds per message, one figure per round, for each kind."""
    per_message: dict[str, list[float]] = {name: [] for name, _ in kinds}
    for round_no in range(rounds):
        order = kinds if round_no % 2 == 0 else list(reversed(kinds))
        for name, run in order:
            W._cached_tokens.cache_clear()  # every message tokenised anew, as a new message is
            gc.collect()
            started = time.perf_counter()
            for text in texts:
                run(text)
            per_message[name].append((time.perf_counter() - started) / len(texts) * 1e6)
    return per_message


def summary(scored: Scored) -> dict:
    old = [scored.per_feature[f] for f in OLD_FEATURES if f in scored.per_feature]
    return {
        "accuracy": round(scored.accuracy, 4),
        "accuracy_old_features": round(sum(r for r, _ in old) / sum(t for _, t in old), 4),
        "right": scored.right,
        "total": scored.total,
        "per_feature": {f: {"right": r, "total": t, "accuracy": round(r / t, 3)}
                        for f, (r, t) in sorted(scored.per_feature.items())},
        "confusions": [{"expected": e, "got": g, "count": n}
                       for (e, g), n in scored.confusions.most_common()],
    }


def apart(path: Path, first_try: tuple[int, int]) -> dict:
    """A set kept apart from the corpus: now, at first try, and the keywords on it."""
    engine, keywords = score(path=path), score(baseline, path)
    return {"file": str(path.relative_to(ROOT)), "phrasings": engine.total,
            "first_try": {"right": first_try[0], "total": first_try[1],
                          "accuracy": round(first_try[0] / first_try[1], 4)},
            "engine_accuracy": round(engine.accuracy, 4), "engine_right": engine.right,
            "keywords_accuracy": round(keywords.accuracy, 4),
            "engine_misses": [{"text": e.text, "expected": e.expected, "got": g} for e, g in engine.misses]}


def run(args: argparse.Namespace) -> dict:
    benefits = example_benefits()
    texts = [e.text for e in examples()]
    engine = score()
    keywords = score(baseline)
    import_ms, first_ms = cold_start()
    understand("สวัสดี", benefits)  # the dictionary built, as after the first message of a process
    timings = time_rounds([("engine", lambda t: label(understand(t, benefits))), ("keywords", baseline)],
                          texts, args.rounds)
    engine_us = statistics.median(timings["engine"])
    keywords_us = statistics.median(timings["keywords"])
    return {
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": f"python -m bench.understanding --rounds {args.rounds}",
        "corpus": {"phrasings": len(texts), "file": "tests/corpus/understanding.tsv"},
        "engine": summary(engine),
        "keyword_baseline": summary(keywords),
        "holdout": apart(HOLDOUT, HOLDOUT_FIRST_TRY),
        "review": apart(REVIEW, REVIEW_FIRST_TRY),
        "review2": apart(REVIEW2, REVIEW2_FIRST_TRY),
        "timing_us_per_message": {"engine": [round(x, 1) for x in timings["engine"]],
                                  "keywords": [round(x, 1) for x in timings["keywords"]],
                                  "engine_median": round(engine_us, 1),
                                  "keywords_median": round(keywords_us, 1),
                                  "ratio_engine_over_keywords": round(engine_us / keywords_us, 1)},
        "cold_start_ms": {"import": import_ms, "first_answer": first_ms},
    }


def table(result: dict) -> str:
    engine, keywords = result["engine"], result["keyword_baseline"]
    lines = [
        f"Understanding: {result['corpus']['phrasings']} labelled phrasings "
        f"({result['corpus']['file']}), the example fund's benefits known",
        f"accuracy: engine {engine['accuracy']:.1%} ({engine['right']}/{engine['total']}), "
        f"keyword baseline {keywords['accuracy']:.1%} ({keywords['right']}/{keywords['total']})",
        f"on the features the keywords had ({', '.join(OLD_FEATURES)}): engine "
        f"{engine['accuracy_old_features']:.1%}, keywords {keywords['accuracy_old_features']:.1%}",
        "",
        f"{'feature':22}{'n':>5}{'engine':>9}{'keywords':>10}",
    ]
    for feature, e in engine["per_feature"].items():
        k = keywords["per_feature"][feature]
        lines.append(f"{feature:22}{e['total']:>5}{e['accuracy']:>9.0%}{k['accuracy']:>10.0%}")
    lines += ["", "engine confusions (expected -> got: count):"]
    lines += [f"  {c['expected']} -> {c['got']}: {c['count']}" for c in engine["confusions"]] or ["  none"]
    lines += ["", "keyword baseline confusions, the 10 most common:"]
    lines += [f"  {c['expected']} -> {c['got']}: {c['count']}" for c in keywords["confusions"][:10]]
    for key, what in (("holdout", "held out, written after the tuning"),
                      ("review", "a Thai reviewer's, written without seeing the lexicon"),
                      ("review2", "a second reviewer's reported misses (first try on their 142, not kept)")):
        h, first = result[key], result[key]["first_try"]
        lines += ["", f"{what} ({h['file']}, {h['phrasings']} phrasings): first try "
                      f"{first['accuracy']:.1%} ({first['right']}/{first['total']}), now engine "
                      f"{h['engine_accuracy']:.1%} ({h['engine_right']}/{h['phrasings']}), "
                      f"keywords {h['keywords_accuracy']:.1%}"]
        lines += [f"  {m['text']}: expected {m['expected']}, got {m['got']}" for m in h["engine_misses"]]
    t, cold = result["timing_us_per_message"], result["cold_start_ms"]
    lines += [
        "",
        f"time per message (median of {len(t['engine'])} rounds over the corpus): engine "
        f"{t['engine_median']:.0f} µs, keywords {t['keywords_median']:.0f} µs, "
        f"ratio engine/keywords {t['ratio_engine_over_keywords']:.1f}x",
        f"cold start in a fresh process: import {cold['import']:.0f} ms, "
        f"first answer {cold['first_answer']:.0f} ms",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.understanding",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds (default 7)")
    parser.add_argument("--output", type=Path, default=RESULTS / "understanding.json")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    result = run(args)
    print(table(result))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
