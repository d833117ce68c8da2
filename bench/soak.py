"""Soak: the real daemon through many poll cycles against local feeds; its memory at start and end.

`wirewatch run` (a subprocess) polls the demo wire's feeds (one of them broken) every second; a
poll cycle is one batch of due feeds polled by a child process. Resident memory of the daemon
alone and of the daemon with its children is sampled through the run, with the number of poll
batches running at the time. Prints the readings after the warm-up and at the end, the growth,
and the peaks with one and with two batches at once (the daemon runs up to two: a batch stuck
on a hanging feed must not hold back the others). ``--hang`` makes one feed hang until the fetch
timeout, so that two batches run at once most of the time: the worst case the target must hold
for. Also says whether SciPy is loaded in the daemon (it must not be: 45 MB).

Targets: < 250 MB resident (daemon with children, two batches included), < 10 % growth from
warm-up to the end.

    .venv/bin/python bench/soak.py [--cycles 1000] [--interval 1] [--hang]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._daemon import resident_mb, start_daemon, stop_daemon, write_config  # noqa: E402
from crawler.demo.feedserver import FeedServer  # noqa: E402
from crawler.demo.sinks import SlackSink  # noqa: E402
from crawler.storage import Store  # noqa: E402

WARM_UP_CYCLES = 20
SAMPLE_EVERY_S = 0.5


def cycles_done(db: Path) -> int:
    if not db.exists():
        return 0
    with Store(db) as store:
        beat = store.heartbeat()
    return json.loads(beat["state"]).get("batches", 0) if beat else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=1.0, help="feed interval, seconds")
    parser.add_argument(
        "--hang", action="store_true", help="one feed hangs: two batches run at once"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="wirewatch-soak-") as tmp,
        FeedServer(once=True) as server,
        SlackSink() as slack,
    ):
        config = write_config(
            Path(tmp),
            [d.config_entry() for d in server.feed_definitions()],
            interval=f"{args.interval:g}s",
            channels=[{"name": "slack", "type": "slack", "webhook_url": slack.url}],
            daemon={"heartbeat": "1s", "jitter": "0s", "shutdown_grace": "20s"},
        )
        db = Path(tmp) / "bench.db"
        if args.hang:
            server.set_behaviour("/afp-fr.xml", "hang")
        proc = start_daemon(config, Path(tmp) / "daemon.log")
        started = time.monotonic()
        warm: tuple[float, float] | None = None
        peak_own = 0.0
        peak_by_batches: dict[int, float] = {}
        samples_by_batches: dict[int, int] = {}
        scipy_loaded = False
        try:
            cycles = 0
            while cycles < args.cycles:
                if proc.poll() is not None:
                    print(Path(tmp, "daemon.log").read_text()[-3000:])
                    return 1
                own, total = resident_mb(proc.pid)
                batches = running_batches(proc.pid)
                peak_own = max(peak_own, own)
                peak_by_batches[batches] = max(peak_by_batches.get(batches, 0.0), total)
                samples_by_batches[batches] = samples_by_batches.get(batches, 0) + 1
                scipy_loaded = scipy_loaded or maps_scipy(proc.pid)
                cycles = cycles_done(db)
                if warm is None and cycles >= WARM_UP_CYCLES:
                    warm = (own, total)
                time.sleep(SAMPLE_EVERY_S)
            end = resident_mb(proc.pid)
        finally:
            server.set_behaviour("/afp-fr.xml", "ok")
            code = stop_daemon(proc)
        elapsed = time.monotonic() - started
        with Store(db) as store:
            polls = store.query("SELECT count(*) AS n FROM polls")[0]["n"]
            counts = store.table_counts()
    assert warm is not None
    growth = (end[0] - warm[0]) / warm[0] * 100
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"cycles: {cycles} in {elapsed:.0f}s ({cycles / elapsed:.2f}/s), feed polls: {polls}, "
        f"articles: {counts['articles']}, incidents: {counts['incidents']}, "
        f"alerts received: {len(slack.received)}, daemon exit: {code}"
    )
    print(
        f"daemon RSS after {WARM_UP_CYCLES} cycles: {warm[0]:.1f} MB; at the end: {end[0]:.1f} MB; "
        f"growth {growth:+.1f}% (target < 10%)"
    )
    peak_total = max(peak_by_batches.values())
    print(
        f"daemon + children RSS peak: {peak_total:.1f} MB (target < 250 MB): "
        + ", ".join(
            f"{peak_by_batches[n]:.1f} MB with {n} batch(es) running"
            f" ({samples_by_batches[n]} samples)"
            for n in sorted(peak_by_batches)
        )
    )
    print(f"daemon alone peak: {peak_own:.1f} MB; SciPy loaded in the daemon: {scipy_loaded}")
    return 0 if code == 0 else 1


def running_batches(pid: int) -> int:
    """Poll batches running: the daemon's direct children (a batch's workers are theirs)."""
    try:
        return len(psutil.Process(pid).children())
    except psutil.NoSuchProcess:
        return 0


def maps_scipy(pid: int) -> bool:
    try:
        return "/scipy/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
