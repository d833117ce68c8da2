"""Credentials never reach the log: URLs inside any log line or error text are redacted.

Scrapy's own messages quote request URLs ("Getting <url> took longer than ...", robots.txt and
size warnings). Rather than chase each one, the child process puts :class:`RedactingFilter` on
its log handler, and error texts stored in the database go through :func:`redact_text`. The
masking rules themselves are crawler.urls.redact_url's.
"""

from __future__ import annotations

import logging
import re

from crawler.urls import redact_url

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"']+")


def redact_text(text: str) -> str:
    """``text`` with every URL in it passed through redact_url."""
    return _URL.sub(lambda match: redact_url(match[0]), text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with its URLs redacted (install it on a handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "://" in message:
            record.msg, record.args = redact_text(message), None
        return True
