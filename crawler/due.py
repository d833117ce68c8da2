"""When a polled feed is due: the one rule the daemon's jobs, ``wirewatch poll`` and a poll child
share.

A poll stores the feed's next poll an interval after the moment it *stored* its result: a poll
child's start-up and fetch (seconds, more on a busy machine) after the job or the cron run that
launched it. Read strictly ("next poll <= now"), the next run at the feed's own interval finds
that time a few seconds ahead, skips the feed, and the feed is polled at twice its interval.
So a feed is due when its next poll lies at most :func:`poll_lag_tolerance` ahead: half the
interval, at most ``POLL_LAG_TOLERANCE_MAX_S``. A backoff after failures, or a server's
Retry-After, holds a feed back by at least a whole interval (or by the server's wait, cut short
by at most that tolerance), so they are still honoured.

What this module leaves to others: when the runs happen (crawler.scheduler, cron), what a poll
stores (crawler.ingest).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.config import Config
from crawler.storage import Store

# More than a poll child's start-up and fetch on a busy machine (bench/latency.py saw 2-4 s),
# little against the minutes a server asks with Retry-After.
POLL_LAG_TOLERANCE_MAX_S = 15.0
POLL_LAG_TOLERANCE_MIN_S = 1.0


def poll_lag_tolerance(interval: timedelta) -> timedelta:
    """How far ahead a feed's next poll may lie and the feed still be due: half its interval,
    within ``POLL_LAG_TOLERANCE_MIN_S`` and ``POLL_LAG_TOLERANCE_MAX_S``."""
    seconds = interval.total_seconds() / 2
    return timedelta(seconds=max(POLL_LAG_TOLERANCE_MIN_S, min(seconds, POLL_LAG_TOLERANCE_MAX_S)))


def is_due(next_poll: datetime | None, now: datetime, interval: timedelta) -> bool:
    """A feed never polled, or whose next poll lies at most the tolerance ahead of ``now``."""
    return next_poll is None or next_poll <= now + poll_lag_tolerance(interval)


def due_feeds(config: Config, store: Store, now: datetime) -> list[str]:
    """The enabled, polled feeds due at ``now``, by name."""
    ahead = now + timedelta(seconds=POLL_LAG_TOLERANCE_MAX_S)
    return [
        name
        for name, next_poll in store.poll_schedule(ahead).items()
        if (feed := config.feed(name)) is not None
        and is_due(next_poll, now, config.feed_interval(feed))
    ]
