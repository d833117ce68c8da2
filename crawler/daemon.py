"""The long-running daemon (``wirewatch run``) and its one-shot sibling (``wirewatch poll``).

Design: polls run in CHILD PROCESSES (``python -m spiders poll ...``), one per batch of due feeds.
The Twisted reactor under Scrapy cannot be restarted within a process, and a long-lived reactor
would keep every leak, wedge and crash of a bad feed inside the daemon; a child per batch is
killed past ``fetch.batch_timeout`` and takes its memory with it, so the daemon stays small. The
cost is Scrapy's start-up (about a second of CPU) per batch, which the batching absorbs: feeds
that fall due together share one child, and up to ``MAX_CONCURRENT_BATCHES`` children run at once
so a feed that hangs until its timeout never holds back the feeds that fall due after it.

Threads of the daemon, each with its own database connection:

- the APScheduler thread fires one job per feed (:mod:`crawler.scheduler`); a job only marks
  its feed due;
- the poller launches and reaps children; a due feed whose stored next poll lies in the future
  (backoff after errors, Retry-After) waits for it;
- the processor turns new articles into incidents (:func:`crawler.pipeline.process_pending`)
  about once a second, which is what the children's stored articles wait for;
- one dispatcher per alert channel delivers due alerts, so a channel that hangs never delays
  another;
- when configured, the push receiver (HTTP, its own thread pool: agency pushes and the WebSub
  callback) and the spool watcher store pushed documents as polls of their feeds and wake the
  processor at once, and the WebSub subscriber keeps hub subscriptions in step (crawler.push);
- the main thread beats the heartbeat and handles signals: SIGHUP reloads config.yaml (a bad
  file is refused and the old one kept), SIGTERM/SIGINT stop within ``daemon.shutdown_grace``:
  no new polls, children given the grace to finish then killed (their writes are transactional,
  so an abandoned batch stores nothing half-done), articles processed, the outbox flushed, the
  database closed, exit 0.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from crawler.config import Config, load_config
from crawler.due import due_feeds, is_due
from crawler.errors import ConfigError
from crawler.lock import DatabaseLock
from crawler.scheduler import FeedScheduler
from crawler.storage import Store, iso, parse_iso
from crawler.supervise import Backoff, report_fault

log = logging.getLogger(__name__)

# Children polling at once: one may be stuck on a hanging feed until its timeout.
MAX_CONCURRENT_BATCHES = 2
# How often the processor looks for new articles and the dispatchers for due alerts.
PROCESS_EVERY_S = 1.0
DISPATCH_EVERY_S = 1.0
# The poll child closes its crawl itself at fetch.batch_timeout and records what it has; it is
# killed only if it is still running this long after.
BATCH_CLOSE_GRACE_S = 15.0
# How often a one-shot run refreshes its progress line.
PROGRESS_EVERY_S = 0.5
# Feeds falling due within this window share one child (jobs fire a few ms apart).
BATCH_GATHER_S = 0.2
# Exit code of a daemon that lost one of its threads: the service manager restarts it.
EXIT_THREAD_LOST = 1


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def make_extractor(config: Config):
    """The extractor configured with the user's extra places and terms (loaded once)."""
    from crawler.extract import Extractor

    return Extractor(
        extra_places=config.extraction.extra_places,
        extra_terms=config.extraction.extra_terms or None,
        max_age_h=config.extraction.max_age.total_seconds() / 3600,
        facts_from=config.extraction.join_min_score,
    )


class LazyExtractor:
    """The configured extractor, built at its first use: a run with nothing new to process (a
    cron poll whose feeds all answered 304) never pays for reading the lexicons and the
    gazetteer, about a second of CPU."""

    def __init__(self, config: Config):
        self._config = config
        self._extractor: Any = None

    def extract(self, *args: Any, **kwargs: Any) -> Any:
        if self._extractor is None:
            self._extractor = make_extractor(self._config)
        return self._extractor.extract(*args, **kwargs)


