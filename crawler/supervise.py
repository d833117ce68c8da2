"""Keeping the daemon's loops alive through faults that pass: backoff and one-line reports.

A thread of the daemon (poller, processor, alert dispatcher, heartbeat) repeats one step. A step
that fails for a reason that may pass (the process out of file descriptors for a moment, the
disk full, the database busy) must cost that step only: :class:`Backoff` says how long to wait
before the next try, doubling while the failures go on and back to nothing after a success, and
:func:`report_fault` logs the failure in one line naming its cause. A traceback is kept for
faults that are not of those kinds (a bug), where it is what a developer needs.

What this module leaves to others: what a step does (crawler.daemon), and deciding that a fault
cannot be recovered from (the daemon exits when one of its threads is gone).
"""

from __future__ import annotations

import logging
import sqlite3

from crawler.errors import WirewatchError

# The first retry comes after a second; each further failure in a row doubles the wait, up to
# a minute: soon enough once the fault has passed, rare enough to keep a long outage's log short.
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0

# Faults of the environment that a later try may not meet again: reported in one line.
PASSING_FAULTS = (OSError, sqlite3.Error, WirewatchError)


class Backoff:
    """Consecutive failures of one loop, and how long to wait after the latest."""

    def __init__(self, first_s: float = RETRY_FIRST_S, max_s: float = RETRY_MAX_S):
        self.first_s = first_s
        self.max_s = max_s
        self.failures = 0

    def failed(self) -> float:
        """Count a failure; returns the seconds to wait before trying again."""
        self.failures += 1
        return min(self.max_s, self.first_s * 2 ** min(self.failures - 1, 30))

    def succeeded(self) -> None:
        self.failures = 0


def fault_text(error: BaseException) -> str:
    """One line saying what went wrong, in the words of the fault rather than a class name."""
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    text = " ".join(str(error).split())
    if isinstance(error, PASSING_FAULTS) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def report_fault(
    logger: logging.Logger, what: str, error: BaseException, retry_s: float, failures: int
) -> None:
    """Log one failed step: ``what`` failed, why, and when it is tried again."""
    message = "%s: %s; retrying in %.0fs (failures in a row: %d)"
    args = (what, fault_text(error), retry_s, failures)
    if isinstance(error, PASSING_FAULTS) or failures > 1:
        logger.error(message, *args)
    else:  # unexpected: the traceback once, then one line while it goes on
        logger.exception(message, *args)
