"""APScheduler 3.x behind one door: this is the only module that imports apscheduler.

For now it offers cron parsing (used by config validation); the daemon's scheduling builds on it.
"""

from __future__ import annotations

from datetime import timezone

from apscheduler.triggers.cron import CronTrigger


def parse_cron(expression: str) -> CronTrigger:
    """A standard 5-field crontab expression (UTC) -> trigger. Raises ValueError with a hint."""
    try:
        return CronTrigger.from_crontab(expression, timezone=timezone.utc)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f'expected a 5-field cron expression like "*/10 * * * *", got "{expression}" ({e})'
        ) from None
