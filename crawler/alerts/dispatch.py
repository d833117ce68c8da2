"""The dispatcher: delivers due alerts from the outbox, once each, one thread per channel.

:func:`dispatch_due` is one pass over the outbox. For each channel, in its own thread, it
repeatedly claims the next due alert (``Store.claim_due_alert``: an atomic UPDATE, so two
dispatchers, in one process or two, never hold the same alert), reads the incident's CURRENT
state (``Store.alert_context``), renders and sends it, then marks it sent, or schedules a retry
with exponential backoff and jitter (or the server's ``Retry-After``), or marks it failed once
``alerts.max_attempts`` is spent or the error is permanent. ``wirewatch alerts retry`` puts
failed alerts back (:func:`crawler.alerts.outbox.retry`).

Each pass first enqueues the daily digests that have come due for its channels
(:mod:`crawler.alerts.digest`), so digests go out through the same claims, retries and
bookkeeping as incident alerts.

Channels are isolated: each drains in its own thread, and a channel stops for this pass at its
first temporary failure (a hanging or rate-limited service is not hammered; its other alerts
wait for the next pass) while the other channels go on. A pass therefore lasts at most about
one channel timeout beyond the time the successful sends take. Alerts of a channel that is no
longer configured stay pending, visible in the outbox listing.

Exactly once, and the window that remains: an alert is marked sent in its own transaction right
after the server accepted it. If the process dies between the two, the claim's lease expires
(:func:`claim_lease`: a few channel timeouts) and the alert is sent again: the only case of a
duplicate. E-mail carries a Message-ID derived from the alert key, the generic webhook an
``Idempotency-Key`` header, so receivers can recognise the resend; Slack has no such means.
Nothing is ever lost: an alert leaves the outbox only as sent, or as failed for a person to see.

The Store given is used from the channel threads under one lock, so it must not be used by
another thread while a pass runs. Decisions (:func:`retry_at`, :func:`claim_lease`) are pure
functions of their inputs.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crawler.alerts.channels import Sender, build_senders
from crawler.alerts.digest import Digest, build_digest, enqueue_due_digests
from crawler.alerts.message import Message, build_message
from crawler.alerts.ratelimit import TokenBucket, bucket_for
from crawler.config import AlertsConfig, Config
from crawler.errors import AlertError, StorageError
from crawler.storage import Store, parse_iso
from crawler.types import Alert

log = logging.getLogger(__name__)

# A claim must outlive the slowest legitimate send, or a second dispatcher would take the alert
# over while it is still being sent. An SMTP delivery makes up to four blocking exchanges
# (connect, TLS, AUTH, DATA), each bounded by the channel timeout.
CLAIM_LEASE_TIMEOUTS = 4
# ... plus time for the database: a write may wait for a lock up to
# crawler.storage.connection.BUSY_TIMEOUT_MS.
CLAIM_LEASE_MARGIN_S = 30
# "Equal jitter": each retry waits between half and all of its exponential step, so channels
# that failed together do not all retry in the same second.
JITTER_MIN_FRACTION = 0.5


@dataclass
class ChannelSummary:
    """What one pass did for one channel."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    error: str | None = None  # the last failure of this pass, or an unexpected crash


@dataclass
class DispatchSummary:
    """What one pass did, per channel and in total."""

    channels: dict[str, ChannelSummary] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.channels.values())

    @property
    def retrying(self) -> int:
        return sum(c.retrying for c in self.channels.values())

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.channels.values())

    def as_dict(self) -> dict[str, Any]:
        """Totals and per-channel counts as plain data (for logs, JSON and the CLI)."""
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "channels": {name: asdict(c) for name, c in self.channels.items()},
        }


def claim_lease(timeout_s: float) -> timedelta:
    """How long a claim holds an alert for a channel whose timeout is ``timeout_s``."""
    return timedelta(seconds=timeout_s * CLAIM_LEASE_TIMEOUTS + CLAIM_LEASE_MARGIN_S)


def retry_at(
    attempts: int, error: AlertError, now: datetime, settings: AlertsConfig, rand: float
) -> datetime | None:
    """When to try again after failed attempt number ``attempts``; None: failed for good.

    ``rand`` in [0, 1) draws the jitter. A server's Retry-After is honoured as asked (capped at
    ``retry_max``), without jitter: it said when it will be ready.
    """
    if error.permanent or attempts >= settings.max_attempts:
        return None
    cap_s = settings.retry_max.total_seconds()
    if error.retry_after_s is not None:
        return now + timedelta(seconds=min(error.retry_after_s, cap_s))
    step_s = min(cap_s, settings.retry_base.total_seconds() * 2 ** (attempts - 1))
    jitter = JITTER_MIN_FRACTION + (1 - JITTER_MIN_FRACTION) * rand
    return now + timedelta(seconds=step_s * jitter)


