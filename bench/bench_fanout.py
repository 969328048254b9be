"""`python -m bench.bench_fanout` (also run by `make bench`): LINE fan-out through the dispatcher,
each case against a bare loop posting the same bodies with one HTTP client, in the same run.

- **multicast**: one announcement (identical content) to 100,000 LINE users, as outbox rows with
  one `content_key`, drained by `scheduler.dispatcher.Dispatcher` with the real `LineSender`
  (multicasts of 500);
- **push**: 10,000 personal messages (a dues reminder each, different text), one push each;
- **paced**: pushes at the configured `LINE_RATE`, to see how much of that rate the dispatcher
  really reaches (the pacing row in the database, shared by every dispatcher, decides each slot).

The fake LINE (`tests/fakes/line_server.py`, schema checks off) runs in its own process, so it does
not share the interpreter's lock with the dispatcher. The bare loop replays the request bodies the
fake received from the dispatcher (with fresh retry keys, or LINE would answer 409), one after the
other over one `urllib3.PoolManager`, the transport the SDK itself uses: the floor for the same
requests. Ratio = dispatcher rate / bare-loop rate (recipients or requests per second); 1.0 would
mean the dispatcher's claiming, planning and bookkeeping cost nothing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TOKEN = "bench-line-access-token"
BANGKOK = ZoneInfo("Asia/Bangkok")
SEND_PATHS = ("/v2/bot/message/push", "/v2/bot/message/multicast")
RUN = uuid.uuid4().hex[:8]  # in the keys: a database given with --database-url can be used again


# --- the fake LINE in its own process --------------------------------------------------------------

def _serve(conn, rtt: float) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.fakes.line_server import FakeLine

    with FakeLine(token=TOKEN, validate=False, rtt=rtt) as fake:
        conn.send(fake.url)
        while True:
            command = conn.recv()
            if command == "stop":
                return
            if command == "sent":  # the send requests so far, then forget them
                with fake._lock:
                    records, fake.requests[:] = list(fake.requests), []
                conn.send([(r.path, r.body) for r in records if r.path in SEND_PATHS and r.status == 200])


class FakeLineProcess:
    def __init__(self, rtt: float = 0.0) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child, rtt), daemon=True)

    def __enter__(self) -> FakeLineProcess:
        self._process.start()
        self.url: str = self._conn.recv()
        return self

    def sent(self) -> list[tuple[str, bytes]]:
        self._conn.send("sent")
        return self._conn.recv()

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()


# --- the outbox ----------------------------------------------------------------------------------

def user_id(i: int) -> str:
    return "U" + f"{i:032x}"


def fill_outbox(Session, kind: str, n: int, run: int) -> None:
    """n pending LINE rows: one announcement for all (multicast) or one personal text each (push)."""
    from sqlalchemy import insert

    from messaging.values import Text, reply_to_dict
    from models import OutboxMessage
    from services.outbox import PRIORITY

    now = datetime.now(UTC)
    same = [reply_to_dict(Text("ประกาศกองทุน: ประชุมใหญ่สามัญประจำปี วันเสาร์ที่ 12 ธันวาคม 2569 "
                               "เวลา 09:00 น. ที่ห้องประชุมเทศบาล ขอเชิญสมาชิกทุกท่านค่ะ"))]
    rows = []
    for i in range(n):
        if kind == "multicast":
            payload, content_key, job = same, f"announcement:{RUN}:{run}:th", "announcement"
        else:
            payload = [reply_to_dict(Text(f"แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569 สมาชิกเลขที่ {i:05d} "
                                          f"ยอด {30 * (1 + i % 3)} บาท ชำระได้ที่ที่ทำการกองทุนค่ะ"))]
            content_key, job = None, "dues_reminder"
        rows.append({"key": f"bench:{RUN}:{run}:{kind}:{i}", "channel": "line",
                     "external_user_id": user_id(i), "payload": payload, "status": "pending", "kind": job,
                     "priority": PRIORITY[job], "content_key": content_key, "source": f"bench:{run}",
                     "attempts": 0, "created_at": now})
    with Session() as session, session.begin():
        for start in range(0, n, 10_000):
            session.execute(insert(OutboxMessage), rows[start:start + 10_000])


# --- the two ways to send ---------------------------------------------------------------------------

def drain(Session, url: str, line_rate: float, dispatchers: int = 1) -> tuple[float, object]:
    """Every waiting row through `dispatchers` dispatchers side by side (threads, each with its own
    LineSender and HTTP client, as `kongtun worker` processes would be) and the real LineSender:
    (seconds, the reports added up)."""
    from bot.channels.line_client import LineClient
    from bot.channels.line_sender import LineSender
    from bot.config import Config
    from scheduler.dispatcher import DeliverySettings, Dispatcher

    config = Config.from_env(env={"KONGTUN_SECRET_KEY": "bench", "DATABASE_URL": "sqlite://",
                                  "LINE_CHANNEL_SECRET": "bench", "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                                  "LINE_API_BASE_URL": url})
    settings = DeliverySettings(tz=BANGKOK, quiet_hours=None, line_rate=line_rate)
    clients = [LineClient(config) for _ in range(dispatchers)]
    workers = [Dispatcher(Session, {"line": LineSender(client)}, settings, owner=f"bench-{i}")
               for i, client in enumerate(clients)]
    reports: list[object] = []
    try:
        started = time.perf_counter()
        if dispatchers == 1:
            reports.append(workers[0].deliver())
        else:
            with ThreadPoolExecutor(dispatchers) as pool:
                reports.extend(pool.map(lambda d: d.deliver(), workers))
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    total = reports[0]
    for report in reports[1:]:
        for name in ("sent", "retried", "held", "failed", "unreachable", "expired"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
    return elapsed, total


def bare_loop(url: str, bodies: list[tuple[str, bytes]]) -> float:
    """The same request bodies, one after the other, over one urllib3 pool: seconds."""
    import urllib3

    pool = urllib3.PoolManager(maxsize=1, retries=False)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    started = time.perf_counter()
    for path, body in bodies:
        response = pool.request("POST", url + path, body=body,
                                headers={**headers, "X-Line-Retry-Key": str(uuid.uuid4())})
        if response.status != 200:
            raise SystemExit(f"bench: the bare loop got {response.status} from {path}")
    elapsed = time.perf_counter() - started
    pool.clear()
    return elapsed


def recipients(bodies: list[tuple[str, bytes]]) -> int:
    return sum(len(json.loads(body)["to"]) if path.endswith("multicast") else 1 for path, body in bodies)


# --- cases -----------------------------------------------------------------------------------------

def case(Session, fake: FakeLineProcess, kind: str, n: int, run: int, line_rate: float,
         compare: bool = True, dispatchers: int = 1) -> dict:
    fill_outbox(Session, kind, n, run)
    seconds, report = drain(Session, fake.url, line_rate, dispatchers)
    bodies = fake.sent()
    reached = recipients(bodies)
    if report.sent != n or reached != n:  # type: ignore[attr-defined]
        raise SystemExit(f"bench: {kind}: {n} rows, the dispatcher reported {report} and LINE "
                         f"received {reached} recipients in {len(bodies)} requests")
    result = {"rows": n, "requests": len(bodies), "dispatcher_s": round(seconds, 3),
              "dispatcher_recipients_per_s": round(n / seconds, 1),
              "dispatcher_requests_per_s": round(len(bodies) / seconds, 1)}
    if compare:
        bare = bare_loop(fake.url, bodies)
        if len(fake.sent()) != len(bodies):  # and forget them before the next case
            raise SystemExit(f"bench: {kind}: the bare loop's requests did not all reach the fake")
        result |= {"bare_s": round(bare, 3), "bare_requests_per_s": round(len(bodies) / bare, 1),
                   "ratio_dispatcher_over_bare": round(bare / seconds, 3)}
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_fanout", description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000, help="announcement recipients (100,000)")
    parser.add_argument("--pushes", type=int, default=10_000, help="personal pushes (10,000)")
    parser.add_argument("--paced", type=int, default=1_000, help="pushes of the paced case (1,000)")
    parser.add_argument("--line-rate", type=float, default=100.0,
                        help="LINE_RATE of the paced case, requests per second (100, the default)")
    parser.add_argument("--dispatchers", type=int, default=1,
                        help="dispatchers side by side in the paced case (1; more are `kongtun worker`s)")
    parser.add_argument("--rtt", type=float, default=0.0, help="the fake's round trip in seconds (0)")
    parser.add_argument("--database-url", help="an empty database to use instead of a temporary SQLite "
                                                "file, e.g. postgresql+psycopg://postgres@127.0.0.1/fanout")
    parser.add_argument("--output", type=Path, default=RESULTS / "fanout.json")
    args = parser.parse_args(argv)
    if min(args.recipients, args.pushes, args.paced, args.dispatchers) < 1 or args.line_rate <= 0:
        parser.error("counts must be at least 1 and --line-rate more than 0")
    return args


def run(args: argparse.Namespace) -> dict:
    from models import make_engine, make_sessionmaker
    from models.migrate import upgrade

    unpaced = 1_000_000.0  # a LINE_RATE no run reaches: the comparison with the bare loop is unpaced
    with tempfile.TemporaryDirectory(prefix="kongtun-fanout-") as folder, FakeLineProcess(args.rtt) as fake:
        url = args.database_url or f"sqlite:///{Path(folder) / 'fanout.db'}"
        upgrade(url)
        engine = make_engine(url)
        Session = make_sessionmaker(engine)
        try:
            multicast = case(Session, fake, "multicast", args.recipients, 1, unpaced)
            push = case(Session, fake, "push", args.pushes, 2, unpaced)
            paced = case(Session, fake, "push", args.paced, 3, args.line_rate, compare=False,
                         dispatchers=args.dispatchers)
        finally:
            engine.dispose()
    paced["line_rate"], paced["dispatchers"] = args.line_rate, args.dispatchers
    paced["share_of_line_rate"] = round(paced["dispatcher_requests_per_s"] / args.line_rate, 3)
    return {
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": f"python -m bench.bench_fanout --recipients {args.recipients} --pushes {args.pushes} "
                   f"--paced {args.paced} --line-rate {args.line_rate:g} --dispatchers {args.dispatchers} "
                   f"--rtt {args.rtt:g}",
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version},
        "database": "PostgreSQL" if (args.database_url or "").startswith("postgres")
                    else "SQLite, a temporary file",
        "rtt_s": args.rtt,
        "multicast": multicast, "push": push, "paced": paced,
    }


def table(result: dict) -> str:
    m, p, q = result["multicast"], result["push"], result["paced"]
    return "\n".join([
        f"LINE fan-out through the dispatcher (fake LINE, round trip {result['rtt_s'] * 1000:.0f} ms, "
        f"{result['database']})",
        f"{'':34}{'requests':>9}{'dispatcher s':>14}{'bare s':>9}{'ratio':>8}",
        f"{'announcement, ' + format(m['rows'], ',') + ' recipients':34}{m['requests']:>9,}"
        f"{m['dispatcher_s']:>14.2f}{m['bare_s']:>9.2f}{m['ratio_dispatcher_over_bare']:>7.2f}x",
        f"{format(p['rows'], ',') + ' personal pushes':34}{p['requests']:>9,}{p['dispatcher_s']:>14.2f}"
        f"{p['bare_s']:>9.2f}{p['ratio_dispatcher_over_bare']:>7.2f}x",
        "",
        f"paced: {q['rows']:,} pushes at LINE_RATE {q['line_rate']:g}/s, "
        f"{q['dispatchers']} dispatcher(s): "
        f"{q['dispatcher_requests_per_s']:.1f}/s, {q['share_of_line_rate'] * 100:.1f}% of the rate "
        "(target >= 90%)",
        "targets: ratio >= 0.8x the bare loop",
    ])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args)
    print(table(result))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