def sync_store_with_config(store: Store, config: Config, now: datetime | None = None) -> None:
    """Bring the database's feeds and counters in step with the configuration.

    With ``now`` (the daemon and one-shot runs), counters are also renumbered, so an edited
    ``since``, ``start`` or filter takes effect at once rather than at the next incident.
    """
    from crawler.counters import counter_definition

    store.sync_feeds((f.name, f.shown_url, f.enabled) for f in config.feeds)
    store.sync_counters(counter_definition(c) for c in config.counters)
    if now is not None:
        from crawler.pipeline import recompute_counters

        recompute_counters(store, config.counters, now)


def shortest_interval(config: Config, now: datetime) -> timedelta | None:
    """The shortest time between two polls of an enabled, polled feed (None without any). A
    cron feed counts the gap between its next two runs."""
    from crawler.scheduler import next_cron_time

    gaps = []
    for feed in config.feeds:
        if not feed.enabled or not feed.polled:
            continue
        if feed.cron is None:
            gaps.append(config.feed_interval(feed))
        else:
            first = next_cron_time(feed.cron, now)
            gaps.append(next_cron_time(feed.cron, first) - first)
    return min(gaps, default=None)


def polls_stalled(
    beat: dict[str, Any], config: Config, now: datetime, overdue_feeds: Callable[[datetime], list]
) -> timedelta | None:
    """How long a running daemon has gone without completing a poll, when that is a fault.

    It is one when no batch completed within twice the shortest feed interval while a feed has
    been due for longer than that interval (``overdue_feeds(moment)`` lists the feeds due at
    ``moment``): feeds all waiting out a backoff are not a stalled daemon. None when polling is
    healthy.
    """
    shortest = shortest_interval(config, now)
    if shortest is None:
        return None
    state = json.loads(beat.get("state") or "{}")
    last = parse_iso(state.get("last_poll_ok")) or parse_iso(beat["started"])
    idle = now - last
    if idle <= 2 * shortest or not overdue_feeds(now - shortest):
        return None
    return idle


# -- children ------------------------------------------------------------------------------


class ConfigSnapshot:
    """The configuration a process holds, in a private file that its poll children read.

    A child never reads config.yaml behind its parent's back: the file may have been edited
    since, perhaps into one that the daemon refused to reload. The snapshot is the text the
    running configuration was validated from (``${VAR}`` references unexpanded: the children
    inherit the environment), in a directory only this user can read, removed by :meth:`close`.
    """

    def __init__(self, config: Config):
        self._dir = Path(tempfile.mkdtemp(prefix="wirewatch-config-"))
        self.path: Path | None = None
        self.write(config)

    def write(self, config: Config) -> None:
        """Hold ``config`` from now on (children started before keep the one they read)."""
        if config.source_text is None:  # built in memory: the children read the file
            self.path = None
            return
        path = self._dir / "config.yaml"
        staged = path.with_suffix(".new")
        staged.write_text(config.source_text, encoding="utf-8")
        os.replace(staged, path)
        self.path = path

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> ConfigSnapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spider_command(
    config_path: Path,
    db_path: Path,
    feeds: list[str] | None,
    *,
    replay: Path | None = None,
    config_text: Path | None = None,
) -> list[str]:
    """The child's command line: poll the named feeds (all due ones when None), or replay.

    ``config_text`` is a :class:`ConfigSnapshot`'s file: the child validates that text rather
    than reading ``config_path``, which then only anchors relative paths."""
    command = [sys.executable, "-m", "spiders"]
    common = ["--config", str(config_path), "--db", str(db_path)]
    if config_text is not None:
        common += ["--config-text", str(config_text)]
    if replay is not None:
        return command + ["replay", *common, str(replay)]
    command += ["poll", *common]
    for name in feeds or ():
        command += ["--feed", name]
    return command


@dataclass
class Batch:
    """One running child and the feeds it polls."""

    feeds: list[str]
    process: subprocess.Popen
    started: float
    output: Any  # the temporary file the child's stdout goes to

    def summary(self) -> dict[str, Any]:
        self.output.seek(0)
        lines = [line for line in self.output.read().decode(errors="replace").splitlines() if line]
        self.output.close()
        try:
            return json.loads(lines[-1]) if lines else {}
        except json.JSONDecodeError:
            return {}


