"""``wirewatch demo``: the real daemon against a local wire that fills up over a couple of minutes.

It starts the sample :class:`~crawler.demo.feedserver.FeedServer` on 127.0.0.1 (and, with
``sinks``, a local SMTP server and a Slack-like webhook receiver), writes a config.yaml for it
into the output directory, runs ``wirewatch run`` on that config as a child process (its console
alerts go to this terminal), and reports from the database as incidents are detected, merged and
counted. When the wire has published everything and the daemon has caught up, it stops the daemon
with SIGTERM and prints the incidents, the counters and the command to browse the result.

Nothing here needs the internet; the database is left in the output directory.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from crawler.demo.feedserver import FeedServer
from crawler.demo.sinks import Received, SlackSink, SmtpSink
from crawler.storage import Store

# The demo's feeds are polled every 10 s at speed 1 (the wire publishes every few seconds),
# and proportionally more often when the wire runs faster, down to every 2 s: reports of one
# incident must still arrive over several polls for the demo to show them merging.
DEMO_INTERVAL_S = 10
MIN_DEMO_INTERVAL_S = 2
# After the last publication: polls of every feed plus processing before the demo ends.
SETTLE_S = 25.0
# How often the demo reports what changed in the database.
REPORT_EVERY_S = 2.0
DAEMON_STOP_TIMEOUT_S = 30.0


def campaign_start(today: date) -> date:
    """The most recent 28 October: the demo wire's tallies count "since October 28"."""
    start = date(today.year, 10, 28)
    return start if start <= today else date(today.year - 1, 10, 28)


def demo_interval_s(speed: float) -> int:
    """Seconds between polls of each demo feed when the wire runs at ``speed``."""
    return max(MIN_DEMO_INTERVAL_S, round(DEMO_INTERVAL_S / speed))


def demo_config(
    server: FeedServer, *, speed: float, slack_url: str | None, smtp_port: int | None
) -> dict:
    """The config.yaml the demo's daemon runs with.

    The demo's events happen now, and its dispatches count attacks "since October 28", as the
    reference dispatch of 2020 did; so the demo's counter starts on the last 28 October, with the
    18 attacks the wire says came before its first one.
    """
    since = campaign_start(server.epoch.date())
    channels: list[dict[str, Any]] = [{"name": "console", "type": "console"}]
    if slack_url:
        channels.append({"name": "slack", "type": "slack", "webhook_url": slack_url})
    if smtp_port:
        channels.append(
            {
                "name": "email",
                "type": "email",
                "host": "127.0.0.1",
                "port": smtp_port,
                "security": "none",
                "from": "wirewatch@localhost",
                "to": ["desk@localhost"],
            }
        )
    return {
        "database": "wirewatch-demo.db",
        "fetch": {
            "contact": "wirewatch demo (local)",
            "default_interval": f"{demo_interval_s(speed)}s",
            "timeout": "5s",
            "batch_timeout": "60s",
            "flag_after_failures": 3,
        },
        "feeds": [d.config_entry() for d in server.feed_definitions()],
        "counters": [
            {
                "name": "us-interests-iraq",
                "description": f"Attacks on US interests in Iraq since {since.isoformat()}",
                "since": since.isoformat(),
                "start": 18,
                "filter": {"us_interest": True},
            },
            {
                "name": "attacks-iraq",
                "description": "Every security incident in Iraq",
                "since": since.isoformat(),
            },
        ],
        "alerts": {"channels": channels},
        "daemon": {"heartbeat": "2s", "jitter": "1s", "shutdown_grace": "15s"},
    }


