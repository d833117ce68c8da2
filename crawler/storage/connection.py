"""The connection to a wirewatch database file, and the transactions every other module uses.

Opening a :class:`Connection` creates the file if needed, switches it to WAL with a busy
timeout (retrying the switch when several processes open a new file at once), and applies every
pending migration of :mod:`crawler.storage.schema`. :meth:`Connection.transaction` is one write
transaction (nested calls join the outer one), :meth:`Connection.savepoint` a unit inside it.
A fault of the file or the disk (full, read-only, I/O error) leaves them as a
:class:`~crawler.errors.StorageError` that says what to do (:func:`storage_error`).

Owns no table: the modules of the aggregates (feeds, articles, ...) are subclasses of this one
and hold the SQL of their tables.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from crawler.errors import StorageError
from crawler.storage.schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

# How long a writer waits for another process's lock before failing (the daemon and a
# `wirewatch status` or Datasette may touch the file at the same time).
BUSY_TIMEOUT_MS = 10_000
WAL_SWITCH_RETRY_S = 0.01
# WAL pages between checkpoints for bulk writers (16,000 pages of 4 KiB = 64 MiB): a full poll
# of 2,000 feeds writes ~300 MB, and each checkpoint (an fsync) cost a poll worker ~40% of its
# time at SQLite's default of 1,000 pages.
BULK_CHECKPOINT_PAGES = 16_000
# Bound parameters per statement when a verb takes a long list (SQLite builds before 3.32
# accept at most 999).
SQL_VARIABLES_PER_QUERY = 900


# -- faults of the database's environment -----------------------------------------------------

# SQLite's primary result codes for faults of the file or the disk, not of wirewatch's SQL.
_SQLITE_FAULTS = {
    sqlite3.SQLITE_FULL: "database or disk is full: {path}; free space and run again",
    sqlite3.SQLITE_READONLY: "database is read-only: {path}; check its and its directory's"
    " permissions and mount",
    sqlite3.SQLITE_IOERR: "disk I/O error on the database {path}; check the disk, then run again",
}
# SQL errors that are wirewatch's own bugs: they keep their type (and their traceback).
_SQL_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
# SQLite reports a full disk as SQLITE_FULL when the WAL cannot grow, but as an I/O error when
# its shared-memory file cannot (SQLITE_IOERR_SHMSIZE, a new connection): an I/O error with less
# than this free beside the database is a full disk (a transaction's WAL pages and the 32 KiB
# shared-memory file need far less).
NEARLY_FULL_BYTES = 1 << 20


def storage_error(path: str | Path, error: BaseException) -> StorageError | None:
    """A fault of the database's file or disk as a StorageError in words a user can act on;
    None for anything else (a bug in wirewatch's SQL keeps its own type)."""
    if isinstance(error, StorageError):
        return error
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return StorageError(_SQLITE_FAULTS[sqlite3.SQLITE_FULL].format(path=path))
    if not isinstance(error, sqlite3.DatabaseError) or isinstance(error, _SQL_BUGS):
        return None
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code == sqlite3.SQLITE_IOERR and _free_bytes(Path(path).parent) < NEARLY_FULL_BYTES:
        code = sqlite3.SQLITE_FULL
    template = _SQLITE_FAULTS.get(code)
    if template is None:
        return StorageError(f"{path}: database error: {error}")
    return StorageError(template.format(path=path))


def _free_bytes(directory: Path) -> int:
    try:
        stats = os.statvfs(directory)
    except OSError:
        return NEARLY_FULL_BYTES  # unknown: not called full
    return stats.f_bavail * stats.f_frsize


class Connection:
    """A wirewatch database file. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, *, migrate_to: int = SCHEMA_VERSION, bulk: bool = False):
        """Open ``path``. ``bulk`` is for a writer that stores a lot at once (a poll batch):
        the WAL is checkpointed every ``BULK_CHECKPOINT_PAGES`` instead of SQLite's 1,000
        (each checkpoint syncs to disk), and once more when the store is closed."""
        self.path = Path(path)
        self.bulk = bulk
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(path),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if bulk:
                conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
            self.db = sqlite_utils.Database(conn)
            self._migrate(migrate_to)
        except sqlite3.DatabaseError as e:
            if (getattr(e, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_FAULTS:
                raise storage_error(path, e) from e
            raise StorageError(f"{path}: cannot open database: {e}") from e

    def close(self) -> None:
        if self.bulk:
            try:  # PASSIVE: never waits for readers (the daemon, Datasette)
                self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.DatabaseError as e:
                log.warning("checkpoint at close failed database=%s error=%s", self.path, e)
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self, target: int) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path}: schema version {current} is newer than this wirewatch "
                f"({SCHEMA_VERSION}); upgrade wirewatch"
            )
        for version in range(current + 1, target + 1):
            with self.transaction():
                # Read again under the write lock: another process opening the same new file
                # (the daemon and its first poll child) may have migrated it meanwhile.
                if self.schema_version >= version:
                    continue
                MIGRATIONS[version - 1](self.db)
                self.db.execute(f"PRAGMA user_version = {version}")
            log.info("migrated database=%s schema_version=%d", self.path, version)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (nested calls join the outer one)."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield
            conn.execute("COMMIT")
        except BaseException as e:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:  # SQLite may have rolled back already (disk full)
                    pass
            known = storage_error(self.path, e)
            if known is None or known is e:
                raise
            raise known from e

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction: undone alone on error, the transaction goes on
        (``reprocess`` rebuilds in one transaction yet isolates each article)."""
        conn = self.db.conn
        conn.execute("SAVEPOINT unit")
        try:
            yield
        except BaseException as e:
            conn.execute("ROLLBACK TO unit")
            conn.execute("RELEASE unit")
            known = storage_error(self.path, e)
            if known is None or known is e:
                raise
            raise known from e
        conn.execute("RELEASE unit")

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts."""
        return list(self._stream(sql, params))

    def _stream(
        self, sql: str, params: Iterable[Any] | dict[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        """Rows of a SELECT as dicts, read as they are consumed.

        Straight from the connection, not through sqlite-utils' query(), which wraps every
        SELECT in a savepoint of its own: three statements instead of one, on paths that run
        once or more per article or per poll.
        """
        cursor = self.db.conn.execute(sql, params if isinstance(params, dict) else tuple(params))
        columns = [column[0] for column in cursor.description]
        return (dict(zip(columns, row, strict=True)) for row in cursor)


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode (it stays so), waiting as long as the busy timeout.

    On a new file opened by several processes at once (the daemon and its first poll child),
    SQLite may refuse the switch with "database is locked" at once, without calling the busy
    handler: try again until the first switch has been made.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_SWITCH_RETRY_S)
