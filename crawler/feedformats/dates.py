"""Feed dates: parsing date strings and settling an entry's ``published`` time.

:func:`parse_feed_date` tries, in order, RFC 822 (``email.utils.parsedate_to_datetime``: RSS
``pubDate``), ISO 8601 / W3C-DTF (``datetime.fromisoformat``: Atom, Dublin Core, JSON Feed,
NewsML), then feedparser's own date handlers, which know the odd formats found in the wild
(Korean, Greek, Hungarian, "2020-02-16T00:30" variants ...). A date without a zone is UTC, as
feedparser does. Seconds are the finest unit kept: feedparser's ``struct_time`` has no fraction,
and both parser paths must give the same instant.

:func:`settle_published` turns the parsed value into the entry's ``published`` (aware UTC) and
``date_flag``: missing or unparseable -> ``now`` with the flag saying which; later than ``now`` by
more than :data:`FUTURE_TOLERANCE_S` -> ``now`` with flag ``"future"``; earlier than
:data:`PLAUSIBLE_SINCE` (a CMS writing the Unix epoch or year 1) -> ``now``, flag
``"unparseable"``. Never 1970.

What this module leaves to others: reading event times inside article text (crawler.extract).
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# feedparser publishes no date API; _parse_date is the function its own parser calls. Imported
# in this one place so an upgrade that moves it breaks one line.
from feedparser.datetimes import _parse_date as feedparser_parse_date

# Publisher clocks run a little fast; beyond this the date is wrong, not early.
FUTURE_TOLERANCE_S = 600
# No web feed predates this; anything earlier is a placeholder such as the Unix epoch.
PLAUSIBLE_SINCE = datetime(1995, 1, 1, tzinfo=UTC)


# Items share date strings (a feed that dates its items to the minute, a feed read whole again
# when its items cannot be told apart), and parsing one costs ~3 us; the cache holds the
# strings of a few large feeds.
DATE_CACHE_ENTRIES = 4096


@functools.lru_cache(maxsize=DATE_CACHE_ENTRIES)
def parse_feed_date(text: str | None) -> datetime | None:
    """Parse a feed date string to an aware UTC datetime (whole seconds), or None."""
    if not text or not text.strip():
        return None
    text = text.strip()
    parsed = _rfc822(text) or _iso8601(text) or _feedparser(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _iso8601(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _feedparser(text: str) -> datetime | None:
    return from_struct_time(feedparser_parse_date(text))


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """An aware UTC datetime from the UTC ``struct_time`` feedparser produces."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def settle_published(
    parsed: datetime | None, *, seen: bool, now: datetime
) -> tuple[datetime, str | None]:
    """Return ``(published, date_flag)`` following the rules in the module docstring.

    ``seen`` says whether the item carried a date field at all (missing vs unparseable).
    """
    now = now.astimezone(UTC)
    if parsed is None:
        return now, ("unparseable" if seen else "missing")
    if parsed < PLAUSIBLE_SINCE:
        return now, "unparseable"
    if parsed > now + timedelta(seconds=FUTURE_TOLERANCE_S):
        return now, "future"
    return parsed, None
