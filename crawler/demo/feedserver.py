"""A local news-wire server for the demo, end-to-end tests and benchmarks: feeds that fill up over time.

:class:`FeedServer` serves the sample wire (or any :class:`~crawler.demo.sample.SampleItem` list)
over HTTP on 127.0.0.1 as several feeds in several formats (RSS, Atom, JSON Feed, NewsML-G2),
plus one broken feed and an HTML page per article. An item appears once its offset has passed
since the server was created; feeds list their latest items newest first and answer conditional
requests (ETag / Last-Modified -> 304) and ``Accept-Encoding: gzip`` as a well-run wire does.
Tests and benchmarks can add items at run time (:meth:`FeedServer.publish`) and make a path hang,
drip its body a byte at a time, or fail with 500 (:meth:`FeedServer.set_behaviour`).

Time comes from an injected clock; publication times are whole seconds so that ``Last-Modified``
(which has one-second resolution) can never hide an item published in the same second as an
earlier one. Event times in the texts follow the publication times (see :mod:`crawler.demo.sample`),
so incidents read as just happened whatever the hour the demo runs.

Run as a script, it prints its base URL on the first line of stdout, then serves until stopped::

    python -m crawler.demo.feedserver --port 0 --speed 1.0 [--once] [--sample wire.yaml]

It leaves to others what to do with the feeds: writing a config and running the daemon is
``wirewatch demo``'s job; parsing them is :mod:`crawler.feeds`'.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import logging
import math
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.demo.render import RENDERERS, Channel, Dispatch, render_article_page
from crawler.demo.sample import SAMPLE_PATH, SampleItem, fill_in, item_problems, load_sample
from crawler.errors import InputError

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"

# Wires keep a short window; 50 is what most agency feeds list, and more than the sample holds.
FEED_ITEMS_MAX = 50

# How often the serve loop checks for stop(): the longest stop() waits, paid once per test server.
SHUTDOWN_POLL_S = 0.05

# How often a hanging request checks whether it was released (behaviour reset or server stopping).
HANG_RECHECK_S = 0.05

# Default pause between two bytes of a dripping response: slow enough that any sane client
# timeout fires long before a feed of a few kB is through.
DRIP_INTERVAL_S = 1.0

BEHAVIOURS = ("ok", "hang", "drip", "500")

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed the server offers. ``lists`` is the ``feed`` value of the items it carries."""

    name: str
    path: str
    format: str  # a key of crawler.demo.render.RENDERERS
    language: str
    source: str
    title: str
    lists: str


FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec("afp-fr", "/afp-fr.xml", "rss", "fr", "AFP", "AFP - Fil en français", "afp-fr"),
    FeedSpec("afp-en", "/afp-en.atom", "atom", "en", "AFP", "AFP - English wire", "afp-en"),
    FeedSpec("afp-ar", "/afp-ar.json", "jsonfeed", "ar", "AFP", "أ ف ب - الخدمة العربية", "afp-ar"),
    FeedSpec("afp-en-newsml", "/newsml/afp-en.xml", "newsml", "en", "AFP", "AFP English", "afp-en"),
    FeedSpec(
        "outlet-lemonde",
        "/outlet-lemonde.xml",
        "rss",
        "fr",
        "Le Monde",
        "International",
        "outlet-lemonde",
    ),
    FeedSpec(
        "outlet-rudaw", "/outlet-rudaw.xml", "rss", "en", "Rudaw", "Middle East", "outlet-rudaw"
    ),
    FeedSpec(
        "outlet-alarab", "/outlet-alarab.xml", "atom", "ar", "Al-Arab", "العراق", "outlet-alarab"
    ),
    FeedSpec("broken", "/broken.xml", "broken", "en", "Broken wire", "Broken wire", "afp-en"),
)

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "jsonfeed": "application/feed+json; charset=utf-8",
    "newsml": "application/vnd.iptc.g2.newsmessage+xml; charset=utf-8",
    "broken": "application/rss+xml; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class FeedDefinition:
    """A served feed as a config needs it."""

    name: str
    url: str
    language: str
    format: str
    source: str

    def config_entry(self) -> dict[str, Any]:
        """The ``feeds:`` entry of a config.yaml (loopback URLs need ``allow_private``)."""
        return {
            "name": self.name,
            "url": self.url,
            "language": self.language,
            "source": self.source,
            "allow_private": True,
        }


