"""How Python values are stored in columns, for every module of the package.

Times are stored as UTC ISO-8601 text (``2020-02-16T00:30:00+00:00``), which sorts correctly and
reads well in Datasette. Booleans are 0/1 integers. JSON columns hold lists and dicts.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def iso(moment: datetime | None) -> str | None:
    """Aware datetime -> UTC ISO-8601 text (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: wirewatch stores aware UTC times only")
    return moment.astimezone(timezone.utc).isoformat()


def parse_iso(text: str | None) -> datetime | None:
    """UTC ISO-8601 text -> aware datetime (None stays None)."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def iso_values(values: dict[str, Any]) -> dict[str, Any]:
    """Column values with their datetimes as stored (ISO-8601 text)."""
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in values.items()}
