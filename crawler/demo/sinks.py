"""Local stand-ins for Slack and an SMTP server, for ``wirewatch demo --sinks`` and benchmarks.

:class:`SlackSink` is an HTTP server on 127.0.0.1 that accepts what an incoming webhook accepts
(a JSON POST), answers 200 ``ok``, and records each message with the time it arrived.
:class:`SmtpSink` is an aiosmtpd server on 127.0.0.1 that accepts every message and records it.
Both call an optional ``on_message`` callback so the demo can print what arrived. They deliver
nothing anywhere: they exist so alerts can be seen end to end without the internet.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    """One message a sink received: when (time.time()), a one-line summary, the raw data."""

    at: float
    summary: str
    data: Any = field(repr=False)


class SlackSink:
    """An incoming-webhook receiver: ``url`` takes JSON POSTs and answers 200."""

    def __init__(self, on_message: Callable[[Received], None] | None = None):
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._on_message = on_message
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    data = json.loads(body)
                except json.JSONDecodeError:
                    self.send_response(400)
                    self.end_headers()
                    self.wfile.write(b"invalid_payload")
                    return
                summary = (
                    str(data.get("text", "")).splitlines()[0] if isinstance(data, dict) else ""
                )
                sink._record(Received(time.time(), summary, data))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}/services/demo"

    def _record(self, message: Received) -> None:
        with self._lock:
            self.received.append(message)
        if self._on_message is not None:
            self._on_message(message)

    def start(self) -> SlackSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SlackSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SmtpSink:
    """An SMTP server accepting every message (no TLS, no auth): ``port`` on 127.0.0.1."""

    def __init__(self, on_message: Callable[[Received], None] | None = None):
        try:
            from aiosmtpd.controller import Controller
        except ImportError as e:  # aiosmtpd comes with the test extra
            raise RuntimeError(
                "the local SMTP sink needs aiosmtpd: pip install 'wirewatch[test]'"
            ) from e
        self.received: list[Received] = []
        self._on_message = on_message
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                sink.received.append(Received(time.time(), str(message["Subject"]), message))
                if sink._on_message is not None:
                    sink._on_message(sink.received[-1])
                return "250 Message accepted"

        # aiosmtpd's Controller cannot bind port 0 (it connects to itself to check it is up).
        self._controller = Controller(Handler(), hostname=HOST, port=free_port())

    @property
    def port(self) -> int:
        return self._controller.port

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