@dataclass(frozen=True, slots=True)
class Publication:
    """An item and the moment it appears (aware UTC, whole seconds); ``seq`` breaks ties."""

    item: SampleItem
    published: datetime
    seq: int


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How the server treats requests for one path (see :meth:`FeedServer.set_behaviour`)."""

    kind: str = "ok"
    drip_interval_s: float = DRIP_INTERVAL_S


@dataclass(frozen=True, slots=True)
class Hit:
    """One answered request, for tests and benchmarks that check how clients poll."""

    at: datetime
    path: str
    status: int
    conditional: bool
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class Response:
    """An answer before it is written to the socket (Content-Length is added then)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


def feed_definitions(base_url: str, *, include_broken: bool = True) -> list[FeedDefinition]:
    """Every feed a server at ``base_url`` offers, e.g. to write a demo config from."""
    base = base_url.rstrip("/")
    return [
        FeedDefinition(spec.name, base + spec.path, spec.language, spec.format, spec.source)
        for spec in FEEDS
        if include_broken or spec.format != "broken"
    ]


def schedule(
    items: Iterable[SampleItem], epoch: datetime, *, speed: float, once: bool
) -> list[Publication]:
    """When each item appears: ``epoch + offset / speed``, rounded up to the second.

    With ``once`` the whole timeline is shifted so that the last item lands on ``epoch``: every
    item is visible at once, yet their dates keep the order and spacing of the story.
    """
    items = list(items)
    shift_s = max((item.offset_s for item in items), default=0.0) if once else 0.0
    return [
        Publication(
            item, epoch + timedelta(seconds=math.ceil((item.offset_s - shift_s) / speed)), seq
        )
        for seq, item in enumerate(items)
    ]


def newest_visible(publications: Iterable[Publication], now: datetime) -> list[Publication]:
    """The publications out by ``now``, newest first."""
    out = [p for p in publications if p.published <= now]
    return sorted(out, key=lambda p: (p.published, p.seq), reverse=True)


def event_times(publications: Iterable[Publication]) -> dict[str, datetime]:
    """Each story's event time: its first report's publication minus the story's lead."""
    first: dict[str, Publication] = {}
    for p in publications:
        if p.item.story not in first or p.published < first[p.item.story].published:
            first[p.item.story] = p
    return {story: p.published - timedelta(minutes=p.item.lead_min) for story, p in first.items()}


