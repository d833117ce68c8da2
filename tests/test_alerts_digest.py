"""The daily digest through the outbox: due days, exactly once per channel and day across
restarts, late rather than never, empty days said in one line or skipped, and what it says."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from crawler.alerts import dispatch_due
from crawler.alerts.channels import build_senders
from crawler.alerts.digest import CATCH_UP_DAYS, due_digest_days
from crawler.config import config_from_dict
from crawler.storage import Store, iso
from tests.alerts_fixtures import HttpSink

BAGHDAD_7AM = "07:00 Asia/Baghdad"  # 04:00 UTC
DAY = date(2024, 5, 2)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


def console_config(**channel):
    return config_from_dict(
        {
            "alerts": {
                "retry_base": "10s",
                "channels": [{"name": "desk", "type": "console", "digest": BAGHDAD_7AM, **channel}],
            }
        }
    )


def console(config) -> tuple[dict, io.StringIO]:
    stream = io.StringIO()
    return build_senders(config, stream=stream), stream


def seed_day(store: Store, day: date) -> None:
    """Two incidents first seen in the 24 hours to 07:00 Baghdad on ``day`` (one counted, with a
    tally mismatch), one seen before, and a feed that failed twice."""
    store.sync_counters(
        [
            {
                "name": "us",
                "description": "Attacks on US interests",
                "since": "2019-10-28",
                "start": 18,
                "filter": {},
            }
        ]
    )
    seen = utc(day, 1)
    rows = [
        (1, "Rockets hit near US embassy", "Baghdad", "US embassy", "rocket", 0, 2, seen),
        (2, "Roadside bomb kills two soldiers", "Anbar", "Fallujah", "ied", 2, 3, seen),
        (
            3,
            "Old news from the week before",
            "Basra",
            "Basra",
            "shooting",
            1,
            0,
            seen - timedelta(days=7),
        ),
    ]
    for id_, title, gov, place, kind, killed, wounded, first in rows:
        store.db["incidents"].insert(
            {
                "id": id_,
                "title": title,
                "event_time": iso(first),
                "time_precision": "hour",
                "place_name": place,
                "governorate": gov,
                "attack_type": kind,
                "killed": killed,
                "wounded": wounded,
                "first_seen": iso(first),
                "updated": iso(first),
            }
        )
    store.db["counter_ticks"].insert(
        {
            "counter": "us",
            "incident_id": 1,
            "ordinal": 20,
            "assigned_at": iso(seen),
            "reported": 19,
            "mismatch": 1,
        }
    )
    store.db["feeds"].insert({"name": "wire", "url": "https://wire.example.org/rss"})
    for minutes in (0, 30):
        store.db["polls"].insert(
            {
                "feed": "wire",
                "started": iso(seen + timedelta(minutes=minutes)),
                "duration_s": 1.0,
                "status": "error",
                "error": "HTTP 503",
            }
        )


@pytest.fixture
def db(tmp_path):
    return tmp_path / "wirewatch.db"


def test_due_days_catch_up_after_downtime_but_not_at_first():
    assert due_digest_days(BAGHDAD_7AM, utc(DAY, 3, 59), None) == [
        (DAY - timedelta(days=1), utc(DAY - timedelta(days=1), 4))
    ]
    assert due_digest_days(BAGHDAD_7AM, utc(DAY, 4, 0), None) == [(DAY, utc(DAY, 4))]
    assert due_digest_days(BAGHDAD_7AM, utc(DAY, 12), DAY) == []
    later = DAY + timedelta(days=10)
    days = [d for d, _ in due_digest_days(BAGHDAD_7AM, utc(later, 12), DAY)]
    assert days == [later - timedelta(days=n) for n in range(CATCH_UP_DAYS - 1, -1, -1)]
    assert [d for d, _ in due_digest_days("07:00 UTC", utc(DAY, 8), DAY - timedelta(days=2))] == [
        DAY - timedelta(days=1),
        DAY,
    ]


def test_restarting_across_the_digest_hour_sends_exactly_one(db):
    config = console_config()
    with Store(db) as store:
        seed_day(store, DAY)
        store.db["alerts"].delete_where()
        # The day before was sent: a restart today must not bring it back.
        senders, stream = console(config)
        dispatch_due(store, config, utc(DAY - timedelta(days=1), 4, 1), channels=senders)
        dispatch_due(store, config, utc(DAY, 3, 58), channels=senders)
        assert stream.getvalue().count("Daily digest") == 1
    for minute in (1, 2, 30):  # three runs, each a new process on the same file
        with Store(db) as store:
            senders, stream = console(config)
            dispatch_due(store, config, utc(DAY, 4, minute), channels=senders)
            sent_now = stream.getvalue().count(f"Daily digest {DAY}")
            assert sent_now == (1 if minute == 1 else 0)
    with Store(db) as store:
        digests = store.query("SELECT key, state FROM alerts WHERE kind = 'digest' ORDER BY key")
    assert digests == [
        {"key": f"digest:desk:{DAY - timedelta(days=1)}", "state": "sent"},
        {"key": f"digest:desk:{DAY}", "state": "sent"},
    ]


def test_the_digest_says_what_happened_in_its_24_hours(db):
    config = console_config()
    with Store(db) as store:
        seed_day(store, DAY)
        senders, stream = console(config)
        dispatch_due(store, config, utc(DAY, 4, 5), channels=senders)
    text = stream.getvalue()
    assert f"=== Daily digest {DAY}: 2 new incidents, 2 killed, 5 wounded ===" in text
    assert "24 hours to 2024-05-02 07:00 (Asia/Baghdad)" in text
    assert "By governorate: Baghdad: 1, Anbar: 1" in text
    assert "By type: Rocket attack: 1, Roadside bomb (IED): 1" in text
    assert "Counter Attacks on US interests: +1, now #20 (1 tally mismatch)" in text
    assert "the articles say 19th, we count #20: Rockets hit near US embassy" in text
    assert "Roadside bomb (IED) — Fallujah, Anbar — 2 killed, 3 wounded" in text
    assert "Old news" not in text
    assert "wire: 2 failed polls, last: HTTP 503" in text


def test_a_channel_down_at_digest_time_gets_it_later(db):
    sink = HttpSink()
    try:
        config = config_from_dict(
            {
                "alerts": {
                    "retry_base": "10s",
                    "channels": [
                        {"name": "hook", "type": "webhook", "url": sink.url, "digest": BAGHDAD_7AM}
                    ],
                }
            }
        )
        sink.script.extend([503, 503])
        with Store(db) as store:
            seed_day(store, DAY)
            first = dispatch_due(store, config, utc(DAY, 4, 1))
            assert first.retrying == 1 and first.sent == 0
            # Its retry is not due yet.
            second = dispatch_due(store, config, utc(DAY, 4, 1) + timedelta(seconds=2))
            assert second.sent == 0 and len(sink.received) == 1
            later = dispatch_due(store, config, utc(DAY, 5))
            assert later.retrying == 1
            done = dispatch_due(store, config, utc(DAY, 6))
            assert done.sent == 1
        bodies = [r["body"] for r in sink.received]
        assert len(bodies) == 3 and bodies[-1]["kind"] == "digest"
        assert bodies[-1]["headline"].startswith(f"Daily digest {DAY}: 2 new incidents")
        assert {r["headers"]["Idempotency-Key"] for r in sink.received} == {f"digest:hook:{DAY}"}
    finally:
        sink.close()


def test_a_daemon_down_at_digest_time_sends_the_missed_days_late(db):
    config = console_config()
    with Store(db) as store:
        senders, stream = console(config)
        dispatch_due(store, config, utc(DAY, 4, 1), channels=senders)
        # Down for two days and a half: back at noon, the two missed digests go out.
        dispatch_due(store, config, utc(DAY + timedelta(days=2), 9), channels=senders)
    text = stream.getvalue()
    for offset in range(3):
        assert f"Daily digest {DAY + timedelta(days=offset)}: no new incident" in text


def test_an_empty_day_is_one_line_or_skipped(db):
    with Store(db) as store:
        config = console_config()
        senders, stream = console(config)
        dispatch_due(store, config, utc(DAY, 4, 1), channels=senders)
    assert stream.getvalue().strip().splitlines() == [
        f"Daily digest {DAY}: no new incident and no failed feed in the 24 hours to"
        " 2024-05-02 07:00 (Asia/Baghdad)."
    ]

    config = console_config(digest_empty="skip")
    with Store(db.with_name("skip.db")) as store:
        senders, stream = console(config)
        dispatch_due(store, config, utc(DAY, 4, 1), channels=senders)
        assert stream.getvalue() == ""
        assert store.query("SELECT count(*) AS n FROM alerts") == [{"n": 0}]
        seed_day(store, DAY + timedelta(days=1))
        dispatch_due(store, config, utc(DAY + timedelta(days=1), 4, 1), channels=senders)
    assert f"Daily digest {DAY + timedelta(days=1)}: 2 new incidents" in stream.getvalue()


def test_email_and_slack_digests_escape_feed_text(db):
    from crawler.alerts.dispatch import compose
    from crawler.alerts.slack import SlackSender
    from crawler.alerts.smtp import EmailSender

    config = config_from_dict(
        {
            "alerts": {
                "channels": [
                    {
                        "name": "mail",
                        "type": "email",
                        "host": "127.0.0.1",
                        "from": "a@b.org",
                        "to": ["c@d.org"],
                        "digest": BAGHDAD_7AM,
                    },
                    {
                        "name": "chat",
                        "type": "slack",
                        "webhook_url": "https://hooks.example.org/x",
                        "digest": BAGHDAD_7AM,
                    },
                ]
            }
        }
    )
    with Store(db) as store:
        seed_day(store, DAY)
        store.db["incidents"].update(1, {"title": "<script>x</script> <!channel>"})
        store.db["alerts"].delete_where()
        from crawler.alerts.digest import enqueue_due_digests

        assert enqueue_due_digests(store, config, utc(DAY, 4, 1), ["mail", "chat"]) == 2
        alerts = {a["channel"]: store.alert(a["id"]) for a in store.query("SELECT * FROM alerts")}
        mail = compose(store, alerts["mail"], utc(DAY, 4, 1))
        chat = compose(store, alerts["chat"], utc(DAY, 4, 1))
    email = EmailSender(config.alerts.channels[0]).compose(mail)
    assert email["Subject"].startswith(f"[wirewatch] Daily digest {DAY}")
    html = email.get_body(("html",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html
    payload = json.dumps(SlackSender(config.alerts.channels[1]).payload(chat))
    assert "&lt;!channel&gt;" in payload and "<!channel>" not in payload
