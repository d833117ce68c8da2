"""Shared pieces of the daemon benchmarks: a config writer, the daemon subprocess, memory readings.

Not a benchmark itself (the leading underscore keeps `make bench` from running it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]


def write_config(
    directory: Path,
    feeds: list[dict[str, Any]],
    *,
    interval: str,
    channels: list[dict[str, Any]],
    **sections: Any,
) -> Path:
    config = {
        "database": "bench.db",
        "fetch": {
            "contact": "bench@localhost",
            "default_interval": interval,
            "timeout": "10s",
            "batch_timeout": "120s",
        },
        "feeds": feeds,
        "alerts": {"retry_base": "1s", "channels": channels},
        "daemon": {"heartbeat": "5s", "jitter": "0s", "shutdown_grace": "20s"},
        **sections,
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


def start_daemon(config: Path, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), "run"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )


def stop_daemon(proc: subprocess.Popen, timeout_s: float = 60) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


def resident_mb(pid: int) -> tuple[float, float]:
    """Resident memory of a process alone and with its children, in MB."""
    try:
        process = psutil.Process(pid)
        own = process.memory_info().rss
        children = 0
        for child in process.children(recursive=True):
            try:
                children += child.memory_info().rss
            except psutil.NoSuchProcess:
                pass
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    return own / 2**20, (own + children) / 2**20


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