def start_batch(command: list[str]) -> Batch:
    output = tempfile.TemporaryFile()
    # Its own process group, so killing the batch also kills the workers it forked.
    process = subprocess.Popen(
        command, stdout=output, stdin=subprocess.DEVNULL, start_new_session=True
    )
    feeds = [command[i + 1] for i, arg in enumerate(command) if arg == "--feed"]
    return Batch(feeds=feeds, process=process, started=time.monotonic(), output=output)


def kill_batch(batch: Batch) -> None:
    """Kill a batch's child and every worker it started (one process group)."""
    try:
        os.killpg(batch.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_batch(
    command: list[str],
    timeout_s: float,
    on_tick: Callable[[], None] | None = None,
    *,
    grace_s: float = BATCH_CLOSE_GRACE_S,
) -> dict[str, Any]:
    """Run one child to completion and return its summary; it is killed if still running
    ``grace_s`` after ``timeout_s`` (its own close). ``on_tick`` is called about twice a
    second while the child runs (progress display).
    """
    batch = start_batch(command)
    deadline = time.monotonic() + timeout_s + grace_s
    while batch.process.poll() is None:
        if time.monotonic() > deadline:
            kill_batch(batch)
            batch.process.wait()
            batch.output.close()
            log.error("poll batch killed after timeout_s=%.0f", timeout_s)
            return {"error": f"poll stopped after {timeout_s:.0f}s (fetch.batch_timeout)"}
        if on_tick is not None:
            on_tick()
        try:
            batch.process.wait(timeout=PROGRESS_EVERY_S)
        except subprocess.TimeoutExpired:
            pass
    summary = batch.summary()
    if batch.process.returncode != 0:
        summary.setdefault("error", f"poll process exited with code {batch.process.returncode}")
    return summary


# -- the daemon ----------------------------------------------------------------------------


@dataclass
class Stats:
    batches: int = 0
    batch_errors: int = 0
    processed: int = 0
    process_errors: int = 0
    dispatched: int = 0
    started: datetime = field(default_factory=utc_now)
    last_poll_ok: datetime | None = None  # the last batch that completed
    poll_failures: int = 0  # batches that failed to start or to complete, in a row


class Daemon:
    """``wirewatch run``: schedule, poll, process and alert until told to stop."""

    def __init__(
        self,
        config_path: Path,
        config: Config,
        db_path: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.config_path = config_path
        self.config = config
        self.db_path = db_path
        self.clock = clock
        self.stats = Stats(started=clock())
        self._stopping = threading.Event()
        self._reload = threading.Event()
        self._wake = threading.Event()  # wakes the main thread (stop, reload)
        self._work = threading.Event()  # wakes the processor
        self._due: set[str] = set()
        self._due_lock = threading.Lock()
        self._due_event = threading.Event()
        self._batches: list[Batch] = []
        self._snapshot: ConfigSnapshot | None = None
        self._receivers: list[Any] = []  # push receiver, spool watcher (crawler.push)
        self._scheduler = FeedScheduler(
            self._feed_due, jitter=config.daemon.jitter, misfire_grace=config.daemon.misfire_grace
        )

    # -- entry point ------------------------------------------------------------------------

    def run(self) -> int:
        with DatabaseLock(self.db_path), ConfigSnapshot(self.config) as snapshot:
            self._snapshot = snapshot
            store = Store(self.db_path)
            try:
                sync_store_with_config(store, self.config, self.clock())
                self._install_signal_handlers()
                self._schedule_feeds(store)
                threads = [
                    threading.Thread(target=self._poller, name="poller", daemon=True),
                    threading.Thread(target=self._processor, name="processor", daemon=True),
                ] + [
                    threading.Thread(
                        target=self._dispatcher,
                        args=(c.name,),
                        name=f"alerts-{c.name}",
                        daemon=True,
                    )
                    for c in self.config.enabled_channels
                ]
                for thread in threads:
                    thread.start()
                from crawler.push.receivers import start_receivers  # waitress, inotify: run only

                self._receivers = start_receivers(
                    self.db_path, lambda: self.config, self._work.set, self.clock
                )
                self._scheduler.start()
                log.info(
                    "daemon started pid=%d feeds=%d channels=%d database=%s",
                    os.getpid(),
                    sum(f.enabled for f in self.config.feeds),
                    len(self.config.enabled_channels),
                    self.db_path,
                )
                code = self._main_loop(store, threads)
                self._shutdown(store, threads)
            finally:
                store.close()
        log.info("daemon stopped exit_code=%d", code)
        return code

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._due_event.set()
        self._work.set()

    # -- main thread ----------------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        signal.signal(signal.SIGINT, lambda *_: self.stop())
        signal.signal(signal.SIGHUP, lambda *_: self.reload())

    def reload(self) -> None:
        self._reload.set()
        self._wake.set()

    def _main_loop(self, store: Store, threads: list[threading.Thread]) -> int:
        """Beat, reload on SIGHUP, watch the threads; returns the exit code.

        Each thread survives the failures of its own steps (crawler.supervise); one that is
        gone all the same is a fault the daemon cannot recover from: it stops and exits
        non-zero, so that the service manager starts it afresh."""
        beat_every_s = self.config.daemon.heartbeat.total_seconds()
        backoff = Backoff()
        while not self._stopping.is_set():
            lost = [thread.name for thread in threads if not thread.is_alive()]
            if lost and not self._stopping.is_set():
                log.error("daemon thread stopped threads=%s; exiting for a restart", ",".join(lost))
                self.stop()
                return EXIT_THREAD_LOST
            try:
                self._beat(store)
                if self._reload.is_set():
                    self._reload.clear()
                    self._reload_config(store)
            except Exception as e:
                wait_s = max(beat_every_s, backoff.failed())
                report_fault(log, "heartbeat failed", e, wait_s, backoff.failures)
            else:
                backoff.succeeded()
                wait_s = beat_every_s
            self._wake.wait(wait_s)
            self._wake.clear()
        return 0

    def _beat(self, store: Store) -> None:
        state = {
            "batches": self.stats.batches,
            "batch_errors": self.stats.batch_errors,
            "running_batches": len(self._batches),
            "processed": self.stats.processed,
            "process_errors": self.stats.process_errors,
            "job_errors": self._scheduler.job_errors,
            "last_poll_ok": iso(self.stats.last_poll_ok),
            "poll_failures": self.stats.poll_failures,
        }
        store.beat("daemon", os.getpid(), self.stats.started, self.clock(), state)

    def _reload_config(self, store: Store) -> None:
        try:
            config = load_config(self.config_path)
        except ConfigError as e:
            log.error(
                "config reload refused, keeping the running config: %s", "; ".join(e.problems)
            )
            return
        self.config = config
        if self._snapshot is not None:
            self._snapshot.write(config)
        sync_store_with_config(store, config, self.clock())
        self._schedule_feeds(store)
        log.info("config reloaded feeds=%d", sum(f.enabled for f in config.feeds))

    # -- scheduling -----------------------------------------------------------------------

    def _schedule_feeds(self, store: Store) -> None:
        now = self.clock()
        enabled = [f for f in self.config.feeds if f.enabled and f.polled]  # push-only: no job
        for feed in enabled:
            row = store.feed_row(feed.name)
            stored = parse_iso(row["next_poll"]) if row else None
            first_run = stored if stored is not None and stored > now else now
            self._scheduler.schedule(
                feed.name,
                interval=self.config.feed_interval(feed) if feed.cron is None else None,
                cron=feed.cron,
                first_run=first_run,
            )
        self._scheduler.unschedule_all_but({f.name for f in enabled})

    def _feed_due(self, name: str) -> None:
        with self._due_lock:
            self._due.add(name)
        self._due_event.set()

    # -- poller -----------------------------------------------------------------------------

    def _poller(self) -> None:
        """Reap finished children and start due feeds' batches. A failed step (no file
        descriptor left to start a child, the database unreadable) is retried with backoff:
        the feeds it was to poll stay due."""
        store = Store(self.db_path)
        backoff = Backoff()
        try:
            while not self._stopping.is_set():
                self._due_event.wait(PROCESS_EVERY_S)
                self._due_event.clear()
                if self._stopping.is_set():
                    break
                try:
                    self._reap_batches()
                    time.sleep(BATCH_GATHER_S)
                    self._launch_due(store)
                except Exception as e:
                    self.stats.poll_failures += 1
                    wait_s = backoff.failed()
                    report_fault(log, "poll run failed", e, wait_s, backoff.failures)
                    self._stopping.wait(wait_s)
                    self._due_event.set()  # the feeds kept due are tried again now
                else:
                    backoff.succeeded()
        finally:
            store.close()

    def _launch_due(self, store: Store) -> None:
        if len(self._batches) >= MAX_CONCURRENT_BATCHES:
            return
        running = {name for batch in self._batches for name in batch.feeds}
        now = self.clock()
        with self._due_lock:
            candidates = sorted(self._due - running)
        ready = [name for name in candidates if self._may_poll(store, name, now)]
        with self._due_lock:
            self._due -= set(candidates)  # waiting feeds come back with their next job
        if not ready:
            return
        command = spider_command(
            self.config_path,
            self.db_path,
            ready,
            config_text=self._snapshot.path if self._snapshot else None,
        )
        try:
            self._batches.append(start_batch(command))
        except BaseException:
            with self._due_lock:
                self._due |= set(ready)  # still due: the next try polls them
            raise
        self.stats.batches += 1
        log.info("poll batch started feeds=%d", len(ready))

    def _may_poll(self, store: Store, name: str, now: datetime) -> bool:
        row = store.feed_row(name)
        next_poll = parse_iso(row["next_poll"]) if row else None
        # Backoff and Retry-After push next_poll past the job's own schedule; a regular poll's
        # next time, stored by its child seconds after this job fired, does not (crawler.due).
        feed = self.config.feed(name)
        interval = self.config.feed_interval(feed) if feed else timedelta(0)
        return is_due(next_poll, now, interval)

    def _reap_batches(self) -> None:
        timeout_s = self.config.fetch.batch_timeout.total_seconds()
        for batch in list(self._batches):
            code = batch.process.poll()
            if code is None and time.monotonic() - batch.started > timeout_s + BATCH_CLOSE_GRACE_S:
                log.error(
                    "poll batch over its timeout, killing it feeds=%s timeout_s=%.0f",
                    ",".join(batch.feeds),
                    timeout_s,
                )
                kill_batch(batch)
                code = batch.process.wait()
            if code is None:
                continue
            self._batches.remove(batch)
            summary = batch.summary()
            if code != 0:
                self.stats.batch_errors += 1
                self.stats.poll_failures += 1
                log.error("poll batch exited with code=%s feeds=%s", code, ",".join(batch.feeds))
            else:
                self.stats.last_poll_ok = self.clock()
                self.stats.poll_failures = 0
                log.info(
                    "poll batch done feeds=%d new=%s updated=%s errors=%s",
                    len(batch.feeds),
                    summary.get("new", 0),
                    summary.get("updated", 0),
                    summary.get("errors", 0),
                )
            self._work.set()

    def _stop_batches(self, deadline: float) -> None:
        while self._batches and time.monotonic() < deadline:
            self._reap_batches()
            time.sleep(0.1)
        for batch in self._batches:
            log.warning("abandoning poll batch at shutdown feeds=%s", ",".join(batch.feeds))
            kill_batch(batch)
            batch.process.wait()
            batch.output.close()
        self._batches.clear()

    # -- processor and dispatchers ----------------------------------------------------------

    def _processor(self) -> None:
        from crawler.pipeline import process_pending

        store = Store(self.db_path)
        backoff = Backoff()
        try:
            extractor = make_extractor(self.config)
            while not self._stopping.is_set():
                self._work.wait(PROCESS_EVERY_S)
                self._work.clear()
                self._stopping.wait(self._process_once(store, extractor, process_pending, backoff))
        finally:
            store.close()

    def _process_once(
        self,
        store: Store,
        extractor: Any,
        process_pending: Callable,
        backoff: Backoff | None = None,
    ) -> float:
        """Process the articles waiting; returns how long to wait before the next try (0 after
        a success, the backoff after a failure, which is reported)."""
        backoff = backoff or Backoff()
        try:
            summary = process_pending(store, extractor, self.config, self.clock())
        except Exception as e:
            self.stats.process_errors += 1
            wait_s = backoff.failed()
            report_fault(log, "processing new articles failed", e, wait_s, backoff.failures)
            return wait_s
        backoff.succeeded()
        self.stats.processed += int(summary.get("processed", 0))
        return 0.0

    def _dispatcher(self, channel: str) -> None:
        from crawler.alerts import dispatch_due

        store = Store(self.db_path)
        backoff = Backoff()
        try:
            while not self._stopping.is_set():
                wait_s = self._dispatch_once(store, channel, dispatch_due, backoff)
                self._stopping.wait(max(DISPATCH_EVERY_S, wait_s))
        finally:
            store.close()

    def _dispatch_once(
        self,
        store: Store,
        channel: str | None,
        dispatch_due: Callable,
        backoff: Backoff | None = None,
        deadline: float | None = None,
    ) -> float:
        """Deliver due alerts of one channel (all channels when None), those a rate limit lets
        go before ``deadline`` (monotonic) if given; returns how long to wait before the next
        try after a failure (0 after a success)."""
        backoff = backoff or Backoff()
        try:
            dispatch_due(
                store,
                self.config,
                self.clock(),
                channels=None if channel is None else [channel],
                deadline=deadline,
            )
        except Exception as e:
            wait_s = backoff.failed()
            report_fault(
                log, f"alert dispatch failed channel={channel}", e, wait_s, backoff.failures
            )
            return wait_s
        backoff.succeeded()
        return 0.0

    # -- shutdown -------------------------------------------------------------------------

    def _shutdown(self, store: Store, threads: list[threading.Thread]) -> None:
        grace_s = self.config.daemon.shutdown_grace.total_seconds()
        deadline = time.monotonic() + grace_s
        log.info("stopping grace_s=%.0f running_batches=%d", grace_s, len(self._batches))
        self._scheduler.shutdown()
        for receiver in self._receivers:  # no new documents: what they stored is processed below
            receiver.stop()
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        self._stop_batches(deadline)
        # Flush: what the last batches stored becomes incidents, and due alerts go out.
        if time.monotonic() < deadline:
            from crawler.alerts import dispatch_due
            from crawler.pipeline import process_pending

            self._process_once(store, LazyExtractor(self.config), process_pending)
            self._dispatch_once(store, None, dispatch_due, deadline=deadline)
        try:
            self._beat(store)
        except Exception as e:
            report_fault(log, "last heartbeat failed", e, 0, 1)


# -- one-shot runs ---------------------------------------------------------------------------


def poll_problem(summary: dict[str, Any]) -> str | None:
    """What makes a one-shot poll a failure, in one line: the batch could not run or store its
    polls, or every feed it polled failed. None when at least one feed answered."""
    if summary.get("error"):
        return str(summary["error"])
    polled, failed = summary.get("feeds", 0), summary.get("errors", 0)
    if polled and failed == polled:
        return f"every feed polled failed ({failed} of {polled}); see `wirewatch status`"
    return None


def poll_once(
    config_path: Path,
    config: Config,
    db_path: Path,
    *,
    all_feeds: bool,
    replay: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
    progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, Any]:
    """``wirewatch poll`` / ``replay``: one pass over due (or all) feeds, process, dispatch.

    ``progress(done, total)`` is told how many feeds have been polled so far.
    """
    from crawler.alerts import dispatch_due
    from crawler.pipeline import process_pending

    with DatabaseLock(db_path), Store(db_path) as store, ConfigSnapshot(config) as snapshot:
        now = clock()
        sync_store_with_config(store, config, now)
        if replay is not None:
            feeds: list[str] | None = None
        elif all_feeds:
            feeds = [f.name for f in config.feeds if f.enabled and f.polled]
        else:
            feeds = due_feeds(config, store, now)
        summary: dict[str, Any] = {"feeds": 0}
        if feeds != []:
            command = spider_command(
                config_path, db_path, feeds, replay=replay, config_text=snapshot.path
            )
            total = None if feeds is None else len(feeds)

            def tick() -> None:
                if progress is not None:
                    progress(store.polls_since(now), total)

            summary = run_batch(command, config.fetch.batch_timeout.total_seconds(), tick)
        processed = process_pending(store, LazyExtractor(config), config, clock())
        dispatched = dispatch_due(store, config, clock())
        return {"poll": summary, "process": processed, "alerts": dispatched.as_dict()}
