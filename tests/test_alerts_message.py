"""Pure parts of the alerts: message wording, escaping helpers, retry decisions, HTTP answers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.alerts.dispatch import claim_lease, retry_at
from crawler.alerts.http import parse_retry_after, status_error
from crawler.alerts.message import (
    casualties_text,
    headline,
    map_url,
    ordinal_word,
    place_text,
    safe_url,
    time_text,
    update_text,
)
from crawler.alerts.smtp import message_id, sender_domain
from crawler.alerts.templates import one_line, slack_escape, slack_link
from crawler.config import AlertsConfig
from crawler.errors import AlertError

NOW = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            (20, "rocket", "Green Zone, Baghdad", "us_embassy", "t"),
            "#20 Rocket attack — Green Zone, Baghdad — US embassy",
        ),
        ((None, "ied", "Ramadi, Anbar", None, "t"), "Roadside bomb (IED) — Ramadi, Anbar"),
        ((None, None, None, None, "Blast heard in Basra"), "Blast heard in Basra"),
        ((3, "drone", None, "other", "t"), "#3 Drone attack"),
        ((None, None, None, None, ""), "Security incident"),
    ],
)
def test_headline(args, expected):
    assert headline(*args) == expected


@pytest.mark.parametrize(
    ("place", "governorate", "expected"),
    [
        ("Green Zone", "Baghdad", "Green Zone, Baghdad"),
        ("Baghdad", "Baghdad", "Baghdad"),
        (None, "Anbar", "Anbar"),
        (None, None, None),
    ],
)
def test_place_text(place, governorate, expected):
    assert place_text(place, governorate) == expected


def test_time_text_gives_utc_and_baghdad_time():
    moment = datetime(2020, 2, 16, 0, 30, tzinfo=timezone.utc)
    assert time_text(moment, "hour") == "2020-02-16 00:30 UTC (03:30 Baghdad)"


def test_time_text_names_the_baghdad_day_when_it_differs():
    moment = datetime(2020, 2, 15, 22, 10, tzinfo=timezone.utc)
    assert time_text(moment, "hour") == "2020-02-15 22:10 UTC (2020-02-16 01:10 Baghdad)"


def test_time_text_without_hour_or_time():
    assert time_text(datetime(2020, 2, 16, tzinfo=timezone.utc), "day") == (
        "2020-02-16 (hour not stated)"
    )
    assert time_text(None, "unknown") == "time not stated"


@pytest.mark.parametrize(
    ("killed", "wounded", "expected"),
    [
        (None, None, "casualties not stated"),
        (0, 0, "no casualties"),
        (0, None, "no casualties"),
        (3, None, "3 killed"),
        (None, 5, "5 wounded"),
        (3, 5, "3 killed, 5 wounded"),
    ],
)
def test_casualties_text_keeps_not_stated_apart_from_zero(killed, wounded, expected):
    assert casualties_text(killed, wounded) == expected


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (19, "19th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th"), (112, "112th")],
)  # fmt: skip
def test_ordinal_word(n, word):
    assert ordinal_word(n) == word


def test_update_text_for_casualties_and_other_fields():
    assert update_text(({"field": "killed", "old": 1, "new": 3},)) == (
        "Update: casualties now 3 killed (was 1)"
    )
    changes = (
        {"field": "killed", "old": None, "new": 2},
        {"field": "wounded", "old": 1, "new": 4},
        {"field": "attack_type", "old": "rocket", "new": "drone"},
    )
    assert update_text(changes) == (
        "Update: casualties now 2 killed (was not stated), 4 wounded (was 1);"
        " type now Drone attack (was Rocket attack)"
    )
    assert update_text(()) == "Update: new reports"


def test_map_url_points_at_openstreetmap():
    assert map_url(33.3009, 44.3958) == (
        "https://www.openstreetmap.org/?mlat=33.30090&mlon=44.39580#map=14/33.30090/44.39580"
    )
    assert map_url(None, 44.0) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://wire.example/a?b=1", "https://wire.example/a?b=1"),
        ("http://wire.example/a", "http://wire.example/a"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//wire.example/a", None),
        (None, None),
    ],
)
def test_safe_url_keeps_http_only(url, expected):
    assert safe_url(url) == expected


def test_slack_escaping_neutralises_mentions_and_links():
    assert slack_escape("<!channel> <@U123> <http://evil|click> & co") == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil|click&gt; &amp; co"
    )
    assert slack_link("https://a.example/x?y=1&z=2", "Title <b>|x") == (
        "<https://a.example/x?y=1&amp;z=2|Title &lt;b&gt;¦x>"
    )
    assert slack_link("javascript:alert(1)", "click") == "click"
    assert slack_link("https://a.example/a|b>c", "t") == "<https://a.example/a%7Cb%3Ec|t>"


def test_one_line_removes_line_breaks_and_controls():
    assert one_line("Blast\r\nBcc: victim@example.org\x1b[31m", 100) == (
        "Blast Bcc: victim@example.org [31m"
    )
    assert one_line("a" * 50, 10) == "aaaaaaaaa…"


def test_message_id_is_stable_and_per_key():
    key = "incident:20:email:v2"
    assert message_id(key, "example.org") == "<wirewatch.incident-20.email.v2@example.org>"
    assert message_id(key, "example.org") != message_id("incident:20:email:v1", "example.org")
    assert sender_domain("Wirewatch <alerts@example.org>") == "example.org"
    assert sender_domain("nobody") == "wirewatch.invalid"


SETTINGS = AlertsConfig(
    max_attempts=5, retry_base=timedelta(seconds=30), retry_max=timedelta(minutes=10)
)


@pytest.mark.parametrize(
    ("attempts", "low_s", "high_s"), [(1, 15, 30), (2, 30, 60), (3, 60, 120), (4, 120, 240)]
)
def test_retry_backoff_doubles_with_jitter(attempts, low_s, high_s):
    error = AlertError("HTTP 500")
    assert retry_at(attempts, error, NOW, SETTINGS, rand=0.0) == NOW + timedelta(seconds=low_s)
    almost_one = 0.999999
    late = retry_at(attempts, error, NOW, SETTINGS, rand=almost_one)
    assert NOW + timedelta(seconds=low_s) < late < NOW + timedelta(seconds=high_s)


def test_retry_backoff_is_capped():
    settings = AlertsConfig(max_attempts=20, retry_max=timedelta(minutes=10))
    assert retry_at(15, AlertError("x"), NOW, settings, rand=0.0) == NOW + timedelta(minutes=5)


def test_retry_honours_retry_after_up_to_the_cap():
    asked = AlertError("HTTP 429", retry_after_s=1)
    assert retry_at(1, asked, NOW, SETTINGS, rand=0.7) == NOW + timedelta(seconds=1)
    greedy = AlertError("HTTP 429", retry_after_s=86400)
    assert retry_at(1, greedy, NOW, SETTINGS, rand=0.7) == NOW + timedelta(minutes=10)


def test_no_retry_after_a_permanent_error_or_the_last_attempt():
    assert retry_at(1, AlertError("HTTP 404", permanent=True), NOW, SETTINGS, 0.5) is None
    assert retry_at(5, AlertError("HTTP 500"), NOW, SETTINGS, 0.5) is None
    assert retry_at(4, AlertError("HTTP 500"), NOW, SETTINGS, 0.5) is not None


def test_claim_lease_outlives_several_timeouts():
    assert claim_lease(20) == timedelta(seconds=110)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        (" 120 ", 120.0),
        ("Sun, 16 Feb 2020 01:00:30 GMT", 30.0),
        ("Sun, 16 Feb 2020 00:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(500, False), (502, False), (503, False), (429, False), (408, False), (404, True),
     (400, True), (403, True), (410, True), (301, True), (302, True)],
)  # fmt: skip
def test_status_error_says_whether_to_retry(status, permanent):
    error = status_error(status, "no_service", None, NOW)
    assert error.permanent is permanent
    assert str(error).startswith(f"HTTP {status}: no_service")


def test_status_error_carries_retry_after():
    assert status_error(429, "", "7", NOW).retry_after_s == 7.0
