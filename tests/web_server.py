"""The Procfile's `web:` line served for real (gunicorn on a free port, in its own process group),
for tests of what only a real server shows: slow clients, raw sockets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import SECRET
from tests.test_procfile import ROOT, SHUTDOWN, STARTUP, fetch, free_port, group_alive, processes


@contextmanager
def web(tmp_path: Path, **extra_env: str) -> Iterator[str]:
    """The base URL of the `web:` line serving the simulator on a SQLite file of its own."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LINE_", "TELEGRAM_", "KONGTUN_", "WEB_"))}
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PORT": str(port), "DATABASE_URL": url, "KONGTUN_SIMULATOR": "1", "KONGTUN_SECRET_KEY": SECRET,
        **extra_env,
    })
    procs = processes()
    subprocess.run(["sh", "-c", procs["release"]], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=120)
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(["sh", "-c", procs["web"]], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline and server.poll() is None:
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        if group_alive(server.pid):
            os.killpg(server.pid, signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN
        while group_alive(server.pid) and time.monotonic() < deadline:
            server.poll()
            time.sleep(0.1)
        if group_alive(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=SHUTDOWN)
