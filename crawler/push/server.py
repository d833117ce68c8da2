"""The HTTP push receiver: ``POST /push/<feed>`` with a feed document, and the WebSub callback
``/websub/<feed>/<token>`` (crawler.push.callback), inside the daemon.

Served by waitress, a production WSGI server of the Pylons project in pure Python: it runs
requests on a pool of threads, which is what the daemon already is (no event loop to bridge
to the SQLite code), it refuses a body over ``max_request_body_size`` itself with a 413 before
reading it, and it is small, with no dependency of its own. The application below is plain WSGI:
two routes do not need a framework.

Answers to pushes (a short ``text/plain`` line each, and one log line):

* 202 the document is stored (committed to the database) and the processor woken;
* 200 the same bytes were stored before for this feed: nothing done;
* 401 no credentials, 403 a wrong token or a bad signature (crawler.push.auth);
* 404 no such feed in the configuration (or not a /push/ path), 405 not a POST;
* 413 over ``fetch.max_feed_size`` (waitress), 422 not a feed (the reason given).

What this module leaves to others: authentication rules (crawler.push.auth), storing
(crawler.push.deliver) and the WebSub callback's answers (crawler.push.callback).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from waitress import create_server, wasyncore

from crawler.config import Config
from crawler.push.auth import SIGNATURE_HEADER, push_refusal
from crawler.push.callback import CallbackRequest, answer_callback
from crawler.push.deliver import deliver
from crawler.push.websub import SIGNATURE_HEADER as WEBSUB_SIGNATURE
from crawler.storage import Store

log = logging.getLogger(__name__)

REASONS = {200: "OK", 202: "Accepted", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed", 410: "Gone",
           422: "Unprocessable Content", 500: "Internal Server Error"}  # fmt: skip


class PushApp:
    """The WSGI application. ``config`` is called per request (the daemon reloads it);
    ``on_stored`` is called after each stored document (wakes the processor)."""

    def __init__(
        self,
        db_path: Path,
        config: Callable[[], Config],
        on_stored: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self.db_path = db_path
        self.config = config
        self.on_stored = on_stored
        self.clock = clock
        self._local = threading.local()
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> list[bytes]:
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        if len(parts) == 3 and parts[0] == "websub" and all(parts):
            code, text = self._websub(environ, parts[1], parts[2])  # a challenge: as it came
        else:
            code, text = self._answer(environ)
            text += "\n"
        start_response(
            f"{code} {REASONS.get(code, '')}",
            [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
        )
        return [text.encode()]

    def close(self) -> None:
        with self._stores_lock:
            for store in self._stores:
                store.close()
            self._stores.clear()

    def _store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db_path)
            with self._stores_lock:
                self._stores.append(store)
        return store

    def _answer(self, environ: dict[str, Any]) -> tuple[int, str]:
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        if len(parts) != 2 or parts[0] != "push" or not parts[1]:
            return 404, "not found: POST documents to /push/<feed>"
        if environ["REQUEST_METHOD"] != "POST":
            return 405, "method not allowed: POST a document"
        name = parts[1]
        config = self.config()
        feed = config.feed(name)
        origin = environ.get("REMOTE_ADDR")
        if feed is None or not feed.enabled:
            log.warning("push refused feed=%s origin=%s reason=unknown feed", name, origin)
            return 404, f"no feed named {name!r} in the configuration"
        body = _body(environ)
        refusal = push_refusal(
            feed,
            environ.get("HTTP_AUTHORIZATION"),
            environ.get("HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")),
            body,
        )
        if refusal is not None:
            log.warning("push refused feed=%s origin=%s reason=%s", name, origin, refusal)
            return (401 if refusal.startswith("no credentials") else 403), refusal
        try:
            outcome = deliver(
                self._store(), config, name, body, via="push", now=self.clock(), origin=origin,
                content_type=environ.get("CONTENT_TYPE"),
            )  # fmt: skip
        except Exception:  # a request's surprise must not take the receiver down
            log.exception("push failed feed=%s origin=%s", name, origin)
            return 500, "internal error: the document was not stored, send it again"
        if outcome.outcome == "refused":
            log.warning("push refused feed=%s origin=%s reason=%s", name, origin, outcome.reason)
            return 422, f"not stored: {outcome.reason}"
        if outcome.outcome == "duplicate":
            return 200, "already stored: the same document was received before"
        self.on_stored()
        return 202, f"stored: {outcome.new} new, {outcome.updated} updated"

    def _websub(self, environ: dict[str, Any], feed: str, token: str) -> tuple[int, str]:
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        request = CallbackRequest(
            method=environ["REQUEST_METHOD"], feed=feed, token=token,
            params={key: values[0] for key, values in query.items()},
            signature=environ.get("HTTP_" + WEBSUB_SIGNATURE.upper().replace("-", "_")),
            body=_body(environ) if environ["REQUEST_METHOD"] == "POST" else b"",
            content_type=environ.get("CONTENT_TYPE"), origin=environ.get("REMOTE_ADDR"),
        )  # fmt: skip
        try:
            code, text, stored = answer_callback(self._store(), self.config(), request,
                                                 self.clock())  # fmt: skip
        except Exception:  # a request's surprise must not take the receiver down
            log.exception("websub callback failed feed=%s", feed)
            return 500, "internal error"
        if stored:
            self.on_stored()
        return code, text


def _body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


class PushServer:
    """waitress serving a :class:`PushApp` on its own thread until :meth:`stop`."""

    def __init__(self, app: PushApp, *, host: str, port: int, threads: int, max_body: int):
        self.app = app
        self._map: dict = {}
        self._server = create_server(
            app, map=self._map, host=host, port=port, threads=threads,
            max_request_body_size=max_body, ident="wirewatch", expose_tracebacks=False,
        )  # fmt: skip
        self.host, self.port = self._server.effective_host, self._server.effective_port
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name="push-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> PushServer:
        self._thread.start()
        log.info("push receiver listening url=%s", self.url)
        return self

    def _serve(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):  # the loop's select saw its sockets closed by stop()
            if not self._stopping:
                raise

    def stop(self) -> None:
        self._stopping = True
        self._server.task_dispatcher.shutdown()
        wasyncore.close_all(self._map)
        self._thread.join(timeout=5)
        self.app.close()
