"""The Procfile, run the way a platform runs it: the `release:` line migrates the database, then the
`web:` line, through `sh -c`, serves the app under gunicorn on $PORT; its health check answers and
the simulator replies in Thai with buttons; it stops cleanly on SIGTERM to its process group. The
`clock:` and `worker:` lines each deliver a waiting outbox row to the simulator inbox at start and
stop cleanly on SIGTERM too."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[1]
PROCFILE = ROOT / "Procfile"
STARTUP = 30  # seconds for gunicorn to answer /healthz
SHUTDOWN = 15  # seconds for the whole process group to be gone after SIGTERM


def processes() -> dict[str, str]:
    """`name: command` lines, as Heroku-style platforms read them."""
    out = {}
    for line in PROCFILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, command = line.partition(":")
            assert re.fullmatch(r"[a-z]+", name), line
            out[name] = command.strip()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_procfile_migrates_on_release_and_serves_gunicorn_on_port():
    procs = processes()
    assert set(procs) == {"release", "web", "clock", "worker"}
    assert procs["release"] == "kongtun db upgrade"
    assert procs["clock"] == "kongtun scheduler" and procs["worker"] == "kongtun worker"
    web = procs["web"]
    assert web.startswith("gunicorn ") and "'bot.app:create_app()'" in web
    assert "--bind 0.0.0.0:$PORT" in web and "--workers ${WEB_CONCURRENCY:-2}" in web


def platform_env(request, tmp_path) -> dict[str, str]:
    """The environment a platform gives every process line, on the suite's database: PostgreSQL
    when TEST_DATABASE_URL says so (already migrated by the session, so the release line has
    nothing to do), else a SQLite file of this test's own; then the release line is run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        request.getfixturevalue("clean_db")
    else:
        url = f"sqlite:///{tmp_path / 'procfile.db'}"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LINE_", "TELEGRAM_", "KONGTUN_")) and key != "WEB_CONCURRENCY"}
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PORT": str(free_port()), "DATABASE_URL": url, "KONGTUN_SIMULATOR": "1",
        "KONGTUN_SECRET_KEY": SECRET, "KONGTUN_QUIET_HOURS": "off",
    })
    release = subprocess.run(["sh", "-c", processes()["release"]], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert release.returncode == 0, release.stdout + release.stderr
    assert "Database schema is up to date." in release.stdout
    return env


def stop_group(process: subprocess.Popen, pgid: int) -> bool:
    """SIGTERM to the line's process group, as a platform stops it; True if it was gone in time."""
    if group_alive(pgid):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + SHUTDOWN
    while group_alive(pgid) and time.monotonic() < deadline:
        process.poll()  # reap sh once it exits, so it stops counting as a member of the group
        time.sleep(0.1)
    stopped = not group_alive(pgid)
    if not stopped:
        os.killpg(pgid, signal.SIGKILL)
    process.wait(timeout=SHUTDOWN)
    return stopped


def test_release_then_web_serve_the_bot(request, tmp_path):
    env = platform_env(request, tmp_path)
    port = int(env["PORT"])
    procs = processes()

    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        web = subprocess.Popen(["sh", "-c", procs["web"]], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    pgid = web.pid  # start_new_session: sh leads a new process group
    base = f"http://127.0.0.1:{port}"

    def log() -> str:
        return log_path.read_text(encoding="utf-8", errors="replace")

    try:
        deadline = time.monotonic() + STARTUP
        health = None
        while time.monotonic() < deadline and web.poll() is None:
            try:
                health = fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert health == (200, {"status": "ok", "database": "ok"}), f"no health check:\n{log()}"

        status, answer = fetch(f"{base}/simulator/api/messages", {"user": "u1", "text": "สวัสดี"})
        assert status == 200, log()
        replies = answer["replies"]
        assert any(re.search(r"[\u0E00-\u0E7F]", reply["text"]) for reply in replies), replies
        buttons = [button for reply in replies for button in reply["buttons"]]
        assert buttons and all(button["label"] and button["postback"] for button in buttons), replies

        # No WEB_CONCURRENCY in the environment: the default of two workers.
        while time.monotonic() < deadline and log().count("Booting worker") < 2:
            time.sleep(0.2)
        assert log().count("Booting worker") == 2, log()
    finally:
        stopped = stop_group(web, pgid)
    assert stopped, f"the web process group outlived SIGTERM by {SHUTDOWN} s:\n{log()}"
    assert "Shutting down: Master" in log(), log()


@pytest.mark.parametrize("value, workers", [("3", "3"), ("", "2")])
def test_web_concurrency_defaults_to_two_workers_in_the_shell(value, workers):
    # The web line's own shell expansion, with WEB_CONCURRENCY set, or set but empty.
    line = processes()["web"]
    expanded = subprocess.run(["sh", "-c", f"echo {line}"], capture_output=True, text=True,
                              env={"PATH": os.environ.get("PATH", ""), "PORT": "5000",
                                   "WEB_CONCURRENCY": value}, check=True).stdout
    assert f"--bind 0.0.0.0:5000 --workers {workers} " in expanded


@pytest.mark.parametrize("line, started, stopped", [
    ("clock", "Kongtun clock in Asia/Bangkok", "Kongtun clock stopped."),
    ("worker", "Kongtun worker delivering to simulator", "Kongtun worker stopped after"),
])
def test_clock_and_worker_deliver_at_start_and_stop_on_sigterm(request, tmp_path, line, started, stopped):
    from messaging.values import Text
    from models import SimulatorMessage, make_engine, make_sessionmaker
    from services.outbox import enqueue

    env = platform_env(request, tmp_path)
    engine = make_engine(env["DATABASE_URL"])
    Session = make_sessionmaker(engine)
    with Session() as session, session.begin():
        enqueue(session, key=f"procfile:{line}", channel="simulator", user_id=f"sim-{line}",
                replies=[Text("ประชุมประจำเดือนวันเสาร์นี้ 09:30 น. ค่ะ")], kind="meeting_reminder")
    log_path = tmp_path / f"{line}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(["sh", "-c", processes()[line]], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)

    def log() -> str:
        return log_path.read_text(encoding="utf-8", errors="replace")

    try:
        deadline, delivered = time.monotonic() + STARTUP, None
        while delivered is None and time.monotonic() < deadline and process.poll() is None:
            with Session() as session:
                delivered = session.scalar(select(SimulatorMessage).where(
                    SimulatorMessage.external_user_id == f"sim-{line}"))
            time.sleep(0.2)
        assert delivered is not None, f"nothing delivered by the {line} line:\n{log()}"
        assert "09:30" in delivered.payload[0]["text"]
        assert started in log(), log()
    finally:
        gone = stop_group(process, process.pid)
        engine.dispose()
    assert gone, f"the {line} process group outlived SIGTERM by {SHUTDOWN} s:\n{log()}"
    assert stopped in log(), log()
