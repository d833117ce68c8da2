"""Slack and webhook channels against a real local HTTP server: 200, 429 with Retry-After,
500 then 200, a hang past the timeout, 404, a redirect; escaping; channel isolation."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta, timezone

import pytest

from crawler.alerts import dispatch_due, outbox_counts, outbox_rows, retry
from crawler.alerts.channels import build_senders
from crawler.config import config_from_dict
from crawler.storage import Store
from tests.alerts_fixtures import HttpSink, add_alerted_incident

NOW = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)
HOSTILE_TITLE = "<!channel> <@U123> look <http://evil.example|click here> & <script>x</script>"


@pytest.fixture
def sink():
    sink = HttpSink()
    yield sink
    sink.close()


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "wirewatch.db") as store:
        yield store


def http_config(sink: HttpSink, *, timeout: str = "5s", **alerts):
    return config_from_dict(
        {
            "alerts": {
                "retry_base": "10s",
                **alerts,
                "channels": [
                    {"name": "slack", "type": "slack", "webhook_url": sink.url, "timeout": timeout},
                    {
                        "name": "hook",
                        "type": "webhook",
                        "url": sink.url,
                        "timeout": timeout,
                        "headers": {"Authorization": "Bearer t0ken"},
                    },
                ],
            }
        }
    )


def slack_only(sink: HttpSink, **kwargs):
    config = http_config(sink, **kwargs)
    return config, {"slack": build_senders(config)["slack"]}


def test_slack_message_has_blocks_fallback_and_escaped_feed_text(store, sink):
    config, channels = slack_only(sink)
    add_alerted_incident(
        store,
        NOW,
        ("slack",),
        title=HOSTILE_TITLE,
        articles=(
            {
                "title": "<!here> pwned",
                "url": "javascript:alert(1)",
                "source": "AFP",
                "lang": "fr",
                "tally": 19,
            },
        ),
    )
    assert dispatch_due(store, config, NOW, channels=channels).sent == 1

    [body] = sink.delivered
    assert body["unfurl_links"] is False and body["unfurl_media"] is False
    assert body["text"].startswith("[wirewatch] #20 Rocket attack — Green Zone, Baghdad")
    header, main, sources = body["blocks"]
    assert header == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "#20 Rocket attack — Green Zone, Baghdad — US embassy",
        },
    }
    text = main["text"]["text"]
    assert "&lt;!channel&gt; &lt;@U123&gt; look &lt;http://evil.example|click here&gt;" in text
    assert "&amp; &lt;script&gt;" in text
    assert "<!channel>" not in text and "<http://evil" not in text
    assert "*When:* 2020-02-16 00:30 UTC (03:30 Baghdad)" in text
    assert "<https://www.openstreetmap.org/?mlat=33.30090&amp;mlon=44.39580" in text
    assert "|Green Zone, Baghdad>" in text
    assert "tally mismatch: AFP says 19th, we count #20" in text
    # A javascript: link from a feed is not linked, and its title is escaped.
    assert sources["text"]["text"] == "• &lt;!here&gt; pwned — AFP (fr)"


def test_429_with_retry_after_is_honoured_then_delivered(store, sink):
    config, channels = slack_only(sink)
    sink.script.append((429, {"Retry-After": "1"}))
    add_alerted_incident(store, NOW, ("slack",))

    summary = dispatch_due(store, config, NOW, channels=channels)
    assert summary.retrying == 1
    [row] = outbox_rows(store)
    assert row["next_attempt"].startswith("2020-02-16T01:00:01")
    assert (
        dispatch_due(store, config, NOW + timedelta(milliseconds=500), channels=channels).sent == 0
    )
    assert dispatch_due(store, config, NOW + timedelta(seconds=2), channels=channels).sent == 1
    assert len(sink.received) == 2 and len(sink.delivered) == 1


def test_500_then_200_is_retried_with_backoff(store, sink):
    config, channels = slack_only(sink)
    sink.script.append(500)
    add_alerted_incident(store, NOW, ("slack",))
    assert dispatch_due(store, config, NOW, channels=channels).retrying == 1
    assert "HTTP 500" in outbox_rows(store)[0]["last_error"]
    assert dispatch_due(store, config, NOW + timedelta(seconds=11), channels=channels).sent == 1
    assert len(sink.delivered) == 1


def test_a_hanging_server_times_out_and_is_retried(store, sink):
    config, channels = slack_only(sink, timeout="300ms")
    sink.script.append("hang")
    add_alerted_incident(store, NOW, ("slack",))
    assert dispatch_due(store, config, NOW, channels=channels).retrying == 1
    assert "no answer within 0.3s" in outbox_rows(store)[0]["last_error"]
    sink.release.set()
    assert dispatch_due(store, config, NOW + timedelta(minutes=1), channels=channels).sent == 1
    assert len(sink.delivered) == 1


def test_404_is_a_failure_and_retry_by_hand_delivers(store, sink):
    config, channels = slack_only(sink)
    sink.script.append(404)
    add_alerted_incident(store, NOW, ("slack",))
    assert dispatch_due(store, config, NOW, channels=channels).failed == 1
    assert outbox_rows(store, "failed")[0]["last_error"] == "HTTP 404: ok"
    assert retry(store, None, NOW) == 1
    assert dispatch_due(store, config, NOW, channels=channels).sent == 1
    assert len(sink.delivered) == 1


def test_a_redirect_is_not_followed(store, sink):
    config, channels = slack_only(sink)
    sink.script.append((302, {"Location": "file:///etc/passwd"}))
    add_alerted_incident(store, NOW, ("slack",))
    assert dispatch_due(store, config, NOW, channels=channels).failed == 1
    assert "redirects are not followed" in outbox_rows(store)[0]["last_error"]
    assert len(sink.received) == 1


def test_webhook_posts_the_incident_as_data_with_its_key(store, sink):
    config = http_config(sink)
    channels = {"hook": build_senders(config)["hook"]}
    incident_id = add_alerted_incident(store, NOW, ("hook",), title=HOSTILE_TITLE)
    assert dispatch_due(store, config, NOW, channels=channels).sent == 1
    [request] = sink.received
    assert request["headers"]["Idempotency-Key"] == f"incident:{incident_id}:hook:v1"
    assert request["headers"]["Authorization"] == "Bearer t0ken"
    body = request["body"]
    assert body["title"] == HOSTILE_TITLE  # JSON carries data as it is; the receiver escapes
    assert body["incident_id"] == incident_id
    assert body["counters"][0]["ordinal"] == 20 and body["counters"][0]["reported"] == 19
    assert [s["outlet"] for s in body["sources"]] == ["AFP", "Reuters"]
    assert (body["lat"], body["lon"]) == (33.3009, 44.3958)


def test_every_incident_arrives_once_per_channel_through_a_bad_spell(store, sink):
    config = http_config(sink, timeout="300ms", max_attempts=10)
    channels = build_senders(config)
    ids = [
        add_alerted_incident(store, NOW, ("slack", "hook"), ordinal=n, reported=n)
        for n in range(20, 24)
    ]
    sink.script.extend([500, (429, {"Retry-After": "1"}), "hang", 503, 502])
    moment = NOW
    for _ in range(20):
        dispatch_due(store, config, moment, channels=channels)
        moment += timedelta(minutes=5)
    sink.release.set()
    hook_keys = [b["key"] for b in sink.delivered if "key" in b]
    slack_headers = [b["blocks"][0]["text"]["text"] for b in sink.delivered if "blocks" in b]
    assert sorted(hook_keys) == sorted(f"incident:{i}:hook:v1" for i in ids)
    assert sorted(h.split()[0] for h in slack_headers) == ["#20", "#21", "#22", "#23"]
    assert outbox_counts(store)["sent"] == 8


def test_a_hanging_slack_does_not_delay_the_other_channels(store, sink):
    """While Slack hangs, the console channel of the same pass has already delivered."""
    stream = io.StringIO()
    config = config_from_dict(
        {
            "alerts": {
                "channels": [
                    {"name": "slack", "type": "slack", "webhook_url": sink.url, "timeout": "20s"},
                    {"name": "console", "type": "console"},
                ]
            }
        }
    )
    channels = build_senders(config, stream=stream)
    printed = threading.Event()
    console = channels["console"]
    original_send = console.send

    def send_and_tell(message):
        original_send(message)
        printed.set()

    console.send = send_and_tell
    sink.script.append("hang")
    add_alerted_incident(store, NOW, ("slack", "console"))
    result = {}
    worker = threading.Thread(
        target=lambda: result.update(s=dispatch_due(store, config, NOW, channels=channels))
    )
    worker.start()
    assert sink.hanging.wait(10), "Slack was never called"
    assert printed.wait(10), "console alert not delivered while Slack hangs"
    assert sink.received[0]["status"] is None  # Slack was still hanging all along
    sink.release.set()
    worker.join()
    assert result["s"].channels["console"].sent == 1


def test_apprise_delivers_through_its_json_service(store, sink):
    pytest.importorskip("apprise")
    port = sink.server.server_address[1]
    config = config_from_dict(
        {
            "alerts": {
                "channels": [
                    {"name": "ap", "type": "apprise", "urls": [f"json://127.0.0.1:{port}/hook"]}
                ]
            }
        }
    )
    channels = build_senders(config)
    sink.script.append(500)
    add_alerted_incident(store, NOW, ("ap",))
    assert dispatch_due(store, config, NOW, channels=channels).retrying == 1
    assert dispatch_due(store, config, NOW + timedelta(minutes=5), channels=channels).sent == 1
    [body] = sink.delivered
    assert body["title"] == "[wirewatch] #20 Rocket attack — Green Zone, Baghdad — US embassy"
    assert "tally mismatch: AFP says 19th, we count #20" in body["message"]
