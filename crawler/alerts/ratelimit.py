"""How fast one channel may send: a token bucket per channel, shared by the process.

Slack accepts about one message per second per webhook, with short bursts, and answers 429
beyond (warning that an app that keeps going may be disabled). A burst of incidents must
therefore be spaced out, in order, rather than posted at once. A channel configured with
``send_interval`` (Slack: 1 s by default) and ``burst`` sends up to ``burst`` messages back to
back, then one per ``send_interval``; the dispatcher waits for a token BEFORE it claims the next
alert, so no claimed alert is ever held while waiting.

The buckets live as long as the process (the daemon runs a pass per channel every second; each
pass must see what the previous ones sent); a one-shot ``wirewatch poll`` starts with full
buckets. What this module leaves to others: the 429 and Retry-After answers themselves, which
the dispatcher still honours (crawler.alerts.dispatch), and which alert goes next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Up to ``burst`` sends at once, refilled at one per ``interval_s``."""

    def __init__(
        self,
        interval_s: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval_s = interval_s
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self, deadline: float | None = None) -> bool:
        """Wait for a token and take it; False, without waiting, when the token would come
        after ``deadline`` (a time of ``clock``)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) / self.interval_s)
            self._updated = now
            wait_s = max(0.0, (1 - self._tokens) * self.interval_s)
            if deadline is not None and now + wait_s > deadline:
                return False
            self._tokens -= 1  # taken now, paid for by the wait below
            if wait_s:
                self._sleep(wait_s)
            return True

    def give_back(self) -> None:
        """Return a token taken for a send that did not happen (nothing was due)."""
        with self._lock:
            self._tokens = min(self.burst, self._tokens + 1)


_buckets: dict[tuple[str, float, int], TokenBucket] = {}
_buckets_lock = threading.Lock()


def bucket_for(channel: str, interval_s: float, burst: int) -> TokenBucket:
    """The process's bucket for one channel with these settings (new settings, new bucket)."""
    key = (channel, interval_s, burst)
    with _buckets_lock:
        if key not in _buckets:
            _buckets[key] = TokenBucket(interval_s, burst)
        return _buckets[key]