def default_claimant() -> str:
    """Who claims: host and pid for a person reading the outbox, plus a nonce for uniqueness."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dispatch_due(
    store: Store,
    config: Config,
    now: datetime,
    *,
    channels: Mapping[str, Sender] | Iterable[str] | None = None,
    claimant: str | None = None,
    rand: Callable[[], float] = random.random,
    deadline: float | None = None,
) -> DispatchSummary:
    """Deliver every due alert of the enabled channels.

    ``channels`` narrows the pass to some enabled channels by name (the daemon runs one
    dispatcher per channel), or gives ready-built senders by name (tests, custom channels). ``now`` is
    the time of the pass; each claim is stamped ``now`` plus the time the pass has run so far,
    so a long pass does not claim with a stale clock. A channel with a rate limit
    (``send_interval``, crawler.alerts.ratelimit) waits its turn before each claim; with
    ``deadline`` (a ``time.monotonic()`` time) it leaves the alerts it could not send by then
    pending (a daemon shutting down).
    """
    senders = _senders(config, channels)
    enqueue_due_digests(store, config, now, senders)
    claimant = claimant or default_claimant()
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    drain = _ChannelDrain(
        store, config.alerts, claimant, clock, rand, threading.Lock(), deadline=deadline
    )
    summary = DispatchSummary()
    if not senders:
        return summary
    with ThreadPoolExecutor(max_workers=len(senders), thread_name_prefix="alerts") as pool:
        futures = {name: pool.submit(drain.run, sender) for name, sender in senders.items()}
    for name, future in futures.items():
        summary.channels[name] = future.result()
    return summary


def compose(store: Store, alert: Alert, now: datetime) -> Message | Digest:
    """The message of an outbox row, from the current state of what it is about."""
    if alert.kind == "digest":
        payload = alert.payload
        facts = store.digest_facts(parse_iso(payload["start"]), parse_iso(payload["end"]))
        return build_digest(alert.key, alert.channel, payload, facts, now)
    context = store.alert_context(alert.id)
    if context is None or context["incident"] is None:
        raise AlertError(f"incident {alert.incident_id} no longer exists", permanent=True)
    return build_message(context, now)


def _senders(
    config: Config, channels: Mapping[str, Sender] | Iterable[str] | None
) -> dict[str, Sender]:
    if isinstance(channels, Mapping):
        return dict(channels)
    return build_senders(config, channels)


@dataclass
class _ChannelDrain:
    """Sends one channel's due alerts, one at a time, until none is due or the channel fails."""

    store: Store
    settings: AlertsConfig
    claimant: str
    clock: Callable[[], datetime]
    rand: Callable[[], float]
    lock: threading.Lock
    deadline: float | None = None

    def run(self, sender: Sender) -> ChannelSummary:
        summary = ChannelSummary()
        bucket = self._bucket(sender.name)
        try:
            while bucket is None or bucket.take(self.deadline):
                alert = self._claim(sender)
                if alert is None:
                    if bucket is not None:
                        bucket.give_back()  # nothing was sent with it
                    break
                if not self._deliver(sender, alert, summary):
                    break
        except StorageError as e:  # the database refused (a full disk): the alerts wait in it
            log.error("alert channel paused channel=%s error=%s", sender.name, e)
            summary.error = str(e)
        except Exception as e:  # noqa: BLE001 — one channel's crash must not stop the others
            log.exception("alert channel crashed channel=%s", sender.name)
            summary.error = f"{type(e).__name__}: {e}"
        return summary

    def _bucket(self, name: str) -> TokenBucket | None:
        channel = next((c for c in self.settings.channels if c.name == name), None)
        if channel is None or channel.send_interval is None:
            return None
        return bucket_for(name, channel.send_interval.total_seconds(), channel.burst)

    def _claim(self, sender: Sender) -> Alert | None:
        at = self.clock()
        with self.lock:
            return self.store.claim_due_alert(
                sender.name, at, self.claimant, at + claim_lease(sender.timeout_s)
            )

    def _deliver(self, sender: Sender, alert: Alert, summary: ChannelSummary) -> bool:
        """Send one claimed alert and record the outcome; False when the channel should rest."""
        try:
            with self.lock:
                message = compose(self.store, alert, self.clock())
            sender.send(message)
        except AlertError as e:
            return self._record_failure(sender, alert, e, summary)
        except StorageError:
            raise  # the database, not the channel: the drain pauses (run)
        except Exception as e:  # noqa: BLE001 — a bug in a channel: keep the alert, retry later
            log.exception("alert channel error channel=%s key=%s", sender.name, alert.key)
            return self._record_failure(
                sender, alert, AlertError(f"{type(e).__name__}: {e}"), summary
            )
        with self.lock:
            self.store.mark_alert_sent(alert.id, self.clock())
        summary.sent += 1
        log.info(
            "alert sent channel=%s key=%s kind=%s attempt=%d",
            sender.name,
            alert.key,
            alert.kind,
            alert.attempts,
        )
        return True

    def _record_failure(
        self, sender: Sender, alert: Alert, error: AlertError, summary: ChannelSummary
    ) -> bool:
        when = retry_at(alert.attempts, error, self.clock(), self.settings, self.rand())
        with self.lock:
            still_ours = self.store.mark_alert_failed(alert.id, self.claimant, str(error), when)
        summary.error = str(error)
        if when is None:
            summary.failed += 1
        else:
            summary.retrying += 1
        log.warning(
            "alert not sent channel=%s key=%s attempt=%d error=%r next=%s claim_held=%s",
            sender.name,
            alert.key,
            alert.attempts,
            str(error),
            when.isoformat() if when else "failed",
            still_ours,
        )
        return error.permanent
