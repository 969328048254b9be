"""Deciding dues reminders at scale: the dues job for 10,000 / 100,000 (/ 1,000,000) members.

`python -m bench.bench_decide` (also run by `make bench`). Each size gets a database of its own,
filled with bulk inserts (PostgreSQL: COPY): 10 funds, members joined in January 2026, half of them
with a linked chat (LINE or Telegram, some in English), one payment each covering 9-12 months, so on
1 December 2026 three quarters of the linked members owe (one in four gets a lapse warning). It then
times `Job.run` of the dues job at 09:00 on the 1st, counts every SQL statement with an SQLAlchemy
event, and checks the rows written. The 1,000,000 case (PostgreSQL) runs with `--million` or
KONGTUN_BENCH_MILLION=1.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import Engine, make_url

from models import ChatAccount, Fund, Member, OutboxMessage, Payment, make_engine, make_sessionmaker
from models.migrate import upgrade
from scheduler.jobs import JOBS

TZ = ZoneInfo("Asia/Bangkok")
AT = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
FUNDS = 10
JOINED = date(2026, 1, 1)
POSTGRES = os.environ.get("KONGTUN_BENCH_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/kongtun_bench_decide")
RESULTS = Path(__file__).resolve().parent / "results"
DUES = next(job for job in JOBS if job.name == "dues")


def months_paid(i: int) -> int:
    return 9 + (i // 2) % 4  # 9: two behind (lapse warning), 10: one behind, 11: owes December, 12: paid up


def expected_rows(n: int) -> int:
    return sum(1 for i in range(1, n + 1) if i % 2 == 0 and months_paid(i) < 12)


def member_rows(n: int, now: datetime):
    for i in range(1, n + 1):
        yield {"id": i, "fund_id": 1 + i % FUNDS, "member_no": f"{i:07d}", "first_name": "สมาชิก",
               "last_name": f"ทดสอบ{i}", "national_id_hash": f"{i:064x}",
               "national_id_last4": f"{i % 10000:04d}",
               "birth_date": date(1970, 1, 1), "phone": None, "joined_on": JOINED, "status": "active",
               "preferred_language": "th", "notify_dues": True, "notify_meetings": True,
               "notify_announcements": True, "consent_at": None, "consent_version": None, "created_at": now}


def chat_rows(n: int, now: datetime):
    for i in range(2, n + 1, 2):  # half the members have a chat
        yield {"id": i // 2, "channel": "line" if i % 4 == 0 else "telegram",
               "external_user_id": f"U{i:032x}",
               "member_id": i, "locale": "en" if i % 10 == 0 else "th", "display_name": None,
               "linked_at": now, "unreachable_at": None, "failed_link_attempts": 0, "link_locked_until": None,
               "consent_at": None, "consent_version": None, "pending_member_id": None, "pending_since": None,
               "created_at": now}


def payment_rows(n: int, now: datetime):
    for i in range(1, n + 1):
        months = months_paid(i)
        yield {"id": i, "member_id": i, "amount": 30 * months, "months_covered": months,
               "paid_on": date(2026, 1, 15), "recorded_by": "bench", "reverses_id": None, "note": None,
               "created_at": now}


def _copy(engine: Engine, table, rows) -> None:
    """PostgreSQL COPY, the fastest bulk load there is."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    columns = list(first)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write_row([first[c] for c in columns])
            for row in rows:
                copy.write_row([row[c] for c in columns])
        raw.commit()
    finally:
        raw.close()


def _insert(engine: Engine, table, rows, chunk: int = 20_000) -> None:
    batch: list[dict] = []
    with engine.begin() as conn:
        for row in rows:
            batch.append(row)
            if len(batch) == chunk:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)


