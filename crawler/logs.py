"""Logging set-up for the entry points: one line per event, key=value context, or JSON.

Library modules only call ``logging.getLogger(__name__)`` and log messages shaped like
``"poll feed=%s status=%s new=%d"``; this module decides how lines look. ``--log-json`` turns
every record into one JSON object (time, level, logger, message, and exception text if any) for
log shippers.
"""

from __future__ import annotations

import json
import logging
import os
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


# Child processes (poll batches) log like their parent: the choice travels in the environment.
LEVEL_ENV = "WIREWATCH_LOG_LEVEL"
JSON_ENV = "WIREWATCH_LOG_JSON"


def line_formatter(json_lines: bool) -> logging.Formatter:
    """The formatter of wirewatch's log lines: key=value text in UTC, or one JSON object."""
    if json_lines:
        return JsonFormatter()
    formatter = logging.Formatter(TEXT_FORMAT, datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    return formatter


def inherited_settings() -> tuple[str, bool]:
    """(level, json_lines) as the parent process configured them (INFO, text by default)."""
    return os.environ.get(LEVEL_ENV, "INFO"), os.environ.get(JSON_ENV) == "1"


def configure_logging(level: str = "INFO", *, json_lines: bool = False, stream=None) -> None:
    """Route every logger to one handler on stderr (or ``stream``) at ``level``; child
    processes started afterwards inherit the same settings."""
    os.environ[LEVEL_ENV] = level.upper()
    os.environ[JSON_ENV] = "1" if json_lines else "0"
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(line_formatter(json_lines))
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
        "filelock",
        "mail.log",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
