"""Rate limits per channel: a token bucket on a fake clock, then a burst of eight incidents
through the dispatcher to a real local Slack-like server, delivered in order, spaced, all of
them."""

from __future__ import annotations

from datetime import datetime, timezone

from crawler.alerts import dispatch_due, outbox_counts
from crawler.alerts.ratelimit import TokenBucket
from crawler.config import config_from_dict
from crawler.demo.sinks import SlackSink
from crawler.storage import Store
from tests.alerts_fixtures import add_alerted_incident

NOW = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_bucket_lets_a_burst_through_then_spaces_the_rest():
    clock = FakeClock()
    bucket = TokenBucket(1.0, 3, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(6):
        assert bucket.take()
        times.append(clock.now - 100)
    assert times == [0, 0, 0, 1, 2, 3]
    clock.now += 10  # idle: refilled up to the burst, no further
    for _ in range(4):
        bucket.take()
    assert clock.now - 100 == 14


def test_a_token_that_would_come_after_the_deadline_is_not_waited_for():
    clock = FakeClock()
    bucket = TokenBucket(1.0, 1, clock=clock, sleep=clock.sleep)
    assert bucket.take(deadline=100.5)
    assert not bucket.take(deadline=100.5)
    assert clock.now == 100.0  # no waiting for a refusal
    bucket.give_back()
    assert bucket.take(deadline=100.0)


def test_a_burst_of_incidents_reaches_slack_in_order_spaced_and_complete(tmp_path):
    with SlackSink() as slack, Store(tmp_path / "w.db") as store:
        config = config_from_dict(
            {
                "alerts": {
                    "channels": [{"name": "slack-burst", "type": "slack", "webhook_url": slack.url}]
                }
            }
        )
        for ordinal in range(20, 28):
            add_alerted_incident(store, NOW, ("slack-burst",), ordinal=ordinal, reported=ordinal)

        summary = dispatch_due(store, config, NOW)

        assert summary.sent == 8 and outbox_counts(store)["sent"] == 8
        times = [message.at for message in slack.received]
        headers = [m.data["blocks"][0]["text"]["text"].split()[0] for m in slack.received]
    assert headers == [f"#{n}" for n in range(20, 28)]  # in order
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    # Slack's default: a burst of three, then one message a second.
    assert all(gap < 0.5 for gap in gaps[:2])
    assert all(gap > 0.8 for gap in gaps[2:]), gaps
    assert 4.5 < times[-1] - times[0] < 8