def fill(engine: Engine, n: int) -> float:
    started = time.perf_counter()
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session, session.begin():
        for k in range(1, FUNDS + 1):
            session.add(Fund(id=k, code=f"BENCH{k}", name_th=f"กองทุนทดสอบ {k}", name_en=f"Bench fund {k}",
                             district_th="เมือง", district_en="Mueang", dues_per_month=30,
                             lapse_after_missed_months=3, payment_info_th="ชำระที่ที่ทำการกองทุน",
                             payment_info_en="Pay at the fund office"))
    load = _copy if engine.dialect.name == "postgresql" else _insert
    for table, rows in ((Member.__table__, member_rows(n, now)), (ChatAccount.__table__, chat_rows(n, now)),
                        (Payment.__table__, payment_rows(n, now))):
        load(engine, table, rows)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            for table in ("members", "chat_accounts", "payments", "funds"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
            # What a database in service looks like: vacuumed, its statistics known, nothing of
            # the load left to write out; otherwise autovacuum and a checkpoint land in the timing.
            conn.execute(text("VACUUM ANALYZE"))
            conn.execute(text("CHECKPOINT"))
        else:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def measure(engine: Engine, n: int) -> dict:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    Session = make_sessionmaker(engine)
    event.listen(engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        written = DUES.run(Session, AT, TZ)
        seconds = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", count)
    pages = per_page(statements)
    with Session() as session:
        rows = session.scalar(select(func.count()).select_from(OutboxMessage))
    if written != rows or rows != expected_rows(n):
        raise SystemExit(f"bench: the dues job wrote {written} rows ({rows} in the outbox), "
                         f"expected {expected_rows(n)}")
    rerun_started = time.perf_counter()
    again = DUES.run(Session, AT, TZ)
    rerun = time.perf_counter() - rerun_started
    if again:
        raise SystemExit(f"bench: a rerun wrote {again} rows")
    return {"members": n, "rows_written": written, "seconds": round(seconds, 3),
            "members_per_second": round(n / seconds), "rerun_seconds": round(rerun, 3),
            "pages": len(pages), "statements": len(statements),
            "statements_per_page": sorted(set(pages))}


def per_page(statements: list[str]) -> list[int]:
    """Statements in each page: a page begins with the members' query (FROM members ... LIMIT)."""
    pages: list[int] = []
    for statement in statements:
        flat = " ".join(statement.split()).lower()
        if flat.startswith("select members.id") and "limit" in flat:
            pages.append(0)
        if pages:
            pages[-1] += 1
    # The last page's count includes the JobRun's closing update: leave it out of the constant.
    return pages[:-1] if len(pages) > 1 else pages


def sqlite_case(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="kongtun-decide-") as folder:
        url = f"sqlite:///{Path(folder) / 'decide.db'}"
        upgrade(url)
        return filled_and_measured(url, "sqlite", n)


def postgres_case(n: int, url: str) -> dict:
    admin = make_engine(str(make_url(url).set(database="postgres")))
    name = make_url(url).database
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:  # a database of its own, emptied for each size
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return filled_and_measured(url, "postgresql", n)


def filled_and_measured(url: str, database: str, n: int) -> dict:
    """`n` members loaded into the migrated database at `url`, then the dues job timed on them."""
    engine = make_engine(url)
    try:
        filled = fill(engine, n)
        return {"database": database, "fill_seconds": round(filled, 1), **measure(engine, n)}
    finally:
        engine.dispose()


def ratios(cases: list[dict]) -> list[dict]:
    out = []
    for small, large in zip(cases, cases[1:], strict=False):
        out.append({"from": small["members"], "to": large["members"],
                    "ratio": round(large["seconds"] / small["seconds"], 2)})
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_decide", description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default="10000,100000",
                        help="SQLite sizes (comma-separated; '' for none)")
    parser.add_argument("--postgres", default="10000,100000", help="PostgreSQL sizes ('' for none)")
    parser.add_argument("--million", action="store_true",
                        default=os.environ.get("KONGTUN_BENCH_MILLION") == "1",
                        help="add 1,000,000 members on PostgreSQL (or KONGTUN_BENCH_MILLION=1)")
    parser.add_argument("--postgres-url", default=POSTGRES, help="a database the bench may empty")
    parser.add_argument("--output", type=Path, default=RESULTS / "decide.json")
    return parser.parse_args(argv)


def sizes(text_value: str) -> list[int]:
    return [int(part) for part in text_value.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result: dict = {"generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "at": AT.isoformat(), "cpus": os.cpu_count(), "sqlite": [], "postgresql": []}
    for n in sizes(args.sqlite):
        result["sqlite"].append(report(sqlite_case(n)))
    pg_sizes = sizes(args.postgres) + ([1_000_000] if args.million else [])
    for n in pg_sizes:
        try:
            result["postgresql"].append(report(postgres_case(n, args.postgres_url)))
        except Exception as exc:  # no server here: say so, keep the SQLite figures
            if "connect" not in str(exc).lower():
                raise
            print(f"PostgreSQL at {make_url(args.postgres_url).render_as_string()} unreachable: skipped")
            break
    for name in ("sqlite", "postgresql"):
        result[f"{name}_ratios"] = ratios(result[name])
        for r in result[f"{name}_ratios"]:
            print(f"{name}: {r['from']:,} -> {r['to']:,} members: time x{r['ratio']} (target <= 12)")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def report(case: dict) -> dict:
    buffer = io.StringIO()
    print(f"{case['database']:>10} {case['members']:>9,} members: {case['seconds']:>7.2f} s "
          f"({case['members_per_second']:,}/s), {case['rows_written']:,} rows, {case['pages']} pages, "
          f"statements per page {case['statements_per_page']}, rerun {case['rerun_seconds']:.2f} s "
          f"(filled in {case['fill_seconds']} s)", file=buffer)
    print(buffer.getvalue(), end="", flush=True)
    return case


if __name__ == "__main__":
    sys.exit(main())
