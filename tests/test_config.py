"""config.yaml validation: the shipped default loads, and every kind of mistake is reported once,
on one line with its dotted path, all at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from crawler.config import config_from_dict, load_config, parse_duration, parse_size
from crawler.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def problems_of(text: str, write_config, **environ) -> list[str]:
    path = write_config(text)
    with pytest.MonkeyPatch.context() as mp:
        for key in ("SMTP_PASSWORD", "SLACK_WEBHOOK_URL"):
            mp.delenv(key, raising=False)
        for key, value in environ.items():
            mp.setenv(key, value)
        with pytest.raises(ConfigError) as info:
            load_config(path)
    return info.value.problems


def test_shipped_default_config_is_valid(monkeypatch):
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    config = load_config(ROOT / "config.yaml")
    languages = {f.language for f in config.feeds}
    assert languages == {"fr", "en", "ar"}
    assert any("news.google.com" in f.url for f in config.feeds if f.language == "ar")
    assert [c.type for c in config.enabled_channels] == ["console"]
    (counter,) = config.counters
    assert counter.since.isoformat() == "2019-10-28" and counter.filter.us_interest is True
    # Secrets of disabled channels stay unexpanded and hidden.
    email = next(c for c in config.alerts.channels if c.type == "email")
    assert "SMTP_PASSWORD" not in str(email) and "SMTP_PASSWORD" not in repr(config)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "feeds:\n - {name: a, url: 'https://x.org/rss', interval: often}\n",
            'config.yaml: feeds[0].interval: expected a duration like "5m", got "often"',
        ),
        (
            "feeds:\n - {name: a, url: 'ftp://x.org/rss'}\n",
            'config.yaml: feeds[0].url: expected an http://, https:// or file:// URL, got "ftp://x.org/rss"',
        ),
        (
            "feeds:\n - {name: a, url: 'https://x.org/rss', colour: red}\n",
            "config.yaml: feeds[0].colour: unknown key",
        ),
        ("databse: x.db\n", "config.yaml: databse: unknown key"),
        (
            "feeds:\n - {name: a, url: 'https://x.org/rss', cron: '61 * * * *'}\n",
            "config.yaml: feeds[0].cron: expected a 5-field cron expression",
        ),
        (
            "feeds:\n - {name: a, url: 'https://x.org/a'}\n - {name: a, url: 'https://x.org/b'}\n",
            'config.yaml: feeds[1].name: duplicate name "a" (already used by feeds[0])',
        ),
        (
            "fetch: {concurrent_per_host: many}\n",
            "config.yaml: fetch.concurrent_per_host: input should be a valid integer",
        ),
        (
            "fetch: {max_feed_size: huge}\n",
            'config.yaml: fetch.max_feed_size: expected a size like "10MiB", got "huge"',
        ),
        (
            "counters:\n - {name: c, since: yesterday}\n",
            "config.yaml: counters[0].since: input should be a valid date",
        ),
        (
            "counters:\n - {name: c, since: 2019-10-28, filter: {targets: [moon]}}\n",
            "config.yaml: counters[0].filter.targets[0]: expected 'us_embassy'",
        ),
        (
            "counters:\n - {name: c, since: 2019-10-28, filter: {governorates: [Bagdad]}}\n",
            "config.yaml: counters[0].filter.governorates[0]: expected one of Baghdad, Basra,",
        ),
        (
            "alerts:\n  channels:\n   - {name: p, type: pager}\n",
            'config.yaml: alerts.channels[0]: expected type to be one of console, email, slack, webhook, apprise, got "pager"',
        ),
        (
            "alerts:\n  channels:\n   - {name: s, type: slack, webhook_url: 'not a url'}\n",
            "config.yaml: alerts.channels[0].webhook_url: expected an http:// or https:// URL (value not shown: it is a secret)",
        ),
        (
            "alerts:\n  channels:\n   - {name: m, type: email, host: h, from: a@b.c, to: [d@e.f], password: '${SMTP_PASSWORD}'}\n",
            "config.yaml: alerts.channels[0].password: environment variable SMTP_PASSWORD is not set",
        ),
        (
            "feeds: [\n",
            "config.yaml: not valid YAML at line 2",
        ),
        ("- just\n- a list\n", "config.yaml: expected a mapping of settings at the top, got list"),
    ],
    ids=[
        "bad-duration",
        "bad-url",
        "unknown-feed-key",
        "unknown-top-key",
        "bad-cron",
        "duplicate-feed-names",
        "bad-type",
        "bad-size",
        "bad-date",
        "bad-target",
        "bad-governorate",
        "bad-channel-type",
        "bad-secret-url",
        "missing-secret",
        "not-yaml",
        "not-a-mapping",
    ],
)
def test_each_mistake_gives_one_line(text, expected, write_config):
    problems = problems_of(text, write_config)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]
    assert "\n" not in problems[0]


def test_every_error_is_reported_at_once(write_config):
    text = """
    feeds:
      - {name: a, url: "https://x.org/rss", interval: often}
      - {name: a, url: "gopher://x"}
    alerts:
      channels:
        - {name: m, type: email, host: h, from: a@b.c, to: [d@e.f], password: "${SMTP_PASSWORD}"}
    """
    problems = problems_of(text, write_config)
    assert len(problems) == 4
    assert {p.split(":")[1].strip() for p in problems} == {
        "feeds[0].interval",
        "feeds[1].url",
        "feeds[1].name",
        "alerts.channels[0].password",
    }


def test_disabled_channel_may_leave_its_secret_unset(write_config, monkeypatch):
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    path = write_config(
        "alerts:\n  channels:\n   - {name: s, type: slack, enabled: false, webhook_url: '${SLACK_WEBHOOK_URL}'}\n"
    )
    assert load_config(path).enabled_channels == ()


def test_secret_comes_from_the_environment_and_is_never_shown(write_config, monkeypatch):
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.example.org/T000/B000/very-secret")
    path = write_config(
        "alerts:\n  channels:\n   - {name: s, type: slack, webhook_url: '${SLACK_WEBHOOK_URL}'}\n"
    )
    config = load_config(path)
    channel = config.alerts.channels[0]
    assert channel.webhook_url.get_secret_value().endswith("very-secret")
    assert "very-secret" not in repr(config) and "very-secret" not in str(channel)


def test_config_is_frozen(write_config):
    config = load_config(write_config())
    with pytest.raises(ValidationError, match="frozen"):
        config.feeds[0].name = "other"  # type: ignore[misc]


def test_relative_database_path_is_relative_to_the_config_file(write_config, tmp_path):
    config = load_config(write_config())
    assert config.database == tmp_path / "wirewatch.db"


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    assert "nope.yaml: file not found" in info.value.problems[0]


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("5m", 300), ("36h", 129600), ("7d", 604800), (90, 90)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("text", "size"), [("10MiB", 10 * 2**20), ("512KB", 512_000), (42, 42)])
def test_sizes(text, size):
    assert parse_size(text) == size


def test_interval_and_cron_together_are_refused():
    with pytest.raises(ConfigError) as info:
        config_from_dict(
            {
                "feeds": [
                    {"name": "a", "url": "https://x.org", "interval": "5m", "cron": "* * * * *"}
                ]
            }
        )
    assert info.value.problems == ["config.yaml: feeds[0]: give either interval or cron, not both"]
