"""The HTTP side of the fake LINE Platform (`line_server`): keep-alive connections, optional TLS,
a simulated round trip, each request handed to the fake's `handle`."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up waiting (the bot's timeouts) closed the socket: nothing to report.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as LINE's API servers do
    # Headers and body go out in two writes: without TCP_NODELAY the body waits for the client's
    # delayed ACK (40 ms) on a kept-alive connection, which real API servers do not make you wait.
    disable_nagle_algorithm = True
    owner: Any  # the FakeLine
    tls_context: Any = None

    def setup(self) -> None:
        if self.owner.rtt:
            time.sleep(self.owner.rtt * (2 if self.tls_context is not None else 1))
        if self.tls_context is not None:  # the handshake in this connection's own thread
            self.request = self.tls_context.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self.tls_context is not None:
                self.request.close()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, payload = self.owner.handle(self.command, self.path, headers, body,
                                                   self.client_address[:2])
        self.send_response(status)
        for key, value in extra.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass
