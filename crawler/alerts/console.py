"""The console channel: one readable block per alert on stdout (or any text stream).

On by default so a first run shows what wirewatch finds before any e-mail or Slack is set up.
Writing to a stream cannot be retried meaningfully, so a closed or broken stream is a
permanent failure.
"""

from __future__ import annotations

import sys
from typing import TextIO

from crawler.alerts.message import Message
from crawler.alerts.templates import ChannelTemplates
from crawler.config import ConsoleChannel
from crawler.errors import AlertError


class ConsoleSender:
    """Prints the ``text`` block of ``console.j2`` (or of the channel's own template)."""

    def __init__(self, config: ConsoleChannel, *, stream: TextIO | None = None):
        self.name = config.name
        self.timeout_s = config.timeout.total_seconds()
        self.templates = ChannelTemplates("console", config.template)
        self.stream = stream

    def send(self, message: Message) -> None:
        block = self.templates.render("text", message, escape="text")
        stream = self.stream or sys.stdout  # looked up late: tests and daemons swap sys.stdout
        try:
            stream.write(block + "\n\n")
            stream.flush()
        except (OSError, ValueError) as e:  # ValueError: the stream was closed
            raise AlertError(f"cannot write to the console: {e}", permanent=True) from e
