"""Helpers for the alert tests: incidents written straight into a real Store, and real local
servers standing for Slack/webhooks (a threaded HTTP server) and for SMTP (aiosmtpd).

Each server follows a script: a queue of behaviours for the next requests (a status, a
Retry-After, a hang, a dropped connection, a refusal); once the script is used up it accepts.
What it accepted is recorded, so a test can check that every alert arrived exactly once.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
from collections import deque
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from crawler.storage import Store, iso

COUNTER = "us-interests-iraq"
# A hanging request is released by the test, or gives up after this long so no thread leaks.
HANG_LIMIT_S = 30

REFERENCE_INCIDENT = {
    "title": "Rockets land near the US embassy in Baghdad, sirens sound",
    "event_time": "2020-02-16T00:30:00+00:00",
    "time_precision": "hour",
    "place_id": "site:green-zone",
    "place_name": "Green Zone",
    "governorate": "Baghdad",
    "latitude": 33.3009,
    "longitude": 44.3958,
    "attack_type": "rocket",
    "target": "us_embassy",
    "us_interest": 1,
    "killed": 0,
    "wounded": 0,
}
REFERENCE_ARTICLES = (
    {
        "title": "Des roquettes tombent près de l'ambassade américaine à Bagdad",
        "url": "https://wire.example/fr/roquettes-bagdad",
        "source": "AFP",
        "lang": "fr",
        "tally": 19,
    },
    {
        "title": "Rockets fall near US embassy in Baghdad",
        "url": "https://wire.example/en/rockets-baghdad",
        "source": "Reuters",
        "lang": "en",
    },
)


def add_incident(
    store: Store,
    now: datetime,
    *,
    articles: tuple[dict[str, Any], ...] = REFERENCE_ARTICLES,
    ordinal: int | None = 20,
    reported: int | None = 19,
    **fields: Any,
) -> int:
    """An incident with its articles, stated tallies and a tick on the US-interests counter."""
    db = store.db
    with store.transaction():
        row = dict(REFERENCE_INCIDENT, first_seen=iso(now), updated=iso(now), **fields)
        row["sources"] = len({a["source"] for a in articles})
        incident_id = db["incidents"].insert(row).last_pk
        for n, article in enumerate(articles):
            article_id = (
                db["articles"]
                .insert(
                    {
                        "feed": article["source"].lower(),
                        "guid": f"{incident_id}-{n}",
                        "url": article["url"],
                        "title": article["title"],
                        "lang": article["lang"],
                        "source": article["source"],
                        "published": iso(now),
                        "first_seen": iso(now),
                        "updated": iso(now),
                        "content_hash": f"hash-{incident_id}-{n}",
                    }
                )
                .last_pk
            )
            db["incident_articles"].insert(
                {
                    "article_id": article_id,
                    "incident_id": incident_id,
                    "reason": "test",
                    "added": iso(now),
                }
            )
            if article.get("tally") is not None:
                db["reported_tallies"].insert(
                    {
                        "article_id": article_id,
                        "incident_id": incident_id,
                        "n": article["tally"],
                        "scope": "attaque contre des intérêts américains",
                        "us_interest": 1,
                    }
                )
        if ordinal is not None:
            db["counters"].insert(
                {
                    "name": COUNTER,
                    "description": "Attacks on US interests in Iraq",
                    "since": "2019-10-28",
                },
                pk="name",
                ignore=True,
            )
            db["counter_ticks"].insert(
                {
                    "counter": COUNTER,
                    "incident_id": incident_id,
                    "ordinal": ordinal,
                    "assigned_at": iso(now),
                    "reported": reported,
                    "mismatch": int(reported is not None and reported != ordinal),
                }
            )
    return incident_id


def add_alerted_incident(
    store: Store, now: datetime, channels: tuple[str, ...], **fields: Any
) -> int:
    """An incident plus its "new" alert on each channel, as the pipeline would write them."""
    incident_id = add_incident(store, now, **fields)
    store.enqueue_alerts(incident_id, 1, "new", channels, now)
    return incident_id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HttpSink:
    """A local HTTP server for Slack or a webhook. Script items: a status code, a
    ``(status, {header: value})`` pair, or ``"hang"`` (read the request, never answer)."""

    def __init__(self) -> None:
        self.script: deque[Any] = deque()
        self.received: list[dict[str, Any]] = []  # every request: body, headers, answer
        self.release = threading.Event()
        self.hanging = threading.Event()  # set when a request starts to hang
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sink._lock:
                    behaviour = sink.script.popleft() if sink.script else 200
                    record = {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(body),
                        "status": None,
                    }
                    sink.received.append(record)
                if behaviour == "hang":
                    sink.hanging.set()
                    sink.release.wait(HANG_LIMIT_S)
                    self.close_connection = True
                    return
                status, headers = behaviour if isinstance(behaviour, tuple) else (behaviour, {})
                record["status"] = status
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A short poll interval: shutdown() waits up to one interval.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """Bodies the server answered with a 2xx: what a real service would have posted."""
        return [r["body"] for r in self.received if r["status"] and 200 <= r["status"] < 300]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """A local SMTP server (aiosmtpd). Script items: ``"refuse_rcpt"`` (550 to the next
    recipient), and one per message: ``"refuse_data"`` (554 after DATA), ``"busy"`` (451 after DATA), ``"drop"``
    (the connection is closed instead of the reply to DATA). ``password``: AUTH required, over
    TLS when ``tls_context`` is given (STARTTLS is then required too)."""

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.script: deque[str] = deque()
        self.messages: list[EmailMessage] = []
        self.auth_logins: list[str] = []
        kwargs: dict[str, Any] = {}
        if tls_context is not None:  # STARTTLS offered and required before MAIL
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if password is not None:
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=tls_context is not None,
            )
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port(), **kwargs)
        self.controller.start()
        self._credentials = (username, password)

    @property
    def port(self) -> int:
        return self.controller.port

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == self._credentials
        )
        if ok:
            self.auth_logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.script and self.script[0] == "refuse_rcpt":
            self.script.popleft()
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        behaviour = self.script.popleft() if self.script else "accept"
        if behaviour == "refuse_data":
            return "554 5.7.1 message refused"
        if behaviour == "busy":
            return "451 4.3.0 try again later"
        if behaviour == "drop":
            server.transport.close()
            return "250 never seen"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def close(self) -> None:
        self.controller.stop()


def self_signed_tls(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) for a certificate made for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.now(timezone.utc) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client
