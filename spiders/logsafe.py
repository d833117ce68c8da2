"""Log hygiene for the poll child: credentials never reach the log, and a bad feed's
troubles take one line each.

Scrapy's own messages quote request URLs ("Getting <url> took longer than ...", robots.txt and
size warnings). Rather than chase each one, the child process puts :class:`RedactingFilter` on
its log handler, and error texts stored in the database go through :func:`redact_text`. The
masking rules themselves are crawler.urls.redact_url's. :class:`OneLineRobotsErrors` shortens
Scrapy's report of a robots.txt it could not fetch, which came with a traceback.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from crawler.urls import REDACTED, redact_url

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"']+")


# Transport failures in the user's words (by class name: Twisted's and Scrapy's classes need not
# be imported for it). {host} is the request's host; the error's own text follows when useful.
_FAILURE_WORDS = {
    "DNSLookupError": "DNS lookup failed for {host}",
    "CannotResolveHostError": "DNS lookup failed for {host}",
    "DownloadConnectionRefusedError": "connection refused by {host}",
    "DownloadTimeoutError": "no complete answer from {host} within the timeout (fetch.timeout)",
    "DownloadFailedError": "download from {host} failed",
    "ResponseDataLossError": "the answer from {host} was cut off",
    "ConnectionRefusedError": "connection refused by {host}",
    "TCPTimedOutError": "connection to {host} timed out",
    "TimeoutError": "no complete answer from {host} within the timeout (fetch.timeout)",
    "ConnectError": "could not connect to {host}",
    "NoRouteError": "no route to {host}",
    "ConnectionLost": "connection to {host} lost before the answer was complete",
    "ConnectionDone": "{host} closed the connection before answering",
    "ResponseNeverReceived": "{host} closed the connection without answering",
    "ResponseFailed": "the answer from {host} was cut off",
    "Error": "TLS with {host} failed",  # OpenSSL.SSL.Error
    "SSLError": "TLS with {host} failed",
}
_DETAILED = frozenset(
    {"ConnectError", "Error", "SSLError", "ResponseFailed", "DownloadFailedError"}
)


def failure_text(error: BaseException, url: str) -> str:
    """Why a request for ``url`` failed, in one credential-free line without library class
    names (the messages of wirewatch's own refusals, e.g. the SSRF guard's, as they are)."""
    host = urlsplit(url).hostname or "the server"
    detail = " ".join(str(error).split())
    words = _FAILURE_WORDS.get(type(error).__name__)
    if words is None:
        text = detail or type(error).__name__
    else:
        text = words.format(host=host)
        if type(error).__name__ in _DETAILED and detail:
            text += f" ({detail})"
    return redact_text(text, url)


def redact_text(text: str, url: str | None = None) -> str:
    """``text`` with every URL in it passed through redact_url, and, when the ``url`` it is
    about is given, every secret of that URL removed wherever it appears (libraries quote
    pieces of a URL too, e.g. "invalid hostname: user:pass@host")."""
    for secret in url_secrets(url) if url else ():
        text = text.replace(secret, REDACTED)
    return _URL.sub(lambda match: redact_url(match[0]), text)


def url_secrets(url: str) -> list[str]:
    """The pieces of ``url`` that redact_url masks: user name, password, secret values."""
    parts = urlsplit(url)
    secrets = [value for value in (parts.username, parts.password) if value]
    for plain, masked in zip(
        parts.query.split("&"), urlsplit(redact_url(url)).query.split("&"), strict=False
    ):
        if plain != masked:
            secrets.append(plain.partition("=")[2])
    # Longest first, so that a secret containing another is replaced whole.
    return sorted((s for s in secrets if s), key=len, reverse=True)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with its URLs redacted (install it on a handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "://" in message:
            record.msg, record.args = redact_text(message), None
        return True


ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class OneLineRobotsErrors(logging.Filter):
    """A robots.txt that cannot be fetched: one WARNING line, not an ERROR and its traceback.

    Scrapy logs such a failure with the whole traceback (some thirty lines for a refused
    connection) and a message naming the feed's request as if the feed had failed; it then
    fetches the feed as if robots.txt allowed it, and the feed's own poll is logged and
    recorded as usual (crawler.ingest).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == ROBOTS_LOGGER and record.exc_info and record.levelno >= logging.ERROR:
            error = record.exc_info[1]
            request = record.args.get("request") if isinstance(record.args, dict) else None
            url = getattr(request, "url", "") or ""
            record.msg = "robots.txt not fetched for %s, polled as if allowed: %s"
            record.args = (redact_url(url), failure_text(error, url))
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
