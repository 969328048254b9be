"""Clients that trickle a body a byte at a time do not stop the service: the Procfile serves with
threaded workers, so a slow body holds one thread, and `/healthz` (and the bot) still answer. And
what only the real server shows: gunicorn's own access log is masked too, a stalled body is given
up on, and a chunked body over the cap is refused without being read to its end."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from bot.channels.webhook import BODY_IDLE_TIMEOUT
from tests.test_procfile import fetch, processes
from tests.web_server import web

SLOW_CLIENTS = 3  # more than the two sync workers the Procfile used to run


def slow_post(base: str) -> socket.socket:
    """A POST whose headers promise a body that then comes one byte at a time."""
    address = urlsplit(base)
    sock = socket.create_connection((address.hostname, address.port), timeout=5)
    sock.sendall(b"POST /simulator/api/messages HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
    return sock


def test_the_web_line_serves_threads_with_timeouts_a_slow_body_cannot_exhaust():
    web_line = processes()["web"]
    assert "--worker-class gthread" in web_line and "--threads " in web_line
    for option in ("--timeout ", "--graceful-timeout ", "--keep-alive "):
        assert option in web_line


def test_bodies_trickling_a_byte_at_a_time_do_not_stop_the_health_check(tmp_path):
    with web(tmp_path, WEB_CONCURRENCY="2") as base:
        slow = [slow_post(base) for _ in range(SLOW_CLIENTS)]
        try:
            for _ in range(5):
                for sock in slow:
                    sock.sendall(b" ")  # one more byte of each body, never the end
                assert fetch(f"{base}/healthz") == (200, {"status": "ok", "database": "ok"})
            status, answer = fetch(f"{base}/simulator/api/messages", {"user": "u-slow", "text": "สวัสดี"})
            assert status == 200 and answer["replies"]
        finally:
            for sock in slow:
                sock.close()


def test_under_gunicorn_the_access_log_masks_ids_and_phones(tmp_path):
    with web(tmp_path) as base:
        for user in ("0812345678", "1-2345-67890-12-1"):
            assert fetch(f"{base}/simulator/api/inbox?user={user}")[0] == 200
    log = (tmp_path / "web.log").read_text(encoding="utf-8", errors="replace")
    assert "GET /simulator/api/inbox?user=<phone>" in log
    assert "GET /simulator/api/inbox?user=<national-id>" in log
    assert "0812345678" not in log and "1-2345-67890-12-1" not in log


def test_a_body_that_stalls_is_given_up_on_and_frees_its_thread(tmp_path):
    with web(tmp_path, WEB_CONCURRENCY="1", WEB_THREADS="1") as base:
        stalled = slow_post(base)  # the only thread reads this body, which then stops coming
        stalled.settimeout(BODY_IDLE_TIMEOUT * 4)
        try:
            answer = stalled.recv(200)  # waits for the server to give up on the body
        finally:
            stalled.close()
        assert answer.startswith(b"HTTP/1.1 400")
        assert fetch(f"{base}/healthz") == (200, {"status": "ok", "database": "ok"})


def test_under_gunicorn_a_chunked_body_over_the_cap_is_413_and_not_read_to_its_end(tmp_path):
    size = 20 * 1024 * 1024  # more than the loopback's socket buffers can hold unread
    piece = b"x" * 65536
    sent = 0
    with web(tmp_path) as base:
        address = urlsplit(base)
        sock = socket.create_connection((address.hostname, address.port), timeout=10)
        try:
            sock.sendall(b"POST /simulator/api/messages HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            while sent < size:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered 413 and closed the connection while the body was still coming
        finally:
            sock.close()
    log = (tmp_path / "web.log").read_text(encoding="utf-8", errors="replace")
    assert '"POST /simulator/api/messages HTTP/1.1" 413' in log
    assert sent < size