def not_modified(headers: Mapping[str, str], etag: str, last_modified: datetime) -> bool:
    """RFC 9110 conditional GET: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags or etag.removeprefix("W/") in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says
    return since.tzinfo is not None and last_modified <= since


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True when ``Accept-Encoding`` lists gzip with a non-zero quality."""
    for part in (accept_encoding or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def etag_for(spec: FeedSpec, publications: Sequence[Publication]) -> str:
    """A weak validator that changes whenever the feed's list of items changes."""
    digest = hashlib.sha1(spec.name.encode())
    for p in publications:
        digest.update(f"\n{p.item.id}@{p.published.isoformat()}".encode())
    return f'W/"{digest.hexdigest()[:20]}"'


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _ceil_second(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


class FeedServer:
    """The sample wire served over HTTP on 127.0.0.1; use as a context manager or start()/stop().

    ``items`` defaults to the sample wire shipped in ``data/wire.yaml``. The demo clock starts
    when the server is created: an item with offset ``s`` appears at ``created + s / speed``.
    """

    def __init__(
        self,
        items: Iterable[SampleItem] | None = None,
        *,
        clock: Clock = _utc_now,
        speed: float = 1.0,
        once: bool = False,
        port: int = 0,
    ) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self._clock = clock
        self._port = port
        self.epoch = _ceil_second(clock())
        items = list(load_sample().items if items is None else items)
        for index, item in enumerate(items):
            self._check_item(item, published=items[:index])
        self._publications = schedule(items, self.epoch, speed=speed, once=once)
        self._lock = threading.Lock()
        self._behaviours: dict[str, Behaviour] = {}
        self._hits: list[Hit] = []
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FeedServer:
        if self._httpd is not None:
            raise RuntimeError("the feed server is already started")
        self._stopping.clear()
        self._httpd = _HTTPServer((HOST, self._port), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_S},
            name="feedserver",
            daemon=True,
        )
        self._thread.start()
        logger.info(
            "feed server started url=%s feeds=%d items=%d",
            self.url,
            len(FEEDS),
            len(self._publications),
        )
        return self

    def stop(self) -> None:
        """Stop serving; hanging and dripping requests are dropped unanswered."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        logger.info("feed server stopped url=%s", self.url)
        self._httpd = self._thread = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:38211`` (the server must be started)."""
        if self._httpd is None:
            raise RuntimeError("the feed server is not started")
        return f"http://{HOST}:{self._httpd.server_address[1]}"

    # -- what tests, benchmarks and the demo use ---------------------------------------------

    def feed_urls(self) -> dict[str, str]:
        return {spec.name: self.url + spec.path for spec in FEEDS}

    def feed_definitions(self, *, include_broken: bool = True) -> list[FeedDefinition]:
        return feed_definitions(self.url, include_broken=include_broken)

    def publish(self, item: SampleItem) -> Publication:
        """Add ``item`` now (its ``offset_s`` is ignored); returns when it became visible.

        The time is the current second rounded up, so it can be up to one second after the call:
        latency measurements should start from ``Publication.published``.
        """
        with self._lock:
            self._check_item(item, published=[p.item for p in self._publications])
            publication = Publication(
                item, _ceil_second(self._clock()), seq=len(self._publications)
            )
            self._publications.append(publication)
        logger.info(
            "item published id=%s feed=%s at=%s",
            item.id,
            item.feed,
            publication.published.isoformat(),
        )
        return publication

    def set_behaviour(
        self, path: str, behaviour: str, *, drip_interval_s: float = DRIP_INTERVAL_S
    ) -> None:
        """Make requests for ``path`` ``"hang"`` (never answered until reset or stop), ``"drip"``
        (body one byte every ``drip_interval_s``), fail with ``"500"``, or behave (``"ok"``)."""
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {BEHAVIOURS}, got {behaviour!r}")
        with self._lock:
            self._behaviours[path] = Behaviour(behaviour, drip_interval_s)
        logger.info("behaviour set path=%s behaviour=%s", path, behaviour)

    def schedule(self) -> list[Publication]:
        """Every publication, past and future, in order of appearance."""
        with self._lock:
            return sorted(self._publications, key=lambda p: (p.published, p.seq))

    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    # -- answering requests (called from handler threads) -------------------------------------

    def respond(self, path: str, headers: Mapping[str, str]) -> Response:
        """The full answer to a GET of ``path`` with request ``headers``, at the clock's now."""
        now = self._clock()
        with self._lock:
            publications = list(self._publications)
        spec = next((spec for spec in FEEDS if spec.path == path), None)
        if self.behaviour(path).kind == "500":
            response = Response(
                500, (("Content-Type", CONTENT_TYPES["text"]),), b"upstream error\n"
            )
        elif spec is not None:
            response = self._feed_response(spec, publications, now, headers)
        elif path == "/":
            response = self._index_response()
        else:
            response = self._article_response(path, publications, now)
        return _encoded(response, headers)

    def behaviour(self, path: str) -> Behaviour:
        with self._lock:
            return self._behaviours.get(path, Behaviour())

    def wait_while_hanging(self, path: str) -> bool:
        """Block while ``path`` is set to hang; False when the server stops meanwhile."""
        while self.behaviour(path).kind == "hang":
            if self._stopping.wait(HANG_RECHECK_S):
                return False
        return True

    def pause(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless the server stops first (then False)."""
        return not self._stopping.wait(seconds)

    def record(self, path: str, status: int, headers: Mapping[str, str]) -> None:
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        hit = Hit(self._clock(), path, status, conditional, headers.get("User-Agent"))
        with self._lock:
            self._hits.append(hit)
        logger.debug("request path=%s status=%d conditional=%s", path, status, conditional)

    def _feed_response(
        self,
        spec: FeedSpec,
        publications: list[Publication],
        now: datetime,
        headers: Mapping[str, str],
    ) -> Response:
        listed = [p for p in newest_visible(publications, now) if p.item.feed == spec.lists]
        listed = listed[:FEED_ITEMS_MAX]
        updated = listed[0].published if listed else self.epoch
        content_type = ("Content-Type", CONTENT_TYPES[spec.format])
        if spec.format == "broken":  # a broken CMS sends no validators
            body = RENDERERS["broken"](
                self._channel(spec, updated), self._dispatches(listed, publications)
            )
            return Response(200, (content_type,), body)
        etag = etag_for(spec, listed)
        validators = (("ETag", etag), ("Last-Modified", format_datetime(updated, usegmt=True)))
        if not_modified(headers, etag, updated):
            return Response(304, validators)
        body = RENDERERS[spec.format](
            self._channel(spec, updated), self._dispatches(listed, publications)
        )
        return Response(200, (content_type, *validators), body)

    def _article_response(
        self, path: str, publications: list[Publication], now: datetime
    ) -> Response:
        for p in newest_visible(publications, now):
            if urlsplit(p.item.link).path == path:
                page = render_article_page(self._dispatches([p], publications)[0])
                return Response(200, (("Content-Type", CONTENT_TYPES["html"]),), page)
        return Response(404, (("Content-Type", CONTENT_TYPES["text"]),), b"not found\n")

    def _index_response(self) -> Response:
        lines = [f"{d.name}\t{d.format}\t{d.url}" for d in self.feed_definitions()]
        body = ("\n".join(lines) + "\n").encode()
        return Response(200, (("Content-Type", CONTENT_TYPES["text"]),), body)

    def _channel(self, spec: FeedSpec, updated: datetime) -> Channel:
        return Channel(spec.title, self.url + "/", self.url + spec.path, spec.language, updated)

    def _dispatches(
        self, shown: Sequence[Publication], everything: Sequence[Publication]
    ) -> list[Dispatch]:
        """``shown`` with their texts filled in; event times come from ``everything``."""
        stories = event_times(everything)
        return [
            Dispatch(fill_in(p.item, stories[p.item.story]), self.url + p.item.link, p.published)
            for p in shown
        ]

    @staticmethod
    def _check_item(item: SampleItem, *, published: Iterable[SampleItem]) -> None:
        problems = item_problems(item)
        if item.feed not in {spec.lists for spec in FEEDS}:
            problems.append(f"feed {item.feed!r} is not served")
        if any(other.id == item.id for other in published):
            problems.append("an item with this id is already published")
        if problems:
            raise ValueError(f"item {item.id!r}: " + "; ".join(problems))


def _encoded(response: Response, headers: Mapping[str, str]) -> Response:
    """Gzip the body when the client accepts it; say that the answer varies with the header."""
    vary = ("Vary", "Accept-Encoding")
    if not response.body or not accepts_gzip(headers.get("Accept-Encoding")):
        return Response(response.status, (*response.headers, vary), response.body)
    body = gzip.compress(response.body, mtime=0)  # mtime=0: same feed, same bytes
    extra = (("Content-Encoding", "gzip"), vary)
    return Response(response.status, (*response.headers, *extra), body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging request must not keep the process alive

    def __init__(self, address: tuple[str, int], handler: type, feedserver: FeedServer) -> None:
        self.feedserver = feedserver
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "wirewatch-demo-feedserver"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        feedserver = self.server.feedserver
        path = urlsplit(self.path).path
        if not feedserver.wait_while_hanging(path):
            return  # stopping: drop the connection unanswered, like a dead upstream
        behaviour = feedserver.behaviour(path)
        response = feedserver.respond(path, self.headers)
        feedserver.record(path, response.status, self.headers)  # before the client can see it
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not send_body:
            return
        try:
            if behaviour.kind == "drip":
                self._drip(response.body, behaviour.drip_interval_s)
            else:
                self.wfile.write(response.body)
        except ConnectionError:
            logger.debug("client went away path=%s", path)

    def _drip(self, body: bytes, interval_s: float) -> None:
        for index in range(len(body)):
            if not self.server.feedserver.pause(interval_s):
                return
            self.wfile.write(body[index : index + 1])
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        logger.debug("http %s", format % args)


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM; the first line of stdout is the base URL."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo.feedserver", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument(
        "--speed", type=_positive, default=1.0, help="time compression: 2.0 publishes twice as fast"
    )
    parser.add_argument("--once", action="store_true", help="publish every item at start")
    parser.add_argument("--sample", type=Path, default=SAMPLE_PATH, help="sample wire YAML file")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        items = load_sample(args.sample).items
    except InputError as e:
        print(e, file=sys.stderr)
        return 2
    with FeedServer(items, speed=args.speed, once=args.once, port=args.port) as server:
        print(server.url, flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
