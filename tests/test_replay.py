"""`wirewatch replay DIR`: saved feeds go through the whole pipeline; an archive's old incidents
are stored but raise no alert (alerts.first_run_max_age), a fresh one does."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import main
from crawler.storage import Store

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Saved wire</title><link>https://wire.example.org/</link>
<item><title>Rockets hit near US embassy in Baghdad, no casualties</title>
<link>https://wire.example.org/2020/embassy</link><guid>embassy-2020</guid>
<pubDate>{old}</pubDate>
<description>BAGHDAD (AFP) - Several rockets struck near the US embassy in Baghdad's Green Zone
early on Sunday, a security source said, without causing casualties.</description></item>
<item><title>Roadside bomb kills two Iraqi soldiers near Fallujah</title>
<link>https://wire.example.org/now/fallujah</link><guid>fallujah-now</guid>
<pubDate>{fresh}</pubDate>
<description>FALLUJAH (AFP) - A roadside bomb struck an Iraqi army patrol near Fallujah,
killing two soldiers and wounding three others, a security official said.</description></item>
</channel></rss>
"""


def saved_wire(tmp_path: Path, embassy_published: datetime, now: datetime) -> Path:
    """A directory holding one saved feed: the embassy rockets at the given time, and the
    Fallujah bomb an hour before ``now``."""
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "wire.xml").write_text(
        RSS.format(
            old=format_datetime(embassy_published),
            fresh=format_datetime(now - timedelta(hours=1)),
        ),
        encoding="utf-8",
    )
    return archive


def test_replay_stores_the_archive_and_alerts_only_on_fresh_incidents(write_config, tmp_path):
    now = datetime.now(timezone.utc)
    archive = saved_wire(tmp_path, datetime(2020, 2, 16, 3, 10, tzinfo=timezone.utc), now)
    config = write_config()
    result = CliRunner().invoke(
        main, ["--config", str(config), "replay", str(archive)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "articles new: 2" in result.output
    with Store(tmp_path / "wirewatch.db") as store:
        incidents = store.query("SELECT id, place_name FROM incidents ORDER BY event_time")
        alerts = store.query("SELECT incident_id, kind FROM alerts")
    assert len(incidents) == 2
    fresh = incidents[-1]
    assert fresh["place_name"] == "Fallujah"
    assert alerts == [{"incident_id": fresh["id"], "kind": "new"}]


def test_corrections_reprocess_and_the_outbox_from_the_command_line(write_config, tmp_path):
    now = datetime.now(timezone.utc)
    archive = saved_wire(tmp_path, now - timedelta(hours=2), now)
    config = write_config()

    def wirewatch(*args: str) -> str:
        result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    wirewatch("replay", str(archive))
    incidents = [json.loads(line) for line in wirewatch("incidents", "--json").splitlines()]
    assert len(incidents) == 2
    keep, other = sorted(row["id"] for row in incidents)

    assert "merged into" in wirewatch("incidents", "merge", str(keep), str(other))
    assert len(wirewatch("incidents", "--json").splitlines()) == 1
    assert "2 articles reprocessed" in wirewatch("reprocess", "--yes")
    assert len(wirewatch("incidents", "--json").splitlines()) == 1  # the merge survived

    with Store(tmp_path / "wirewatch.db") as store:
        articles = [r["id"] for r in store.query("SELECT id FROM articles ORDER BY id")]
    assert "created from 1 article" in wirewatch("incidents", "split", str(keep), str(articles[1]))
    assert len(wirewatch("incidents", "--json").splitlines()) == 2

    outbox = wirewatch("alerts")
    assert "console" in outbox and "sent" in outbox
    assert "0 alert(s) queued again" in wirewatch("alerts", "retry")
    history = wirewatch("counters", "--history", "us-interests-iraq").splitlines()
    assert len(history) == 3  # header, rule, the embassy rockets: the Fallujah bomb is not US
    assert history[2].split()[0] == "19" and "embassy" in history[2].lower()


def test_replay_reads_an_archive_tree_and_counts_files_read_and_skipped(write_config, tmp_path):
    now = datetime.now(timezone.utc)
    flat = saved_wire(tmp_path, now - timedelta(hours=3), now)
    archive = tmp_path / "tree"
    for day in ("2020/02/16", "2020/02/17"):
        (archive / day).mkdir(parents=True)
    (flat / "wire.xml").rename(archive / "2020/02/16/wire.xml")
    second = RSS.replace("embassy-2020", "embassy-later").replace("fallujah-now", "fallujah-later")
    (archive / "2020/02/17/wire.xml").write_text(
        second.format(
            old=format_datetime(now - timedelta(hours=2)),
            fresh=format_datetime(now - timedelta(minutes=30)),
        ),
        encoding="utf-8",
    )
    (archive / "2020/02/17/notes.txt").write_text("not a feed at all", encoding="utf-8")
    (archive / ".cache").mkdir()
    (archive / ".cache/wire.xml").write_text("hidden: never read", encoding="utf-8")
    config = write_config()
    result = CliRunner().invoke(
        main, ["--config", str(config), "replay", str(archive)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "files read: 2, skipped: 1" in result.output
    assert "articles new: 4" in result.output
