"""Bad feeds against a real local HTTP server, all in one poll batch with a good feed.

Every feed is first polled while it is healthy (so articles are stored), then the server turns
bad and the batch is polled again. For each bad feed: exactly one log line names it, its health
is updated, what was stored is still there, and the good feed of the same batch is stored as
usual. The slow servers (never answers, drips, 50 MB) live on a second loopback address, as
another host would, so the per-host concurrency limit does not hold back the other feeds.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.storage import parse_iso
from tests.test_ingest import rss
from tests.test_spiders import feed_row, poll, query, write_config

TIMEOUT_S = 2
MAX_FEED_SIZE = 2**20
DRIP_EVERY_S = 0.5  # below the timeout: only a total (not an idle) timeout catches it
BOMB = gzip.compress(b"\0" * (20 * MAX_FEED_SIZE))
XXE_MARKER = "XXE-MARKER-d41d8cd9"


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, routes: dict[str, Callable], healthy: threading.Event):
        super().__init__((host, 0), Handler)
        self.routes, self.healthy, self.stopping = routes, healthy, threading.Event()

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:
        name = self.path.strip("/").split("?")[0]
        if self.server.healthy.is_set():
            return send(self, 200, rss((f"{name}-1", f"Bilan d'une attaque, rapport {name}")))
        try:
            self.server.routes[name](self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, *args) -> None:
        pass


def send(h: Handler, status: int, body: bytes = b"", headers: dict | None = None) -> None:
    h.send_response(status)
    headers = {"Content-Length": str(len(body))} | (headers or {})
    for key, value in headers.items():
        h.send_header(key, value)
    h.end_headers()
    h.wfile.write(body)


def never_answers(h: Handler) -> None:
    h.server.stopping.wait(30)


def drips(h: Handler) -> None:
    h.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
    for byte in rss(("d1", "Goutte à goutte")):
        if h.server.stopping.wait(DRIP_EVERY_S):
            return
        h.wfile.write(bytes([byte]))
        h.wfile.flush()


def fifty_megabytes(h: Handler) -> None:
    h.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
    h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    chunk = b"<item><title>" + b"x" * 65_000 + b"</title></item>"
    for _ in range(50 * 2**20 // len(chunk)):
        h.wfile.write(chunk)


def lying_length(h: Handler) -> None:
    h.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\n")
    h.wfile.write(rss(("x1", "Tronqué"))[:500])


# Ten levels of entities, each ten copies of the one before: 10**9 "lol"s if expanded.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lollollollollol">'
    + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
    + b']><rss version="2.0"><channel><title>t</title><item><guid>b1</guid><title>&j;</title>'
    b"</item></channel></rss>"
)


def xxe(secret_path: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret_path}">]>'
        '<rss version="2.0"><channel><title>t</title><item><guid>x1</guid><title>Fuite &x;</title>'
        "<description>Fuite &x;</description></item></channel></rss>"
    ).encode()


def dated(pub: str | None) -> str:
    return f"<pubDate>{pub}</pubDate>" if pub else ""


def routes_for(tmp_path, base: str) -> dict[str, Callable]:
    secret = tmp_path / "secret.txt"
    secret.write_text(XXE_MARKER)
    in_two_hours = format_datetime(datetime.now(timezone.utc) + timedelta(hours=2), usegmt=True)
    item = (
        "<item><guid>{g}</guid><title>Attaque {g}</title><description>Texte</description>{d}</item>"
    )
    future = "Tue, 16 Feb 2100 00:30:00 GMT"
    latin = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    return {
        "good": lambda h: send(
            h, 200, rss(("good-1", "Bilan d'une attaque, rapport good"), ("good-2", "Nouvelle attaque"))
        ),
        "malformed": lambda h: send(h, 200, rss(("m2", "Complet"))[:-30] + b"<item><title>cass"),
        "wrong_encoding": lambda h: send(
            h, 200, (latin + "<item><guid>w2</guid><title>Sécurité à Mossoul</title></item></channel></rss>").encode("latin-1")
        ),
        "undeclared_encoding": lambda h: send(
            h, 200, ('<rss version="2.0"><channel><title>t</title><item><guid>u2</guid>'
                     "<title>هجوم صاروخي على بغداد</title></item></channel></rss>").encode("cp1256"),
        ),
        "html": lambda h: send(h, 200, b"<!DOCTYPE html><html><body><h1>Accueil</h1></body></html>",
                               {"Content-Type": "application/rss+xml"}),
        "empty": lambda h: send(h, 200, b""),
        "gzip_bomb": lambda h: send(h, 200, BOMB, {"Content-Encoding": "gzip"}),
        "lying_length": lying_length,
        "billion_laughs": lambda h: send(h, 200, BILLION_LAUGHS),
        "xxe": lambda h: send(h, 200, xxe(str(secret))),
        "redirect_loop": lambda h: send(h, 302, headers={"Location": f"{base}/redirect_loop?again"}),
        "e500": lambda h: send(h, 500, b"Internal Server Error"),
        "e429": lambda h: send(h, 429, b"slow down", {"Retry-After": "3600"}),
        "e503": lambda h: send(h, 503, b"maintenance", {"Retry-After": in_two_hours}),
        "e404": lambda h: send(h, 404, b"not found"),
        "e410": lambda h: send(h, 410, b"gone"),
        "duplicate_guids": lambda h: send(h, 200, rss(("dg", "Premier"), ("dg", "Doublon"), ("dg2", "Autre"))),
        "dates": lambda h: send(h, 200, (
            '<rss version="2.0"><channel><title>t</title>'
            + item.format(g="no-date", d="") + item.format(g="future-date", d=dated(future))
            + "</channel></rss>").encode()),
    }  # fmt: skip


SLOW_ROUTES = {"never_answers": never_answers, "drips": drips, "fifty_megabytes": fifty_megabytes}

# feed -> status of the bad poll (None: either; what matters is the bound and the health)
EXPECTED = {
    "good": "ok",
    "malformed": "ok",
    "wrong_encoding": "ok",
    "undeclared_encoding": "ok",
    "html": "error",
    "empty": "error",
    "gzip_bomb": "error",
    "lying_length": "error",
    "billion_laughs": None,
    "xxe": None,
    "redirect_loop": "error",
    "e500": "error",
    "e429": "error",
    "e503": "error",
    "e404": "error",
    "e410": "error",
    "duplicate_guids": "ok",
    "dates": "ok",
    "never_answers": "error",
    "drips": "error",
    "fifty_megabytes": "error",
}


@pytest.fixture
def servers(tmp_path):
    healthy = threading.Event()
    healthy.set()
    fast = Server("127.0.0.1", {}, healthy)
    slow = Server("127.0.0.2", SLOW_ROUTES, healthy)
    fast.routes = routes_for(tmp_path, fast.base)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (fast, slow)]
    for thread in threads:
        thread.start()
    yield fast, slow, healthy
    for server in (fast, slow):
        server.stopping.set()
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_bad_feeds_in_one_batch_with_a_good_one(tmp_path, servers, capfd):
    fast, slow, healthy = servers
    feeds = [
        {"name": name, "url": f"{(slow if name in SLOW_ROUTES else fast).base}/{name}"}
        for name in EXPECTED
    ]
    config = write_config(
        tmp_path, feeds, timeout=f"{TIMEOUT_S}s", max_feed_size=MAX_FEED_SIZE, flag_after_failures=1
    )
    first = poll(config)
    assert first["ok"] == len(EXPECTED)
    stored_before = query(config, "SELECT id, feed, guid, title FROM articles ORDER BY id")
    capfd.readouterr()

    healthy.clear()
    started = datetime.now(timezone.utc)
    second = poll(config, timeout_s=60)
    log_lines = capfd.readouterr().err.splitlines()

    assert second["feeds"] == len(EXPECTED)
    for name, status in EXPECTED.items():
        row = feed_row(config, name)
        assert parse_iso(row["last_poll"]) >= started - timedelta(seconds=1), name
        if status is not None:
            assert row["last_status"] == status, (name, row["last_error"])
        assert row["consecutive_errors"] == (1 if row["last_status"] == "error" else 0), name
        assert row["flagged"] == (row["last_status"] == "error"), name
        lines = [line for line in log_lines if "crawler.ingest" in line and f"feed={name} " in line]
        expected_lines = 2 if row["flagged"] else 1  # the poll line, and "feed flagged" once
        assert len(lines) == expected_lines, (name, lines)

    # Nothing stored is lost, and the good feed of the batch went on as usual.
    stored_after = query(config, "SELECT id, feed, guid, title FROM articles ORDER BY id")
    assert stored_after[: len(stored_before)] == stored_before
    good = {r["guid"] for r in stored_after if r["feed"] == "good"}
    assert good == {"good-1", "good-2"}

    texts = query(config, "SELECT feed, guid, title, text, date_flag FROM articles")
    assert not any(XXE_MARKER in (r["title"] + r["text"]) for r in texts)
    assert max(len(r["title"]) + len(r["text"]) for r in texts) < 100_000  # no entity blow-up
    flags = {r["guid"]: r["date_flag"] for r in texts if r["feed"] == "dates"}
    assert (flags["no-date"], flags["future-date"]) == ("missing", "future")
    assert {r["guid"] for r in texts if r["feed"] == "duplicate_guids"} == {
        "duplicate_guids-1",
        "dg",
        "dg2",
    }
    assert "Sécurité à Mossoul" in {r["title"] for r in texts}

    for name, hours in (("e429", 1), ("e503", 2)):
        wait = parse_iso(feed_row(config, name)["next_poll"]) - started
        assert wait >= timedelta(hours=hours) - timedelta(minutes=1), name
    for name in ("never_answers", "drips"):
        assert "timeout" in feed_row(config, name)["last_error"].lower(), name
    for name in ("gzip_bomb", "fifty_megabytes"):
        assert re.search(r"max ?_?size", feed_row(config, name)["last_error"].lower()), name
