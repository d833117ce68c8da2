"""One wirewatch writer per database: an exclusive lock on ``<database>.lock``.

The daemon (``wirewatch run``) and one-shot runs (``wirewatch poll``, ``replay``, ``reprocess``)
take it; read-only commands (``status``, ``incidents``, ``browse``) do not. The lock is an
``fcntl.flock`` on a file beside the database: the kernel releases it when its holder exits for
any reason, SIGKILL included, so a stale lock left by a killed process is simply taken over. The
holder's pid is written in the file so the refusal can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from crawler.errors import LockError


class DatabaseLock:
    """Context manager holding the exclusive writer lock of one database file."""

    def __init__(self, db_path: Path):
        self.path = Path(f"{db_path}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LockError(
                f"{self.path.with_suffix('')} is in use by another wirewatch process (pid {holder});"
                " stop it first, or use a different --db"
            ) from None
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            os.fsync(fd)
        except OSError:  # a full disk: the flock holds all the same, only the pid is not shown
            pass

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
