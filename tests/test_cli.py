"""The command line: every command documented and helpful, init/status on a fresh database,
bad configs rejected with exit 2 and no traceback, exports in three formats."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.pipeline import process_pending
from crawler.storage import Store
from crawler.types import Extraction, ReportedTally
from tests.pipeline_fixtures import (
    AIN_AL_ASAD,
    EMBASSY,
    ScriptedExtractor,
    add_article,
    attack,
    make_config,
    utc,
)

ROOT = Path(__file__).resolve().parents[1]


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append(prefix + (name,))
        if isinstance(command, click.Group):
            found += all_commands(command, prefix + (name,))
    return found


COMMANDS = all_commands(main)


def invoke(config: Path, *args: str):
    return CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    target: click.Command = main
    for name in command:
        target = target.commands[name]  # type: ignore[attr-defined]
    short_help = target.get_short_help_str()
    assert short_help, f"{command} has no help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"wirewatch {' '.join(command)}" in readme, f"README does not document {command}"


def test_top_level_help_lists_the_commands():
    result = CliRunner().invoke(main, ["--help"])
    for name in ("init", "status", "incidents", "counters", "export", "browse"):
        assert f"  {name} " in result.output


def test_init_then_status_on_the_shipped_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text((ROOT / "config.yaml").read_text(encoding="utf-8"))
    runner = CliRunner()
    result = runner.invoke(main, ["init"], catch_exceptions=False)
    assert result.exit_code == 0 and "database ready" in result.output
    assert (tmp_path / "wirewatch.db").exists()
    result = runner.invoke(main, ["status"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "france24-fr-moyen-orient" in result.output
    assert "us-interests-iraq" in result.output
    assert "daemon:   never run" in result.output


def test_bad_config_exits_2_with_one_line_per_error_and_no_traceback(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("feeds:\n - {name: a, url: 'https://x.org', interval: often, colour: red}\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        'config.yaml: feeds[0].interval: expected a duration like "5m", got "often"',
        "config.yaml: feeds[0].colour: unknown key (check its spelling against the project's config.yaml)",
    ]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not (tmp_path / "wirewatch.db").exists()  # nothing started


def test_status_never_shows_secrets(write_config, monkeypatch):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.example.org/services/T0/B0/topsecret")
    config = write_config(
        "alerts:\n  channels:\n   - {name: slack, type: slack, webhook_url: '${SLACK_WEBHOOK_URL}'}\n"
    )
    result = invoke(config, "status")
    assert result.exit_code == 0
    assert "topsecret" not in result.output and "slack (slack)" in result.output


def seed_incident(db: Path) -> None:
    now = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc).isoformat()
    with Store(db) as store:
        store.db["incidents"].insert(
            {
                "id": 1,
                "title": "Rockets hit near US embassy in Baghdad",
                "event_time": now,
                "time_precision": "hour",
                "place_id": "site:us-embassy-baghdad",
                "place_name": "US embassy",
                "governorate": "Baghdad",
                "latitude": 33.298,
                "longitude": 44.396,
                "attack_type": "rocket",
                "target": "us_embassy",
                "us_interest": 1,
                "languages": "ar,en,fr",
                "sources": 5,
                "articles": 12,
                "first_seen": now,
                "updated": now,
            }
        )


def test_incidents_and_exports(write_config, tmp_path):
    config = write_config()
    seed_incident(tmp_path / "wirewatch.db")
    table = invoke(config, "incidents")
    assert "US embassy" in table.output and "rocket" in table.output
    lines = invoke(config, "incidents", "--json").output.strip().splitlines()
    assert json.loads(lines[0])["target"] == "us_embassy"

    rows = list(csv.DictReader(io.StringIO(invoke(config, "export", "--format", "csv").output)))
    assert rows[0]["place_name"] == "US embassy"
    data = json.loads(invoke(config, "export", "--format", "json").output)
    assert data[0]["attack_type"] == "rocket"
    geo = json.loads(invoke(config, "export", "--format", "geojson").output)
    (feature,) = geo["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [44.396, 33.298]}
    assert feature["properties"]["governorate"] == "Baghdad"


def test_counters_history_of_an_unknown_counter_is_a_usage_error(write_config):
    result = invoke(write_config(), "counters", "--history", "nope")
    assert result.exit_code == 2 and "no counter named 'nope'" in result.output


def test_counters_show_the_counts_articles_stated_beside_ours_then(write_config, tmp_path):
    """A round-up's count of the series is compared with the counter as it stood when the
    round-up was published; a count of attacks in Iraq and Syria is another series."""
    config = write_config()
    night = utc(2020, 2, 16, 0, 30)

    def count(n: int, at_least: bool, beyond_iraq: bool = False) -> Extraction:
        tally = ReportedTally(n, "attacks since Oct. 28", date(2019, 10, 28), True, False, at_least, beyond_iraq)  # fmt: skip
        return Extraction(relevant=False, score=0.1, lang="en", reported_tally=tally)

    extractor = ScriptedExtractor(
        {
            "rockets hit embassy": attack(EMBASSY, night),
            "round-up one": count(19, at_least=True),
            "rockets hit ain al-asad": attack(AIN_AL_ASAD, night + timedelta(days=1), target="us_military"),
            "round-up two": count(25, at_least=False),
            "round-up region": count(70, at_least=True, beyond_iraq=True),
        }
    )  # fmt: skip
    with Store(tmp_path / "wirewatch.db") as store:
        for hours, title in enumerate(extractor.table):
            add_article(store, title, night + timedelta(hours=1 + 12 * hours))
        process_pending(store, extractor, make_config(), night + timedelta(days=3))
    result = invoke(config, "counters")
    assert result.exit_code == 0, result.output
    table = result.output.split("counts stated by articles (latest 20):")[1]
    region, second, first = [line for line in table.splitlines() if line.startswith("2020-")]
    assert "at least 70" in region and region.endswith("another series")
    assert " 25 " in second and second.endswith("us-interests-iraq: 20, disagrees")
    assert "at least 19" in first and first.endswith("us-interests-iraq: 19, agrees")


def test_export_between_dates_and_in_acled_columns(write_config, tmp_path):
    config = write_config()
    seed_incident(tmp_path / "wirewatch.db")

    def acled(*args: str) -> list[dict[str, str]]:
        result = invoke(config, "export", "--format", "acled", *args)
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.output)))

    (row,) = acled("--since", "2020-02-16", "--until", "2020-02-16")
    assert row == {
        "event_id_cnty": "WW1",
        "event_date": "2020-02-16",
        "year": "2020",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "country": "Iraq",
        "admin1": "Baghdad",
        "location": "US embassy",
        "latitude": "33.298",
        "longitude": "44.396",
        "fatalities": "0",
        "source": "",
        "notes": "Rockets hit near US embassy in Baghdad Target: US embassy. Casualties not stated.",
    }
    assert acled("--since", "2020-02-17") == []
    assert acled("--until", "2020-02-15") == []
    bad = invoke(config, "export", "--since", "2020-02-17", "--until", "2020-02-16")
    assert bad.exit_code == 2 and "--since must be on or before --until" in bad.output
    bad = invoke(config, "export", "--since", "16/02/2020")
    assert bad.exit_code == 2 and "--since" in bad.output
