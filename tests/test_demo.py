"""`wirewatch demo` end to end, as `make demo` runs it (faster): the local wire, the real daemon,
alerts, and the summary it ends with. The sample wire's five incidents come out as five records,
numbered on the counter as the dispatches' own tallies say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.storage import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_demo_detects_merges_counts_and_alerts(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "demo", "--speed", "20", "--sinks",
         "--dir", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "NEW incident" in out and "merged:" in out
    assert "-> slack sink received" in out and "-> email sink received" in out
    assert "browse the result: wirewatch --config" in out
    with Store(tmp_path / "out" / "wirewatch-demo.db") as store:
        incidents = store.query(
            "SELECT id, place_name, languages FROM incidents WHERE merged_into IS NULL"
        )
        ticks = store.query(
            "SELECT t.ordinal, t.reported, t.mismatch, i.place_name FROM counter_ticks t"
            " JOIN incidents i ON i.id = t.incident_id WHERE t.counter = 'us-interests-iraq'"
            " ORDER BY t.ordinal"
        )
    assert len(incidents) == 5
    assert all(row["languages"] == "ar,en,fr" for row in incidents)
    assert [t["ordinal"] for t in ticks] == [19, 20, 21, 22]
    assert ticks[0]["place_name"].startswith("US embassy")
    assert not any(t["mismatch"] for t in ticks)
