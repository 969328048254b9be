"""`python -m bench.line_bench` (also run by `make bench`): LINE webhook throughput under gunicorn.

Two apps, each under gunicorn with 2 sync workers, both replying to the same loopback fake LINE
(`tests/fakes/line_server.py`, in its own process, schema checks off):

- **kongtun**: `bot.app:create_app()` on a SQLite copy of the full demo, a LINE user linked to the
  demo member with the most payments, who sends "เช็คยอด" (the account Flex card comes back);
- **echo**: `bench/line_echo_bot.py`, written like line-bot-sdk's Flask example (verify, parse,
  reply the text with a new `ApiClient` per event).

Every request is a signed webhook body with a fresh `webhookEventId` and reply token, sent from a
thread pool. Rounds alternate between the two apps; the rate is the median round, p50/p99 over all
requests. Before measuring, it checks that kongtun really answers with the member's account card
and the echo bot with the echo; after, that every event got exactly one reply.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.measure import Series

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SECRET_KEY = "kongtun-bench-secret"
CHANNEL_SECRET = "bench0123456789abcdef0123456789ab"
ACCESS_TOKEN = "bench-line-access-token"
LINE_USER = "U" + "b" * 32
TEXT = "เช็คยอด"
BANGKOK = ZoneInfo("Asia/Bangkok")


# --- the fake LINE, in its own process -------------------------------------------------------------

def _serve_fake(urls, stop, results, tls, rtt) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.fakes.line_server import FakeLine

    with FakeLine(token=ACCESS_TOKEN, validate=False, tls=tls, rtt=rtt) as fake:
        urls.put(fake.url)
        stop.wait()
        results.put(_fake_summary(fake))


def _fake_summary(fake) -> dict:
    """Per app (reply tokens start with its tag): replies, pushes, connections, one sample."""
    summary: dict[str, dict] = {}
    for rec in fake.requests:
        if rec.json is None:
            continue
        token = rec.json.get("replyToken") or ""
        tag = token.split("-", 1)[0] if "-" in token else "?"
        s = summary.setdefault(tag, {"replies_ok": 0, "replies_failed": 0, "pushes": 0, "connections": set(),
                                     "sample": None, "kinds": {}})
        s["connections"].add(rec.client)
        if rec.operation == "pushMessage":
            s["pushes"] += 1
        elif rec.status == 200:
            s["replies_ok"] += 1
            s["sample"] = s["sample"] or rec.json["messages"]
            first = rec.json["messages"][0]
            kind = (first["contents"].get("header", {}).get("contents", [{}])[0].get("text", "flex")
                    if first["type"] == "flex" else first.get("text", "")[:40])
            s["kinds"][kind] = s["kinds"].get(kind, 0) + 1
        else:
            s["replies_failed"] += 1
    for s in summary.values():
        s["connections"] = len(s["connections"])
    return summary


class FakeLineProcess:
    def __init__(self, tls: tuple[str, str] | None = None, rtt: float = 0.0) -> None:
        ctx = multiprocessing.get_context("fork")
        self._urls, self._results, self._stop = ctx.Queue(), ctx.Queue(), ctx.Event()
        self._process = ctx.Process(target=_serve_fake, daemon=True,
                                    args=(self._urls, self._stop, self._results, tls, rtt))

    def __enter__(self) -> FakeLineProcess:
        self._process.start()
        self.url = self._urls.get(timeout=30)
        return self

    def summary(self) -> dict:
        self._stop.set()
        result = self._results.get(timeout=60)
        self._process.join(10)
        return result

    def __exit__(self, *exc: object) -> None:
        if self._process.is_alive():
            self._stop.set()
            self._process.join(10)
            if self._process.is_alive():
                self._process.terminate()
        for queue in (self._urls, self._results):
            queue.close()
            queue.join_thread()


def make_certificate(folder: Path) -> tuple[str, str]:
    """A throwaway certificate for 127.0.0.1 (P-256), trusted by both apps via SSL_CERT_FILE."""
    cert, key = folder / "fake-line.pem", folder / "fake-line.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return str(cert), str(key)


# --- the two apps under gunicorn ---------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, app: str, path: str, env: dict[str, str], workers: int) -> None:
        self.app, self.path, self.env, self.workers = app, path, env, workers
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "--workers", str(self.workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", self.app],
            cwd=ROOT, env={**os.environ, **self.env}, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn {self.app} exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"bench: gunicorn {self.app} did not start")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- load ----------------------------------------------------------------------------------------

def signed_bodies(tag: str, n: int) -> list[tuple[bytes, str]]:
    """n webhook bodies (a text message each), every one with its own event id and reply token."""
    out = []
    for _ in range(n):
        event = {
            "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": LINE_USER},
            "webhookEventId": secrets.token_hex(13).upper(),
            "deliveryContext": {"isRedelivery": False},
            "replyToken": f"{tag}-{secrets.token_hex(16)}",
            "message": {"id": str(secrets.randbelow(10**17)), "type": "text", "text": TEXT,
                        "quoteToken": secrets.token_hex(8)},
        }
        body = json.dumps({"destination": "U" + "f" * 32, "events": [event]}, ensure_ascii=False).encode()
        digest = hmac.new(CHANNEL_SECRET.encode(), body, hashlib.sha256).digest()
        out.append((body, base64.b64encode(digest).decode()))
    return out


def post(port: int, path: str, body: bytes, signature: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={
            "Content-Type": "application/json; charset=utf-8", "X-Line-Signature": signature})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"bench: webhook answered {response.status}")
    finally:
        conn.close()
    return time.perf_counter() - started


def run_round(server: Gunicorn, bodies: list[tuple[bytes, str]],
              concurrency: int) -> tuple[list[float], float]:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        started = time.perf_counter()
        latencies = list(pool.map(lambda b: post(server.port, server.path, *b), bodies))
        elapsed = time.perf_counter() - started
    return latencies, elapsed


# --- the run -------------------------------------------------------------------------------------

def prepare(url: str) -> dict:
    from bench.database import prepare_database
    from models import ChatAccount, make_engine, make_sessionmaker

    now = datetime.now(BANGKOK)
    linked = prepare_database(url, id_key=SECRET_KEY, today=now.date(), now=now, user="bench-sim-user")
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            session.add(ChatAccount(channel="line", external_user_id=LINE_USER, member_id=linked.member_id,
                                    locale="th", linked_at=now))
    finally:
        engine.dispose()
    return {"member_id": linked.member_id, "name": linked.member_name, "members": linked.members_total}


def check_samples(summary: dict) -> None:
    from locales import translate

    kongtun, echo = summary.get("k", {}), summary.get("e", {})
    title = translate("th", "account.title")
    if set(kongtun.get("kinds", {})) != {title}:
        raise SystemExit(f"bench: kongtun did not always answer with the account card: {kongtun['kinds']}")
    if set(echo.get("kinds", {})) != {TEXT}:
        raise SystemExit(f"bench: the echo bot did not always echo: {echo.get('kinds')}")


DEFAULT_SCENARIOS = ("http", "https", "https+rtt20")


def parse_scenario(text: str) -> tuple[str, int]:
    transport, _, rtt = text.partition("+rtt")
    if transport not in ("http", "https") or (rtt and not rtt.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r}: use http, https, http+rttN or https+rttN")
    return transport, int(rtt or 0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.line_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds (default 6)")
    parser.add_argument("--requests", type=int, default=400, help="requests per round and app (default 400)")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests per app first")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app (default 2)")
    parser.add_argument("--scenario", action="append", type=parse_scenario, dest="scenarios",
                        help="how the fake LINE is reached: http, https (as the real API), or either "
                             "with a simulated round trip, e.g. https+rtt20 (ms); repeatable "
                             f"(default: {' '.join(DEFAULT_SCENARIOS)})")
    parser.add_argument("--output", type=Path, default=RESULTS / "line-latest.json")
    args = parser.parse_args(argv)
    args.scenarios = args.scenarios or [parse_scenario(s) for s in DEFAULT_SCENARIOS]
    if min(args.rounds, args.requests, args.concurrency, args.workers) < 1 or args.warmup < 1:
        parser.error("all counts must be at least 1")
    return args


def run(args: argparse.Namespace, scenario: tuple[str, int], folder: Path, url: str, linked: dict) -> dict:
    transport, rtt_ms = scenario
    series = {"k": Series("kongtun: account card"), "e": Series("SDK echo example")}
    tls = make_certificate(folder) if transport == "https" else None
    # A simulated round trip makes every request slow: fewer of them, for the same duration.
    requests = args.requests if not rtt_ms else max(50, args.requests // 4)
    warmup = args.warmup if not rtt_ms else max(20, args.warmup // 4)
    with FakeLineProcess(tls, rtt_ms / 1000) as fake:
        common = {"LINE_CHANNEL_SECRET": CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
                  "LINE_API_BASE_URL": fake.url}
        if tls:
            common["SSL_CERT_FILE"] = tls[0]
        kongtun_env = {**common, "DATABASE_URL": url, "KONGTUN_SECRET_KEY": SECRET_KEY}
        with Gunicorn("bot.app:create_app()", "/webhooks/line", kongtun_env, args.workers) as kongtun, \
                Gunicorn("bench.line_echo_bot:app", "/callback", common, args.workers) as echo:
            servers = {"k": kongtun, "e": echo}
            for tag, server in servers.items():
                run_round(server, signed_bodies(tag, warmup), args.concurrency)
            for round_no in range(args.rounds):
                order = ["k", "e"] if round_no % 2 == 0 else ["e", "k"]
                for tag in order:
                    bodies = signed_bodies(tag, requests)
                    latencies, elapsed = run_round(servers[tag], bodies, args.concurrency)
                    series[tag].add_round(latencies, elapsed)
        summary = fake.summary()
    check_samples(summary)
    expected = warmup + args.rounds * requests
    for tag in ("k", "e"):
        got = summary[tag]
        if got["replies_ok"] != expected or got["replies_failed"] or got["pushes"]:
            raise SystemExit(f"bench: {series[tag].name}: {got['replies_ok']} replies for {expected} events, "
                             f"{got['replies_failed']} failed, {got['pushes']} pushes")
    kongtun, echo = series["k"], series["e"]
    return {
        "transport": transport,
        "simulated_rtt_ms": rtt_ms,
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": f"make bench  (.venv/bin/python -m bench.line_bench --rounds {args.rounds} "
                   f"--requests {args.requests} --warmup {args.warmup} --concurrency {args.concurrency} "
                   f"--workers {args.workers} --scenario {transport}{f'+rtt{rtt_ms}' if rtt_ms else ''})",
        "workers": args.workers,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "gunicorn": version("gunicorn"), "line-bot-sdk": version("line-bot-sdk"),
                    "flask": version("flask")},
        "linked_member": linked,
        "kongtun": {**kongtun.summary(), "line_connections": summary["k"]["connections"]},
        "echo": {**echo.summary(), "line_connections": summary["e"]["connections"]},
        "ratio_kongtun_over_echo": round(kongtun.median_rate / echo.median_rate, 2),
        "kongtun_reply_sample": summary["k"]["sample"],
    }


def table(result: dict) -> str:
    k, e = result["kongtun"], result["echo"]
    lines = [
        f"LINE webhook under gunicorn, fake LINE over {result['transport'].upper()}"
        f"{f' with a simulated {rtt} ms round trip' if (rtt := result['simulated_rtt_ms']) else ''}: "
        f"{result['workers']} sync workers each, {k['rounds']} interleaved rounds x "
        f"{k['requests'] // k['rounds']} signed events, "
        f"{result['machine']['cpus']} CPUs, {result['linked_member']['members']} demo members",
        "",
        f"{'':34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'LINE conns':>12}   rounds (req/s)",
    ]
    for name, s in (("kongtun: เช็คยอด -> account card", k), ("SDK echo example: echo", e)):
        rounds = " ".join(f"{r:.0f}" for r in s["rate_per_round"])
        lines.append(f"{name:34}{s['median_rate']:>9.1f}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}"
                     f"{s['line_connections']:>12}   {rounds}")
    lines += ["", f"ratio kongtun/echo: {result['ratio_kongtun_over_echo']:.2f}x (target: at least 1.0x)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="kongtun-line-bench-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        linked = prepare(url)
        for scenario in args.scenarios:
            results.append(run(args, scenario, folder, url, linked))
            print(table(results[-1]) + "\n")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
