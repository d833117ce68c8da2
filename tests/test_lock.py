"""The database lock: one writer at a time, and a lock left by a killed process is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.errors import LockError
from crawler.lock import DatabaseLock

ROOT = Path(__file__).resolve().parents[1]

HOLDER = """
import sys, time
from pathlib import Path
from crawler.lock import DatabaseLock
lock = DatabaseLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def hold_in_child(db: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_holder_is_refused_with_the_pid(tmp_path):
    db = tmp_path / "w.db"
    proc = hold_in_child(db)
    try:
        with pytest.raises(LockError, match=f"pid {proc.pid}"):
            DatabaseLock(db).acquire()
    finally:
        proc.kill()
        proc.wait()


def test_lock_of_a_killed_process_is_taken_over(tmp_path):
    db = tmp_path / "w.db"
    proc = hold_in_child(db)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    with DatabaseLock(db) as lock:
        assert lock.path.read_text() == str(os.getpid())
        assert time.monotonic() < deadline


def test_release_lets_the_next_one_in(tmp_path):
    db = tmp_path / "w.db"
    with DatabaseLock(db):
        with pytest.raises(LockError):
            DatabaseLock(db).acquire()
    with DatabaseLock(db):
        pass
