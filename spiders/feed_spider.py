"""FeedSpider: one request per feed of the batch, and the pages of new entries of full-text feeds.

The spider only fetches. Each response (or failure) becomes a :class:`crawler.ingest.Fetched`
handed to :func:`crawler.ingest.prepare` and :func:`crawler.ingest.commit_polls`, which decide
and store; no Scrapy item crosses into the core. A feed whose entries want their pages is
committed once its last page has arrived or failed, or when the spider closes, whichever comes
first.

Polls are stored in groups: up to :data:`COMMIT_GROUP_FEEDS` in one transaction, and none waits
more than :data:`COMMIT_GROUP_WAIT_S`. A commit per feed cost a 304 a fifth of its CPU
(bench/poll.py, conditional pass) and had the workers of a batch queue for the write lock. What
the group costs: new articles reach the database up to that wait later, and a poll child killed
mid-batch loses the polls of its last group, whose feeds are then polled again (their state was
not stored either, so nothing is skipped).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import CallLaterResult, call_later
from twisted.python.failure import Failure
from w3lib.http import basic_auth_header

from crawler import ingest
from crawler.config import Config, FeedConfig
from crawler.errors import StorageError
from crawler.storage import Store
from crawler.types import PollResult
from crawler.urls import redact_url
from spiders.logsafe import failure_text
from spiders.middlewares import PUBLIC_ONLY
from spiders.settings import WARN_SIZE_FRACTION

log = logging.getLogger(__name__)

# Request meta keys of this spider.
FEED = "wirewatch_feed"
STARTED = "wirewatch_started"
GUID = "wirewatch_guid"

# Polls stored per transaction, and the longest a fetched poll waits for its group's commit.
COMMIT_GROUP_FEEDS = 50
COMMIT_GROUP_WAIT_S = 0.25


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def conditional_headers(feed_row: dict[str, Any]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators stored at the last full answer."""
    headers = {}
    if feed_row.get("etag"):
        headers["If-None-Match"] = feed_row["etag"]
    if feed_row.get("last_modified"):
        headers["If-Modified-Since"] = feed_row["last_modified"]
    return headers


@dataclass
class _PagesWanted:
    """A parsed full-text feed waiting for the pages of its new entries."""

    prepared: ingest.Prepared
    feed: FeedConfig
    remaining: int
    pages: dict[str, str] = field(default_factory=dict)


