"""APScheduler 3.x behind one door: this is the only module that imports apscheduler.

:class:`FeedScheduler` gives each feed one job, on its interval or its cron expression (UTC),
with jitter so feeds of one host do not fire together, ``coalesce`` (a backlog of missed runs
fires once), ``max_instances=1`` (never two runs of one feed at a time) and a misfire grace: by
default each feed's own interval (a cron feed's gap to its next run), so that a run missed while
the process was busy or suspended fires late, once, rather than being dropped. A fixed grace
shorter than half an interval (the former 5 minutes against 15-minute feeds) dropped such runs,
and the feed then waited a whole further interval. A
job only announces that its feed is due, through the callback it was given; the daemon decides
what to do about it. A job's exception is logged and counted by an event listener, never fatal
to the scheduler.

The first run of each feed is the next-poll time stored in the database (or now when it is in
the past), so a restart neither hammers the feeds nor skips them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)


def parse_cron(expression: str) -> CronTrigger:
    """A standard 5-field crontab expression (UTC) -> trigger. Raises ValueError with a hint.

    APScheduler 3's ``from_crontab`` numbers weekdays from Monday = 0, unlike cron (Sunday = 0
    or 7, Monday = 1): "30 6 * * 1" would fire on Tuesdays. Numeric weekdays are translated
    here so the expression means what it means in a crontab.
    """
    fields = expression.split()
    try:
        if len(fields) != 5:
            raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5")
        minute, hour, day, month, weekday = fields
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_apscheduler_weekdays(weekday),
            timezone=timezone.utc,
        )
    except (ValueError, TypeError) as e:
        raise ValueError(
            f'expected a 5-field cron expression like "*/10 * * * *", got "{expression}" ({e})'
        ) from None


_CRON_WEEKDAY = re.compile(r"^(\*|\d+)(?:-(\d+))?(?:/(\d+))?$")
_APS_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _apscheduler_weekdays(field: str) -> str:
    """Cron's weekday field (0-7, Sunday = 0 or 7; names allowed) -> APScheduler's names."""
    if field == "*":
        return "*"
    names: list[str] = []
    for part in field.split(","):
        match = _CRON_WEEKDAY.match(part)
        if match is None:  # names such as "mon-fri" mean the same in both
            names.append(part)
            continue
        start, end, step = match.groups()
        first = 0 if start == "*" else int(start)
        last = 7 if start == "*" else int(end) if end is not None else first
        if not 0 <= first <= last <= 7:
            raise ValueError(f"day of week {part!r} is not within 0-7")
        for day in range(first, last + 1, int(step or 1)):
            name = _APS_DAY_NAMES[(day - 1) % 7]
            if name not in names:
                names.append(name)
    return ",".join(names)


def next_cron_time(expression: str, after: datetime) -> datetime:
    """When a cron-scheduled feed is next due after ``after`` (aware UTC)."""
    fire = parse_cron(expression).get_next_fire_time(None, after + timedelta(seconds=1))
    return fire.astimezone(timezone.utc)


class FeedScheduler:
    """One APScheduler job per feed; each firing calls ``on_due(feed_name)``."""

    def __init__(
        self,
        on_due: Callable[[str], None],
        *,
        jitter: timedelta,
        misfire_grace: timedelta | None = None,
    ):
        self._on_due = on_due
        self._jitter_s = int(jitter.total_seconds())
        self._misfire_grace = misfire_grace
        self._scheduler = BackgroundScheduler(timezone=timezone.utc, daemon=True)
        self._scheduler.add_listener(self._on_job_error, EVENT_JOB_ERROR)
        self.job_errors = 0

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def schedule(
        self, name: str, *, interval: timedelta | None, cron: str | None, first_run: datetime
    ) -> None:
        """(Re)schedule one feed, replacing any job it had."""
        if cron is not None:
            trigger = parse_cron(cron)
            trigger.jitter = self._jitter_s or None
            next_run = next_cron_time(cron, first_run)
            gap = next_cron_time(cron, next_run) - next_run
        else:
            assert interval is not None
            gap = interval
            trigger = IntervalTrigger(
                seconds=max(1, interval.total_seconds()),
                start_date=first_run,
                timezone=timezone.utc,
                jitter=self._jitter_s or None,
            )
        self._scheduler.add_job(
            self._on_due,
            trigger,
            args=[name],
            id=name,
            name=f"poll {name}",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int((self._misfire_grace or gap).total_seconds())),
            next_run_time=first_run,
        )

    def unschedule_all_but(self, names: set[str]) -> None:
        for job in self._scheduler.get_jobs():
            if job.id not in names:
                job.remove()

    def next_run_times(self) -> dict[str, datetime | None]:
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    def _on_job_error(self, event: JobExecutionEvent) -> None:
        self.job_errors += 1
        log.error("scheduled job failed job=%s error=%r", event.job_id, event.exception)
