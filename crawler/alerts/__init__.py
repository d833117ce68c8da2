"""Alerts: a durable outbox in SQLite delivered by channels (console, e-mail, Slack, webhook,
apprise), each message rendered from the incident's current state.

The public API, for the daemon and the CLI:

- :func:`dispatch_due` (one delivery pass; see :mod:`crawler.alerts.dispatch` for the
  exactly-once rules and the one window that remains);
- :func:`outbox_rows`, :func:`outbox_counts`, :func:`retry`, :func:`send_test`;
- :data:`SENDERS` (config ``type`` -> sender class) and :func:`build_senders`.

Enqueuing is not done here: the incident pipeline calls ``Store.enqueue_alerts`` in the
transaction that creates or changes an incident.
"""

from __future__ import annotations

from crawler.alerts.channels import SENDERS, Sender, build_sender, build_senders
from crawler.alerts.dispatch import ChannelSummary, DispatchSummary, dispatch_due
from crawler.alerts.message import Message, build_message
from crawler.alerts.outbox import outbox_counts, outbox_rows, retry, send_test

__all__ = [
    "SENDERS",
    "ChannelSummary",
    "DispatchSummary",
    "Message",
    "Sender",
    "build_message",
    "build_sender",
    "build_senders",
    "dispatch_due",
    "outbox_counts",
    "outbox_rows",
    "retry",
    "send_test",
]
