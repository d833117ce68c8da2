"""Cron-mode cost: `wirewatch poll --all` when nothing is new, against the poll child alone.

    .venv/bin/python bench/cron.py [--feeds 2000] [--runs 3] [--before DIR]

The feed server of bench/poll.py (another process) serves N feeds of 2 items with ETags. A
first `wirewatch poll --all` stores and processes everything; then, with every feed answering
304, each run times (in turn, ``--runs`` times):

  (a) `wirewatch poll --all`: the whole cron command (start-up, the poll child, processing,
      alerts);
  (b) the poll child alone (`python -m spiders poll --all`, as crawler.daemon.run_batch runs
      it): the requests and their bookkeeping, which a cron run cannot avoid;
  (c) with ``--before DIR``, (a) with the code of another checkout (e.g. ``git archive main``
      unpacked in DIR), on the same database and server: the figure before a change.

Prints the median wall and CPU seconds of each, the cron command's overhead over the child and
their ratio. Target (issue 15): a run with nothing new costs little more than its requests.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.poll import serve  # noqa: E402
from crawler.daemon import run_batch, spider_command  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ITEMS = 2


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(run) -> tuple[float, float]:
    cpu, wall = children_cpu_s(), time.perf_counter()
    run()
    return time.perf_counter() - wall, children_cpu_s() - cpu


def cron_command(config: Path, code: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), "poll", "--all"],
        env=dict(os.environ, PYTHONPATH=str(code)),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or "articles new: 0" not in done.stdout:
        raise SystemExit(f"wirewatch poll failed or found something new:\n{done.stderr[-2000:]}")


def child_alone(config: Path, db: Path) -> None:
    summary = run_batch([*spider_command(config, db, None), "--all"], timeout_s=3600)
    if summary.get("not_modified") != summary.get("feeds"):
        raise SystemExit(f"the feeds did not all answer 304: {summary}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout to measure (a) with")
    args = parser.parse_args()
    os.environ["WIREWATCH_LOG_LEVEL"] = "WARNING"  # the children's 2,000 poll lines each run

    port, ready = multiprocessing.Value("i", 0), multiprocessing.Event()
    server = multiprocessing.Process(
        target=serve, args=(port, ready, args.feeds, ITEMS), daemon=True
    )
    server.start()
    ready.wait(30)
    base = f"http://127.0.0.1:{port.value}"
    figures: dict[str, list[tuple[float, float]]] = {"(a)": [], "(b)": [], "(c)": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config, db = Path(tmp) / "config.yaml", Path(tmp) / "bench.db"
            document = {
                "database": str(db),
                "fetch": {"concurrent_requests": 64, "concurrent_per_host": 64},
                "feeds": [
                    {
                        "name": f"f{n}",
                        "url": f"{base}/feed/{n}",
                        "allow_private": True,
                        "obey_robots": False,
                    }
                    for n in range(args.feeds)
                ],  # fmt: skip
                "alerts": {"channels": []},
            }
            config.write_text(yaml.safe_dump(document), encoding="utf-8")
            subprocess.run(
                [sys.executable, "-m", "crawler.cli", "--config", str(config), "poll", "--all"],
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
                capture_output=True,
                check=True,
            )  # the first pass: everything new, stored and processed
            for _ in range(args.runs):
                figures["(a)"].append(timed(lambda: cron_command(config, ROOT)))
                figures["(b)"].append(timed(lambda: child_alone(config, db)))
                if args.before is not None:
                    figures["(c)"].append(timed(lambda: cron_command(config, args.before)))
    finally:
        server.kill()

    def median(label: str) -> tuple[float, float]:
        runs = figures[label]
        return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)

    print(f"{args.feeds} feeds answering 304, {args.runs} runs each, medians")
    labels = {
        "(a)": "(a) wirewatch poll --all",
        "(b)": "(b) poll child alone",
        "(c)": f"(c) wirewatch poll --all, code of {args.before}",
    }
    child_wall, child_cpu = median("(b)")
    for label, text in labels.items():
        if not figures[label]:
            continue
        wall, cpu = median(label)
        extra = "" if label == "(b)" else (
            f"  overhead {wall - child_wall:+5.2f} s wall, {cpu - child_cpu:+5.2f} s cpu;"
            f" x{wall / child_wall:4.2f} the child"
        )  # fmt: skip
        print(f"{text:<48} wall {wall:6.2f} s  cpu {cpu:6.2f} s{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
