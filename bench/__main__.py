"""`python -m bench` (`make bench`): simulator messages per second against a bare Flask route.

Both go through Flask's test client in the same process, interleaved round by round, so the ratio
says what the bot's own work (routing, one database transaction, the account query, rendering)
costs on top of Flask itself. Absolute numbers depend on the machine; compare ratios.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sqlite3
import sys
import tempfile
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask

from bench.database import prepare_database
from bench.measure import Series, run_round
from bot.app import create_app
from bot.config import Config
from locales import translate

PATH = "/simulator/api/messages"
USER = "bench-linked-user"
TEXT = "เช็คยอด"
SECRET = "kongtun-bench-secret"
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
RESULTS = Path(__file__).resolve().parent / "results"


def bare_app() -> Flask:
    """The floor: the same URL and request body, a route that returns a constant."""
    app = Flask("bench_bare")
    answer = {"replies": [{"text": "ok", "buttons": []}]}

    @app.post(PATH)
    def constant():
        return answer

    return app


def sender(client, body: dict):
    def send() -> None:
        response = client.post(PATH, json=body)
        if response.status_code != 200:
            raise SystemExit(f"bench: {response.status_code} from {PATH}: {response.get_data(as_text=True)}")
        response.close()

    return send


def check_account_answer(client) -> str:
    """The simulator must really run the account query for a linked member, or the bench is hollow."""
    response = client.post(PATH, json={"user": USER, "text": TEXT})
    if response.status_code != 200:
        body = response.get_data(as_text=True)
        raise SystemExit(f"bench: simulator answered {response.status_code}: {body}")
    replies = response.get_json()["replies"]
    text = "\n".join(r["text"] for r in replies)
    for refusal in ("menu.need_register", "menu.error", "menu.not_understood"):
        if translate("th", refusal).splitlines()[0] in text:
            raise SystemExit(f"bench: the account query was not answered for the linked user:\n{text}")
    return text


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "flask": version("flask"),
        "werkzeug": version("werkzeug"),
        "sqlalchemy": version("sqlalchemy"),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--requests", type=int, default=300, help="requests per round and kind (default 300)")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests of each kind first")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="where to write JSON")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.requests < 1 or args.warmup < 0:
        parser.error("--rounds and --requests must be at least 1, --warmup at least 0")
    return args


def run(args: argparse.Namespace) -> dict:
    simulator = Series("simulator account query")
    bare = Series("bare Flask constant")
    with tempfile.TemporaryDirectory(prefix="kongtun-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        linked = prepare_database(url, id_key=SECRET, today=NOW.date(), now=NOW, user=USER)
        config = Config.from_env(env={"KONGTUN_SECRET_KEY": SECRET, "DATABASE_URL": url}, simulator=True)
        app = create_app(config, clock=lambda: NOW)
        try:
            answer = check_account_answer(app.test_client())
            kinds = [
                (simulator, sender(app.test_client(), {"user": USER, "text": TEXT})),
                (bare, sender(bare_app().test_client(), {"user": USER, "text": TEXT})),
            ]
            for _, send in kinds:
                for _ in range(args.warmup):
                    send()
            for round_no in range(args.rounds):
                # Alternate which kind goes first, so drift (caches, a busy neighbour) hits both.
                for series, send in kinds if round_no % 2 == 0 else reversed(kinds):
                    gc.collect()
                    latencies, elapsed = run_round(send, args.requests)
                    series.add_round(latencies, elapsed)
        finally:
            app.extensions["kongtun"].engine.dispose()
    return {
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": "python -m bench "
                   f"--rounds {args.rounds} --requests {args.requests} --warmup {args.warmup}",
        "machine": machine(),
        "database": "SQLite, a temporary file, migrated and seeded with the demo",
        "request": {"path": PATH, "body": {"user": USER, "text": TEXT}},
        "linked_member": {"id": linked.member_id, "name": linked.member_name,
                          "members_in_database": linked.members_total},
        "first_answer": answer,
        "simulator": simulator.summary(),
        "bare_flask": bare.summary(),
        "ratio_bare_over_simulator": round(bare.median_rate / simulator.median_rate, 2),
    }


def table(result: dict) -> str:
    sim, bare = result["simulator"], result["bare_flask"]
    rows = [("simulator: account query", sim), ("bare Flask: constant", bare)]
    m = result["machine"]
    lines = [
        f"Kongtun bench: POST {PATH} {{\"text\": \"{TEXT}\"}} via the Flask test client, "
        f"{sim['rounds']} interleaved rounds x {sim['requests'] // sim['rounds']} requests, median round",
        f"machine: {m['cpus']} CPUs, Python {m['python']}, SQLite {m['sqlite']}, "
        f"{result['linked_member']['members_in_database']} demo members",
        "",
        f"{'':26}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}   rounds (req/s)",
    ]
    for name, s in rows:
        per_round = " ".join(f"{r:.0f}" for r in s["rate_per_round"])
        lines.append(f"{name:26}{s['median_rate']:>10.1f}{s['p50_ms']:>10.3f}{s['p99_ms']:>10.3f}"
                     f"   {per_round}")
    ratio = result["ratio_bare_over_simulator"]
    lines += ["", f"ratio bare/simulator: {ratio:.2f}x  "
                  f"(a simulator message costs about {ratio:.0f} bare Flask requests)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args)
    print(table(result))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    # The LINE webhook under gunicorn against the SDK's echo example (bench/line_bench.py).
    from bench import line_bench

    print()
    code = line_bench.main([])
    # The dues job deciding 10,000 and 100,000 members (bench/bench_decide.py; 1,000,000 with
    # KONGTUN_BENCH_MILLION=1).
    from bench import bench_decide

    print()
    code = code or bench_decide.main([])
    # LINE fan-out through the dispatcher against a bare loop (bench/bench_fanout.py).
    from bench import bench_fanout

    print()
    code = code or bench_fanout.main([])
    # Understanding free text: accuracy on the corpus, time against the old keywords
    # (bench/understanding.py).
    from bench import understanding

    print()
    return code or understanding.main([])


if __name__ == "__main__":
    sys.exit(main())
