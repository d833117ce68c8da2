"""Running a poll batch: in this process (:func:`run_poll`) or in a child (:func:`poll_feeds_subprocess`).

:func:`run_poll` starts Scrapy's reactor, which cannot be restarted: call it at most once per
process. That is what the child ``python -m spiders poll`` does. Everything else (the daemon,
``wirewatch poll``) calls :func:`poll_feeds_subprocess`, which runs that child with a timeout
and returns the child's one-line JSON summary as a dict::

    {"feeds": 12, "new": 40, "updated": 2, "bytes": 731002, "ok": 9, "not_modified": 2,
     "unchanged": 0, "errors": 1, "duration_s": 3.4}

``wirewatch poll`` uses the child too, although its process is short-lived and could host the
reactor: one code path, the same kill-on-timeout guarantee, and the ~0.6 s of start-up is small
next to network time.
"""

from __future__ import annotations

import json
import logging
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.config import Config, FeedConfig
from crawler.errors import ConfigError, FeedError
from crawler.ingest import summarize
from crawler.storage import Store
from crawler.types import PollResult
from spiders.feed_spider import FeedSpider, utc_now
from spiders.settings import scrapy_settings

log = logging.getLogger(__name__)

# Past fetch.batch_timeout the child closes its spider and stores what it has; the parent waits
# this much longer before it kills the child (closing, storing and exiting take seconds).
KILL_GRACE_S = 30.0


def select_feeds(
    config: Config,
    store: Store,
    names: Sequence[str] | None,
    now: datetime,
    *,
    all_feeds: bool = False,
) -> list[FeedConfig]:
    """The feeds of a batch: those named (even if disabled), all enabled ones, or the due ones."""
    if names:
        unknown = [name for name in names if config.feed(name) is None]
        if unknown:
            raise ConfigError([f"no feed named {name!r} in the configuration" for name in unknown])
        return [config.feed(name) for name in dict.fromkeys(names)]
    enabled = [feed for feed in config.feeds if feed.enabled]
    if all_feeds:
        return enabled
    due = set(store.due_feeds(now))
    return [feed for feed in enabled if feed.name in due]


def run_poll(
    config: Config,
    store: Store,
    feed_names: Sequence[str] | None = None,
    *,
    all_feeds: bool = False,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
) -> dict[str, Any]:
    """Poll a batch of feeds with Scrapy in this process; returns the batch summary.

    Starts (and stops) the Twisted reactor: at most once per process.
    """
    from scrapy.crawler import CrawlerProcess  # the reactor is installed on import of this

    started = time.perf_counter()
    store.sync_feeds((feed.name, feed.url, feed.enabled) for feed in config.feeds)
    feeds = select_feeds(config, store, feed_names, clock(), all_feeds=all_feeds)
    results: list[PollResult] = []
    if feeds:
        process = CrawlerProcess(scrapy_settings(config.fetch))
        process.crawl(
            FeedSpider,
            config=config,
            store=store,
            feeds=feeds,
            results=results,
            clock=clock,
            rng=rng,
        )
        process.start()
    summary = summarize(results) | {"duration_s": round(time.perf_counter() - started, 3)}
    log.info("poll batch %s", " ".join(f"{key}={value}" for key, value in summary.items()))
    return summary


def poll_feeds_subprocess(
    config_path: str | Path,
    db_path: str | Path,
    feeds: Sequence[str] | None = None,
    *,
    timeout_s: float,
    all_feeds: bool = False,
) -> dict[str, Any]:
    """Poll a batch in a child process (``python -m spiders poll``); returns its summary.

    ``feeds`` names the feeds (None: the due ones, or all enabled ones with ``all_feeds``). The
    child's log goes to this process's stderr. Raises FeedError if the child runs longer than
    ``timeout_s`` (it is killed) or fails.
    """
    command = [
        sys.executable,
        "-m",
        "spiders",
        "poll",
        "--config",
        str(config_path),
        "--db",
        str(db_path),
    ]
    for name in feeds or ():
        command += ["--feed", name]
    if all_feeds:
        command.append("--all")
    try:
        child = subprocess.run(
            command, stdout=subprocess.PIPE, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise FeedError(f"poll batch killed after {timeout_s:g} s") from e
    if child.returncode != 0:
        raise FeedError(f"poll batch failed with exit code {child.returncode} (see its log)")
    lines = child.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError) as e:
        raise FeedError("poll batch printed no summary line") from e