def run_demo(
    out_dir: Path, *, speed: float, sinks: bool, echo: Callable[[str], None] = print
) -> int:
    """Run the whole demo; returns the daemon's exit code."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("wirewatch-demo.db*"):
        stale.unlink()
    slack = SlackSink(lambda m: _sink_line(echo, "slack", m)).start() if sinks else None
    smtp = SmtpSink(lambda m: _sink_line(echo, "email", m)).start() if sinks else None
    server = FeedServer(speed=speed).start()
    try:
        config_path = out_dir / "config.yaml"
        config = demo_config(
            server,
            speed=speed,
            slack_url=slack.url if slack else None,
            smtp_port=smtp.port if smtp else None,
        )
        config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
        last = server.schedule()[-1].published
        echo(
            f"demo wire on {server.url}: {len(server.schedule())} dispatches over "
            f"{(last - server.epoch).total_seconds():.0f}s in {len(config['feeds'])} feeds "
            f"(one of them broken)"
        )
        echo(f"daemon: wirewatch --config {config_path} run\n")
        daemon = subprocess.Popen(
            wirewatch_command(config_path, "run"),
            stdin=subprocess.DEVNULL,
        )
        code = _watch(daemon, out_dir / "wirewatch-demo.db", last, echo)
        _print_results(config_path, echo)
        return code
    finally:
        server.stop()
        for sink in (slack, smtp):
            if sink is not None:
                sink.stop()


def wirewatch_command(config_path: Path, *args: str) -> list[str]:
    """``wirewatch --config CONFIG ARGS`` in this Python, quiet but for warnings."""
    return [
        sys.executable,
        "-m",
        "crawler.cli",
        "--config",
        str(config_path),
        "--log-level",
        "WARNING",
        *args,
    ]


def _watch(
    daemon: subprocess.Popen, db_path: Path, last_publication: datetime, echo: Callable[[str], None]
) -> int:
    seen: dict[int, tuple[int, str, int]] = {}
    started = time.monotonic()
    try:
        while daemon.poll() is None:
            time.sleep(REPORT_EVERY_S)
            if db_path.exists():
                _report_changes(db_path, seen, time.monotonic() - started, echo)
            settled = (datetime.now(timezone.utc) - last_publication).total_seconds() > SETTLE_S
            if settled:
                break
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(timeout=DAEMON_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            daemon.kill()
            code = daemon.wait()
    echo(f"\ndaemon stopped (exit code {code})")
    return code


def _report_changes(
    db_path: Path,
    seen: dict[int, tuple[int, str, int]],
    elapsed_s: float,
    echo: Callable[[str], None],
) -> None:
    with Store(db_path) as store:
        rows = store.query(
            "SELECT i.id, i.title, i.place_name, i.attack_type, i.languages, i.articles,"
            " i.sources, i.version, (SELECT group_concat(t.counter || ' #' || t.ordinal, ', ')"
            " FROM counter_ticks t WHERE t.incident_id = i.id) AS counters"
            " FROM incidents i WHERE i.merged_into IS NULL ORDER BY i.id"
        )
    for row in rows:
        state = (row["articles"], row["languages"], row["version"])
        before = seen.get(row["id"])
        if before == state:
            continue
        seen[row["id"]] = state
        stamp = f"[{elapsed_s:5.0f}s]"
        if before is None:
            echo(
                f"{stamp} NEW incident {row['id']}: {row['attack_type']} at {row['place_name']}"
                f" — {row['counters'] or 'no counter'}"
            )
        else:
            echo(
                f"{stamp} incident {row['id']} merged: {row['articles']} reports from "
                f"{row['sources']} sources in {row['languages']} (version {row['version']})"
            )


def _sink_line(echo: Callable[[str], None], channel: str, message: Received) -> None:
    echo(f"  -> {channel} sink received: {message.summary}")


def _print_results(config_path: Path, echo: Callable[[str], None]) -> None:
    for args in (["incidents"], ["counters"]):
        result = subprocess.run(
            wirewatch_command(config_path, *args),
            capture_output=True,
            text=True,
        )
        echo("\n" + result.stdout.rstrip())
    echo(f"\nbrowse the result: wirewatch --config {config_path} browse")
