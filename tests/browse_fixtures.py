"""`wirewatch browse` as a real subprocess, a database built by the pipeline for it, and Debian's
headless Chromium driven through its chromedriver (no browser is ever downloaded)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "data" / "devset.jsonl"
STARTUP_TIMEOUT_S = 60
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database(config: Path, db: Path, out_dir: Path) -> None:
    """The hand-labelled wire set through the daemon's pipeline (`wirewatch analyze --db`): about
    a hundred incidents in three languages, counted, with stated tallies and mismatches."""
    result = CliRunner().invoke(
        main,
        [
            "--config",
            str(config),
            "--db",
            str(db),
            "analyze",
            "--in",
            str(DEVSET),
            "--out",
            str(out_dir / "analysis.jsonl"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output


@contextlib.contextmanager
def running_browse(
    config: Path, *args: str, env: dict[str, str] | None = None, probe_host: str = "127.0.0.1"
) -> Iterator[str]:
    """Run `wirewatch browse ARGS`; yields its base URL once it answers (any HTTP status)."""
    port = free_port()
    # Its output goes to a file: a pipe nobody reads fills up with the access log and stalls it.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "--config",
            str(config),
            "browse",
            "--port",
            str(port),
            *args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
    )
    base = f"http://{probe_host}:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break  # it answers, if only to refuse
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"browse did not start: {log.read().decode()[-2000:]}")
                time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def headless_chromium(width: int = 1400, height: int = 2200) -> Iterator[object]:
    """Debian's chromium, headless, with a throw-away profile and every host name but the
    loopback unresolvable: a page that needed the internet would show it."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="wirewatch-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
