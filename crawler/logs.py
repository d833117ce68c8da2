"""Logging set-up for the entry points: one line per event, key=value context, or JSON.

Library modules only call ``logging.getLogger(__name__)`` and log messages shaped like
``"poll feed=%s status=%s new=%d"``; this module decides how lines look. ``--log-json`` turns
every record into one JSON object (time, level, logger, message, and exception text if any) for
log shippers.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime, timezone

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str = "INFO", *, json_lines: bool = False, stream=None) -> None:
    """Route every logger to one handler on stderr (or ``stream``) at ``level``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        formatter = logging.Formatter(TEXT_FORMAT, datefmt="%Y-%m-%dT%H:%M:%SZ")
        formatter.converter = time.gmtime
        handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Third-party libraries chatter at INFO; keep their warnings only.
    for noisy in (
        "scrapy",
        "twisted",
        "urllib3",
        "trafilatura",
        "datasketch",
        "filelock",
        "mail.log",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
