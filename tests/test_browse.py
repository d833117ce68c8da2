"""`wirewatch browse` serves the database with Datasette on 127.0.0.1: tables, canned queries and
the map plugin, read over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_cli import seed_incident

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_browse_serves_tables_canned_queries_and_the_map(write_config, tmp_path):
    config = write_config()
    seed_incident(tmp_path / "wirewatch.db")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
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
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"datasette did not start: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)

        table = get_json(f"{base}/wirewatch/incidents.json?_shape=array")
        assert table[0]["place_name"] == "US embassy"

        canned = get_json(f"{base}/wirewatch/latest_incidents.json?_shape=array")
        assert canned[0]["title"].startswith("Rockets hit near US embassy")

        search = get_json(f"{base}/wirewatch/search_incidents.json?_shape=array&q=embassy")
        assert [row["id"] for row in search] == [1]

        plugins = {p["name"] for p in get_json(f"{base}/-/plugins.json")}
        assert "datasette-cluster-map" in plugins
        with urllib.request.urlopen(f"{base}/wirewatch/incidents", timeout=10) as response:
            page = response.read().decode()
        assert "datasette-cluster-map" in page  # the map script is on the incidents page

        metadata = get_json(f"{base}/-/metadata.json")
        assert "Attacks on US interests" in metadata["databases"]["wirewatch"]["description"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
