"""Running a poll batch in this process: :func:`run_poll`, the body of ``python -m spiders poll``.

:func:`run_poll` starts Scrapy's reactor, which cannot be restarted: call it at most once per
process. The daemon and ``wirewatch poll`` start that child with
:func:`crawler.daemon.spider_command` and :func:`crawler.daemon.run_batch` (the core never
imports spiders), which kill it past its timeout and read its one-line JSON summary::

    {"feeds": 12, "new": 40, "updated": 2, "bytes": 731002, "ok": 9, "not_modified": 2,
     "unchanged": 0, "errors": 1, "workers": 1, "duration_s": 3.4}

A batch large enough is split across worker processes, one per core by default
(spiders.workers); the child's process group is the one to kill, its workers die with it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.config import Config, FeedConfig
from crawler.due import due_feeds
from crawler.errors import ConfigError, StorageError
from crawler.ingest import summarize
from crawler.storage import Store
from crawler.types import PollResult
from spiders.feed_spider import FeedSpider, utc_now
from spiders.settings import import_components, scrapy_settings
from spiders.workers import plan_shares, run_in_workers

log = logging.getLogger(__name__)


def select_feeds(
    config: Config,
    store: Store,
    names: Sequence[str] | None,
    now: datetime,
    *,
    all_feeds: bool = False,
) -> list[FeedConfig]:
    """The feeds of a batch: those named (even if disabled), all enabled ones, or the due ones;
    never a feed without a url (fed by push or spool only)."""
    if names:
        unknown = [name for name in names if config.feed(name) is None]
        if unknown:
            raise ConfigError([f"no feed named {name!r} in the configuration" for name in unknown])
        unpolled = [name for name in names if not config.feed(name).polled]
        if unpolled:
            raise ConfigError(
                [
                    f"feed {name!r} has no url to poll (it is fed by push or spool)"
                    for name in unpolled
                ]
            )
        return [config.feed(name) for name in dict.fromkeys(names)]
    enabled = [feed for feed in config.feeds if feed.enabled and feed.polled]
    if all_feeds:
        return enabled
    due = set(due_feeds(config, store, now))
    return [feed for feed in enabled if feed.name in due]


def run_poll(
    config: Config,
    db_path: str | Path,
    feed_names: Sequence[str] | None = None,
    *,
    all_feeds: bool = False,
    workers: int = 1,
    clock: Callable[[], datetime] = utc_now,
) -> dict[str, Any]:
    """Poll a batch of feeds with Scrapy; returns the batch summary.

    A large batch is split across up to ``workers`` forked processes (spiders.workers); a small
    one runs here. Either way the Twisted reactor starts (and stops) in the process that crawls:
    call this at most once per process. A worker that fails is named under ``"error"`` in the
    summary, whose figures then cover the other workers.
    """
    started = time.perf_counter()
    with Store(db_path) as store:
        store.sync_feeds((feed.name, feed.shown_url, feed.enabled) for feed in config.feeds)
        feeds = select_feeds(config, store, feed_names, clock(), all_feeds=all_feeds)
    shares = plan_shares(feeds, config.fetch, workers)
    if len(shares) > 1:
        import_components(scrapy_settings(config.fetch, len(shares)))  # once, before the forks
        work = partial(_crawl_share, config, db_path, workers=len(shares), clock=clock)
        summaries, failures = run_in_workers(shares, work)
        summary = merge_summaries(summaries)
        if failures:
            summary["error"] = "poll worker failed: " + ", ".join(failures)
    else:
        summary = _crawl_share(config, db_path, feeds, workers=1, clock=clock)
    summary |= {
        "workers": max(1, len(shares)),
        "duration_s": round(time.perf_counter() - started, 3),
    }
    log.info("poll batch %s", " ".join(f"{key}={value}" for key, value in summary.items()))
    return summary


def crawl(
    config: Config,
    db_path: str | Path,
    feeds: Collection[FeedConfig],
    *,
    workers: int = 1,
    clock: Callable[[], datetime] = utc_now,
) -> list[PollResult]:
    """Poll ``feeds`` with one Scrapy crawl in this process, one of ``workers`` sharing the
    batch (``feeds`` may be a spiders.workers.SharedFeeds); returns one result per feed
    polled and stored here. Raises StorageError, once the crawl is over, when the database
    refused to store polls (those feeds are polled again next time)."""
    results: list[PollResult] = []
    if not feeds:
        return results
    with Store(db_path, bulk=True) as store:
        process = CrawlerProcess(scrapy_settings(config.fetch, workers))
        # Scrapy has just set its logger to DEBUG whatever the handler's level: every response
        # then built a "Crawled" record for the handler to drop. It follows the root again.
        logging.getLogger("scrapy").setLevel(logging.getLogger().level)
        crawler = process.create_crawler(FeedSpider)
        process.crawl(
            crawler, config=config, store=store, feeds=feeds, results=results, clock=clock
        )
        process.start()
    if crawler.spider is not None and crawler.spider.storage_error is not None:
        raise StorageError(crawler.spider.storage_error)
    return results


def _crawl_share(
    config: Config,
    db_path: str | Path,
    feeds: Collection[FeedConfig],
    *,
    workers: int,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """One crawl's summary; a database that refused the polls is named under ``"error"``."""
    try:
        return summarize(crawl(config, db_path, feeds, workers=workers, clock=clock))
    except StorageError as e:
        return summarize([]) | {"error": str(e)}


def merge_summaries(summaries: Sequence[dict[str, int]]) -> dict[str, Any]:
    """The summary of a batch from its workers' summaries (figures added up)."""
    merged: dict[str, Any] = summarize([])
    for summary in summaries:
        for key, value in summary.items():
            if key == "error":
                merged[key] = value
            else:
                merged[key] += value
    return merged
