"""One poll batch on several cores: the batch's feeds split across forked worker processes.

A poll child spends its CPU in Python (Scrapy's per-response work, parsing, storing), so one
process uses one core. :func:`plan_shares` says what each worker polls and
:func:`run_in_workers` forks one process per share, each running its own Scrapy crawl with its
own database connection (SQLite in WAL mode takes the workers' short write transactions in
turn), and collects the summaries they send back.

Manners survive the split: each worker may have ``fetch.concurrent_per_host`` divided by the
number of workers in flight to one host (spiders.settings.worker_concurrency). When that leaves
every worker at least one request per host, the workers share the whole batch
(:class:`SharedFeeds`): each takes the next feed nobody has taken when it has room, so a worker
slowed down (by its hosts, or by another process on its core) takes fewer and all finish
together. Otherwise :func:`split_batch` deals each host's feeds to no more workers than its
limit allows. Either way the workers together never have more requests in flight to one host
than ``fetch.concurrent_per_host``. Each worker fetches a host's robots.txt once, so a host
polled by two workers is asked twice per batch.

Workers are forked after the configuration is loaded and Scrapy imported, so they start in
milliseconds and share those pages with the parent. On Linux each worker is killed by the
kernel when its parent dies: the daemon kills a batch that overruns by the process id it
started, which is the parent. What this module leaves to others: crawling itself
(spiders.run) and what each feed's poll stores (crawler.ingest).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from crawler.config import FeedConfig, FetchConfig
from spiders.settings import worker_concurrency

log = logging.getLogger(__name__)

# Starting a worker's crawler costs about 0.3 s of CPU; a share smaller than this spends more
# on starting than it gains from the second core.
MIN_FEEDS_PER_WORKER = 100
# From <linux/prctl.h>: deliver a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1

Summary = dict[str, Any]


def usable_cores() -> int:
    """The CPUs this process may run on (the affinity mask, where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def split_batch(
    feeds: Sequence[FeedConfig], fetch: FetchConfig, workers: int
) -> list[list[FeedConfig]]:
    """Deal ``feeds`` into at most ``workers`` non-empty shares, one per worker process.

    Small batches stay whole (MIN_FEEDS_PER_WORKER). Hosts are dealt largest first, each to the
    least loaded workers, round robin, over no more workers than its per-host limit allows.
    """
    count = max(1, min(workers, len(feeds) // MIN_FEEDS_PER_WORKER))
    if count == 1:
        return [list(feeds)] if feeds else []
    per_host = worker_concurrency(fetch, count)[1]
    spread = min(count, fetch.concurrent_per_host // per_host)
    by_host: dict[str, list[FeedConfig]] = {}
    for feed in feeds:
        by_host.setdefault(urlsplit(feed.url).hostname or "", []).append(feed)
    shares: list[list[FeedConfig]] = [[] for _ in range(count)]
    for group in sorted(by_host.values(), key=len, reverse=True):
        targets = sorted(range(count), key=lambda i: len(shares[i]))[:spread]
        for position, feed in enumerate(group):
            shares[targets[position % spread]].append(feed)
    filled = [share for share in shares if share]
    # Fewer hosts than workers: fewer workers, each allowed more requests per host.
    return filled if len(filled) == count else split_batch(feeds, fetch, len(filled))


class SharedFeeds:
    """The feeds of a batch, handed out one at a time to the forked workers sharing them.

    Create it before forking: iterating gives the next feed no worker has taken yet (a counter
    in shared memory, under its lock), until there are none left.
    """

    def __init__(self, feeds: Sequence[FeedConfig]):
        self._feeds = list(feeds)
        self._taken = multiprocessing.get_context("fork").Value("i", 0)

    def __len__(self) -> int:
        return len(self._feeds)

    def __iter__(self) -> Iterator[FeedConfig]:
        while True:
            with self._taken.get_lock():
                position = self._taken.value
                if position >= len(self._feeds):
                    return
                self._taken.value = position + 1
            yield self._feeds[position]


def plan_shares(
    feeds: Sequence[FeedConfig], fetch: FetchConfig, workers: int
) -> list[Iterable[FeedConfig]]:
    """What each of up to ``workers`` processes polls (module docstring): one
    :class:`SharedFeeds` for them all when every worker may poll every host, else the fixed
    shares of :func:`split_batch`."""
    shares = split_batch(feeds, fetch, workers)
    if len(shares) > 1 and fetch.concurrent_per_host >= len(shares):
        shared = SharedFeeds(feeds)
        return [shared] * len(shares)
    return list(shares)


def run_in_workers(
    shares: Sequence[Iterable[FeedConfig]], work: Callable[[Iterable[FeedConfig]], Summary]
) -> tuple[list[Summary], list[str]]:
    """Run ``work(share)`` in one forked process per share; returns the summaries the workers
    sent back and a description of each worker that failed to send one."""
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    # What the workers inherit (modules, configuration) lives as long as they do: frozen, it is
    # left out of their garbage collections, and its memory pages stay shared with the parent
    # instead of being copied when a collection touches them (gc.freeze's documented use).
    gc.freeze()
    started = []
    for number, share in enumerate(shares, start=1):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker_main,
            args=(parent, work, share, sender),
            name=f"poll-worker-{number}/{len(shares)}",
        )
        process.start()
        sender.close()  # the parent keeps only the reading end: EOF when the worker is gone
        started.append((process, receiver))
    summaries, failures = [], []
    for process, receiver in started:
        try:
            summary = receiver.recv()
        except EOFError:
            summary = None
        process.join()
        if summary is None:
            failures.append(f"{process.name} (exit code {process.exitcode})")
        else:
            summaries.append(summary)
    return summaries, failures


def _worker_main(
    parent: int, work: Callable[[Iterable[FeedConfig]], Summary], share, sender
) -> None:
    die_with_parent(parent)
    try:
        summary = work(share)
    except Exception:  # logged through the redacting handler, unlike a default traceback
        log.exception("poll worker failed feeds=%d", len(share))
        raise SystemExit(1) from None
    sender.send(summary)
    sender.close()


def die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this process when its parent dies (the daemon for a poll
    child, the child for a worker). Elsewhere the crawl still ends at fetch.batch_timeout."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            log.warning("poll process not tied to its parent errno=%d", ctypes.get_errno())
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
