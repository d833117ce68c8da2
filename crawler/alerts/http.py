"""One HTTP POST of a JSON body for the Slack and webhook channels, and what its answer means.

Only 2xx is a success. A redirect is not followed at all: following a 301/302 would turn the
POST into a GET without its body (and a 2xx to that GET would pass for a delivery), and a
``Location`` could point anywhere, file: included; the opener here has no handler but HTTP(S).
429 and 503 carry ``Retry-After`` into the :class:`~crawler.errors.AlertError`; other 4xx are
permanent (retrying the same request will not help: the URL or the payload must change), 5xx,
timeouts and network errors are worth retrying.

The timeout bounds each blocking socket operation (connect, send, each read), as urllib does.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import AlertError

USER_AGENT = "wirewatch-alerts/0.1"
# How much of an error answer is kept in the error message (Slack says why in a few words).
ERROR_BODY_CHARS = 200
# Client errors that are about timing, not about the request: worth a retry.
RETRYABLE_CLIENT_STATUSES = frozenset({408, 425, 429})

_OPENER = urllib.request.OpenerDirector()
for _handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler()):
    _OPENER.add_handler(_handler)


def post_json(
    url: str, body: Any, *, timeout_s: float, headers: dict[str, str] | None = None
) -> int:
    """POST ``body`` as JSON; return the 2xx status, raise AlertError for anything else."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise AlertError("refusing a non-http(s) URL", permanent=True)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", USER_AGENT)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with _OPENER.open(request, timeout=timeout_s) as response:
            status = response.status
            answer = response.read(ERROR_BODY_CHARS).decode("utf-8", "replace")
            retry_after = response.headers.get("Retry-After")
    except TimeoutError as e:
        raise AlertError(f"no answer within {timeout_s:g}s") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise AlertError(f"cannot reach the server: {e}") from e
    if 200 <= status < 300:
        return status
    raise status_error(status, answer, retry_after, datetime.now(timezone.utc))


def status_error(status: int, answer: str, retry_after: str | None, now: datetime) -> AlertError:
    """The AlertError a non-2xx answer stands for (pure: ``now`` reads HTTP-date Retry-After)."""
    wait_s = parse_retry_after(retry_after, now)
    permanent = 300 <= status < 500 and status not in RETRYABLE_CLIENT_STATUSES
    detail = " ".join(answer.split())
    message = f"HTTP {status}" + (f": {detail}" if detail else "")
    if 300 <= status < 400:
        message += " (redirects are not followed: put the final URL in config.yaml)"
    return AlertError(message, retry_after_s=wait_s, permanent=permanent)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP-date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - now).total_seconds())