class FeedSpider(scrapy.Spider):
    name = "wirewatch-feeds"

    def __init__(
        self,
        *,
        config: Config,
        store: Store,
        feeds: Iterable[FeedConfig],
        results: list[PollResult],
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.config = config
        self.store = store
        self.feeds = feeds
        self.results = results
        self.clock = clock
        self.rng = rng or random.Random()
        self._pages_wanted: dict[str, _PagesWanted] = {}
        self._unstored: list[ingest.ReadyPoll] = []
        self._commit_timer: CallLaterResult | None = None
        # Why the database refused to store polls (disk full ...), once it has: the batch
        # summary names it and the poll exits non-zero.
        self.storage_error: str | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One request per feed, taken only when the downloader has room for it (Scrapy's lazy
        start): a worker sharing its batch with others (spiders.workers.SharedFeeds) then
        takes no more feeds than it can poll, and each poll's duration starts when it is sent."""
        # The validators of every feed in one query rather than one query per request.
        rows = {row["name"]: row for row in self.store.feed_rows()}
        for feed in self.feeds:
            yield self.feed_request(feed, rows.get(feed.name) or {})
            if self.crawler.engine.needs_backout():
                await self.crawler.signals.wait_for(signals.scheduler_empty)

    # -- feeds -------------------------------------------------------------------------------

    def feed_request(self, feed: FeedConfig, feed_row: dict[str, Any]) -> scrapy.Request:
        url, authorization = split_credentials(feed.url)
        headers = conditional_headers(feed_row)
        if authorization:
            headers["Authorization"] = authorization
        return scrapy.Request(
            url,
            headers=headers,
            meta={
                FEED: feed,
                STARTED: (self.clock(), time.perf_counter()),
                PUBLIC_ONLY: not feed.allow_private,
                "dont_obey_robotstxt": not feed.obey_robots,
            },
            callback=self.on_feed,
            errback=self.on_feed_failure,
            dont_filter=True,
        )

    def on_feed(self, response: Response) -> Iterator[scrapy.Request]:
        feed: FeedConfig = response.meta[FEED]
        fetched = ingest.Fetched(
            **self._timing(response.meta, feed),
            http_status=response.status,
            body=response.body,
            content_type=_header(response, b"Content-Type"),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            retry_after=_header(response, b"Retry-After"),
            cache_control=_header(response, b"Cache-Control"),
            links=b", ".join(response.headers.getlist(b"Link")).decode("latin-1") or None,
        )
        try:
            prepared = ingest.prepare(
                self.store,
                fetched,
                self.clock(),
                max_bytes=self.config.fetch.max_feed_size,
                feed=feed,
            )
        except Exception as e:  # one feed's surprise must not stop the batch
            log.exception("feed handling failed feed=%s", feed.name)
            prepared = ingest.Prepared(fetched, "error", error=f"internal error: {e!r}")
        if not prepared.wanted_pages:
            self._commit(prepared, feed)
            return
        self._pages_wanted[feed.name] = _PagesWanted(prepared, feed, len(prepared.wanted_pages))
        for entry in prepared.wanted_pages:
            yield self.page_request(feed, entry.guid, entry.url)

    def on_feed_failure(self, failure: Failure) -> None:
        request = failure.request
        feed: FeedConfig = request.meta[FEED]
        fetched = ingest.Fetched(
            **self._timing(request.meta, feed),
            error=describe_failure(failure, feed, self.config.fetch.max_feed_size),
        )
        self._commit(ingest.Prepared(fetched, "error", error=fetched.error), feed)

    def _timing(self, meta: dict[str, Any], feed: FeedConfig) -> dict[str, Any]:
        started, started_counter = meta[STARTED]
        return {
            "feed": feed.name,
            "url": feed.shown_url,  # the base of relative links: never the credentials
            "started": started,
            "duration_s": time.perf_counter() - started_counter,
        }

    # -- pages of full-text feeds ------------------------------------------------------------

    def page_request(self, feed: FeedConfig, guid: str, url: str) -> scrapy.Request:
        max_page = self.config.fetch.max_page_size
        return scrapy.Request(
            url,
            meta={
                FEED: feed,
                GUID: guid,
                PUBLIC_ONLY: not feed.allow_private,
                "dont_obey_robotstxt": not feed.obey_robots,
                "download_maxsize": max_page,
                "download_warnsize": int(max_page * WARN_SIZE_FRACTION),
            },
            callback=self.on_page,
            errback=self.on_page_failure,
            dont_filter=True,
        )

    def on_page(self, response: Response) -> None:
        feed: FeedConfig = response.meta[FEED]
        waiting = self._pages_wanted[feed.name]
        if response.status == 200 and isinstance(response, TextResponse):
            waiting.pages[response.meta[GUID]] = response.text
        else:
            log.info(
                "page skipped feed=%s url=%s http=%s",
                feed.name,
                redact_url(response.url),
                response.status,
            )
        self._page_done(feed.name)

    def on_page_failure(self, failure: Failure) -> None:
        feed: FeedConfig = failure.request.meta[FEED]
        log.info(
            "page failed feed=%s url=%s error=%s",
            feed.name,
            redact_url(failure.request.url),
            describe_failure(failure, feed, self.config.fetch.max_feed_size),
        )
        self._page_done(feed.name)

    def _page_done(self, name: str) -> None:
        waiting = self._pages_wanted[name]
        waiting.remaining -= 1
        if waiting.remaining == 0:
            del self._pages_wanted[name]
            self._commit(waiting.prepared, waiting.feed, waiting.pages)

    def closed(self, reason: str) -> None:
        """Store the feeds still waiting for pages (batch time limit reached), then every poll
        not stored yet."""
        for name, waiting in list(self._pages_wanted.items()):
            log.info(
                "pages cut short feed=%s missing=%d reason=%s", name, waiting.remaining, reason
            )
            self._commit(waiting.prepared, waiting.feed, waiting.pages)
        self._pages_wanted.clear()
        self._store_group()

    # -- storing -----------------------------------------------------------------------------

    def _commit(
        self, prepared: ingest.Prepared, feed: FeedConfig, pages: dict[str, str] | None = None
    ) -> None:
        """Queue a finished poll for the next group commit."""
        self._unstored.append(ingest.ReadyPoll(prepared, pages, feed))
        if len(self._unstored) >= COMMIT_GROUP_FEEDS:
            self._store_group()
        elif self._commit_timer is None:
            self._commit_timer = call_later(COMMIT_GROUP_WAIT_S, self._store_group)

    def _store_group(self) -> None:
        if self._commit_timer is not None:
            self._commit_timer.cancel()
            self._commit_timer = None
        polls, self._unstored = self._unstored, []
        if not polls:
            return
        try:
            stored = ingest.commit_polls(self.store, self.config, polls, self.clock(), self.rng)
        except StorageError as e:  # the next batch polls these feeds again
            if self.storage_error is None:
                log.error("polls not stored feeds=%d: %s", len(polls), e)
            self.storage_error = str(e)
            return
        except Exception:  # the database refused the whole group: the next batch polls again
            log.exception("polls not stored feeds=%d", len(polls))
            return
        self.results.extend(stored)


def split_credentials(url: str) -> tuple[str, str | None]:
    """``https://user:pass@host/feed`` -> (``https://host/feed``, Basic Authorization value).

    Twisted rejects user info in a URL; as a header it is sent to the feed's origin only
    (Scrapy drops it on a redirect to another origin)."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.netloc.rpartition("@")[2]
    header = basic_auth_header(unquote(parts.username), unquote(parts.password or ""))
    return urlunsplit(parts._replace(netloc=host)), header.decode("ascii")


def describe_failure(failure: Failure, feed: FeedConfig, max_size: int) -> str:
    """A one-line, credential-free account of why a request for this feed failed."""
    error = failure.value
    if isinstance(error, DownloadCancelledError) and str(error).strip() in (
        "",
        type(error).__name__,
    ):
        # Scrapy cancels a body growing past the limit without saying why (it logs it).
        size = failure.request.meta.get("download_maxsize", max_size)
        return f"body over the max size of {size} bytes, or the batch was closing"
    return ingest.one_line(failure_text(error, feed.url))


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None
