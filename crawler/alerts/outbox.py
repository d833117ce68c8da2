"""What the CLI needs from the outbox, one call per command.

- ``wirewatch alerts [--state S]``  -> :func:`outbox_rows`
- ``wirewatch status``              -> :func:`outbox_counts`
- ``wirewatch alerts retry [ID]``   -> :func:`retry`
- ``wirewatch alerts test --channel NAME`` -> :func:`send_test`

These functions open nothing and print nothing: the CLI passes its Store and Config, shows the
result and maps errors (:class:`~crawler.errors.InputError` for a bad ID or channel name,
:class:`~crawler.errors.AlertError` for a failed test send) to messages and exit codes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, TextIO

from crawler.alerts.channels import build_sender
from crawler.alerts.message import build_message
from crawler.config import Config
from crawler.errors import InputError
from crawler.storage import Store, iso

OUTBOX_STATES = ("pending", "sending", "sent", "failed")


def outbox_rows(store: Store, state: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The outbox, newest first: id, key, channel, kind, state, attempts, next attempt, error."""
    if state is not None and state not in OUTBOX_STATES:
        raise InputError(
            f"unknown alert state {state!r}: expected one of {', '.join(OUTBOX_STATES)}"
        )
    return store.alert_rows(state, limit)


def outbox_counts(store: Store) -> dict[str, int]:
    """How many alerts in each state, every state present (zero included)."""
    counts = store.alert_counts()
    return {state: counts.get(state, 0) for state in OUTBOX_STATES}


def retry(store: Store, alert_id: int | None, now: datetime) -> int:
    """Make failed alerts (all, or the one given) due now with fresh attempts; how many.

    A given alert that is merely waiting for its next attempt is brought forward. An alert
    already sent is refused: wirewatch does not send an alert twice on purpose.
    """
    requeued = store.requeue_alerts(now, alert_id)
    if alert_id is None or requeued:
        return requeued
    alert = store.alert(alert_id)
    if alert is None:
        raise InputError(f"no alert with id {alert_id} (see `wirewatch alerts`)")
    if alert.state == "sent":
        raise InputError(f"alert {alert_id} was already sent at {iso(alert.sent_at)}")
    raise InputError(f"alert {alert_id} is being sent right now; try again in a minute")


def send_test(
    config: Config, channel_name: str, now: datetime | None = None, *, stream: TextIO | None = None
) -> str:
    """Send a sample alert through one channel right away (not through the outbox).

    Works for a disabled channel too, so it can be checked before it is switched on. Raises
    InputError for an unknown channel, AlertError when delivery fails. Returns a line to show.
    """
    channel = next((c for c in config.alerts.channels if c.name == channel_name), None)
    if channel is None:
        names = ", ".join(c.name for c in config.alerts.channels) or "none configured"
        raise InputError(f"no alert channel named {channel_name!r} (channels: {names})")
    now = now or datetime.now(timezone.utc)
    sender = build_sender(channel, stream=stream)
    sender.send(build_message(sample_context(channel_name, now), now))
    return f"test alert sent through channel {channel_name} ({channel.type})"


def sample_context(channel_name: str, now: datetime) -> dict[str, Any]:
    """A made-up incident shaped like ``Store.alert_context``, clearly marked as a test."""
    event_time = now.replace(second=0, microsecond=0).isoformat()
    return {
        "alert": {
            "key": f"test:{channel_name}:{now:%Y%m%dT%H%M%S}",
            "kind": "test",
            "channel": channel_name,
            "incident_id": None,
            "version": 1,
            "payload": {},
        },
        "incident": {
            "title": "TEST: rockets reported near the US embassy in the Green Zone"
            " (not a real incident)",
            "event_time": event_time,
            "time_precision": "hour",
            "place_name": "Green Zone",
            "governorate": "Baghdad",
            "latitude": 33.3009,
            "longitude": 44.3958,
            "attack_type": "rocket",
            "target": "us_embassy",
            "us_interest": 1,
            "killed": 0,
            "wounded": 0,
        },
        "articles": [
            {
                "title": "Test alert from wirewatch",
                "url": "https://example.org/wirewatch-test",
                "source": "wirewatch",
                "feed": None,
                "lang": "en",
            }
        ],
        "counters": [],
        "tallies": [],
        "thread_key": None,
    }
