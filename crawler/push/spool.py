"""Drop folders: a feed's ``spool`` directory, where an agency's FTP/SFTP push leaves files.

A file is taken as soon as it is complete: when the process writing it closes it
(``IN_CLOSE_WRITE``) or when it is renamed into the folder (``IN_MOVED_TO``); agencies do both.
Events come from the kernel through inotify_simple, a maintained thin wrapper of the inotify
system calls (the folder is watched, not polled). A scan of every folder, at start and every
``push.spool_scan``, is the fallback: it picks up what was dropped while the daemon was down and
anything an event missed (a full event queue, a network file system). The scan takes a file
only once it has not changed for ``SETTLE_S`` and since the previous scan, and a file the
watcher saw being written (created or modified, not closed) only after ``ABANDONED_S`` without
change: a file still being written is left alone, however long its writer pauses.

Each file is delivered once (crawler.push.deliver), then moved to ``done/`` (stored, or the
same bytes stored before) or to ``failed/`` with a ``<file>.reason`` line beside it (not a feed,
too large, not readable). An unexpected error (the database busy too long) leaves the file in
place for the next scan. Hidden files and names ending ``.tmp``, ``.part``, ``.filepart`` or
``.partial`` (uploads in progress, renamed when complete) are not touched.

What this module leaves to others: parsing and storing (crawler.push.deliver).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from inotify_simple import INotify, flags

from crawler.config import Config
from crawler.ingest import one_line
from crawler.push.deliver import deliver
from crawler.storage import Store

log = logging.getLogger(__name__)

DONE, FAILED = "done", "failed"
IN_PROGRESS_SUFFIXES = (".tmp", ".part", ".filepart", ".partial")
# A file the scan finds is taken once it has been left alone this long.
SETTLE_S = 2.0
EVENT_WAIT_MS = 500
COMPLETE = flags.CLOSE_WRITE | flags.MOVED_TO
WRITING = flags.CREATE | flags.MODIFY
# A file seen being written is left to its close event; the scan takes it only once it has not
# changed for this long (its writer died without closing it).
ABANDONED_S = 600.0


class SpoolWatcher:
    """Watches every enabled feed's spool folder on its own thread until :meth:`stop`."""

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
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="spool", daemon=True)
        self._watches: dict[int, str] = {}  # inotify watch -> feed name
        self._watched: dict[Path, int] = {}
        self._seen: dict[Path, tuple[int, int]] = {}  # file -> (size, mtime_ns) at last scan
        self._writing: set[Path] = set()  # files created or modified, not closed yet

    def start(self) -> SpoolWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        store = Store(self.db_path)
        inotify = INotify()
        try:
            next_scan = 0.0
            while not self._stop.is_set():
                if time.monotonic() >= next_scan:
                    self._sync_watches(inotify)
                    self._scan(store)
                    next_scan = time.monotonic() + self.config().push.spool_scan.total_seconds()
                for event in inotify.read(timeout=EVENT_WAIT_MS):
                    feed = self._watches.get(event.wd)
                    if feed is None or not event.name or event.mask & flags.ISDIR:
                        continue
                    path = self._folder(feed) / event.name
                    if event.mask & COMPLETE:
                        self._writing.discard(path)
                        self._take(store, feed, path)
                    elif event.mask & WRITING:
                        self._writing.add(path)
        except Exception:
            log.exception("spool watcher failed; drop folders are no longer read until restart")
        finally:
            inotify.close()
            store.close()

    def _folder(self, feed: str) -> Path:
        configured = self.config().feed(feed)
        assert configured is not None and configured.spool is not None
        return configured.spool

    def _sync_watches(self, inotify: INotify) -> None:
        """Watch the spool folder of every enabled feed (new ones after a reload too)."""
        for feed in self.config().feeds:
            if feed.spool is None or not feed.enabled or feed.spool in self._watched:
                continue
            try:
                for sub in (DONE, FAILED):
                    (feed.spool / sub).mkdir(parents=True, exist_ok=True)
                wd = inotify.add_watch(feed.spool, COMPLETE | WRITING)
            except OSError as e:
                log.error("spool folder unusable feed=%s folder=%s error=%s", feed.name,
                          feed.spool, e.strerror or e)  # fmt: skip
                continue
            self._watches[wd], self._watched[feed.spool] = feed.name, wd
            log.info("spool folder watched feed=%s folder=%s", feed.name, feed.spool)

    def _scan(self, store: Store) -> None:
        now = time.time()
        seen: dict[Path, tuple[int, int]] = {}
        for folder, wd in self._watched.items():
            feed = self._watches[wd]
            for path in _waiting_files(folder):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                state = (stat.st_size, stat.st_mtime_ns)
                quiet = ABANDONED_S if path in self._writing else SETTLE_S
                settled = now - stat.st_mtime >= quiet
                if settled and self._seen.get(path, state) == state:
                    self._writing.discard(path)
                    self._take(store, feed, path)
                else:
                    seen[path] = state  # changing: look again at the next scan
        self._seen = seen

    def _take(self, store: Store, feed: str, path: Path) -> None:
        if not _is_candidate(path) or not path.is_file():
            return
        config = self.config()
        try:
            size = path.stat().st_size
            limit = config.fetch.max_feed_size
            if size > limit:
                return _move(path, FAILED, f"file of {size} bytes is over the {limit}-byte limit")
            body = path.read_bytes()
        except OSError as e:
            log.warning("spool file unreadable feed=%s file=%s error=%s", feed, path.name, e)
            return _move(path, FAILED, f"cannot read the file: {e.strerror or e}")
        try:
            outcome = deliver(store, config, feed, body, via="spool", now=self.clock(),
                              origin=path.name)  # fmt: skip
        except Exception:  # left in place: the next scan tries again
            log.exception("spool file not stored, left for the next scan feed=%s file=%s", feed,
                          path.name)  # fmt: skip
            self._seen.pop(path, None)
            return
        if outcome.outcome == "refused":
            log.warning("spool file refused feed=%s file=%s reason=%s", feed, path.name,
                        outcome.reason)  # fmt: skip
            return _move(path, FAILED, outcome.reason or "refused")
        _move(path, DONE)
        if outcome.outcome == "stored":
            self.on_stored()


def _waiting_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if _is_candidate(p) and p.is_file())
    except OSError:
        return []


def _is_candidate(path: Path) -> bool:
    name = path.name
    return not name.startswith(".") and not name.endswith(IN_PROGRESS_SUFFIXES)


def _move(path: Path, where: str, reason: str | None = None) -> None:
    """Move a handled file to done/ or failed/ (a name taken there gets a time suffix)."""
    target = path.parent / where / path.name
    if target.exists():
        target = target.with_name(f"{path.name}.{time.time_ns()}")
    try:
        os.replace(path, target)
        if reason is not None:
            target.with_name(target.name + ".reason").write_text(one_line(reason) + "\n")
    except OSError as e:
        log.error("spool file not moved file=%s to=%s error=%s", path, where, e.strerror or e)
