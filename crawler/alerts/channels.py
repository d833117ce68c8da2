"""The channel Protocol and the registry that maps a config ``type`` to its sender class.

A sender is built from its channel's config section and has one job: ``send(message)``,
raising :class:`~crawler.errors.AlertError` when the message was not delivered
(``retry_after_s`` when the server asked for a pause, ``permanent`` when retrying cannot help).
It neither retries nor records anything: the dispatcher does, and isolates channels from one
another.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol, TextIO

from crawler.alerts.console import ConsoleSender
from crawler.alerts.message import Message
from crawler.alerts.slack import SlackSender
from crawler.alerts.smtp import EmailSender
from crawler.alerts.webhook import WebhookSender
from crawler.errors import ConfigError

log = logging.getLogger(__name__)


class Sender(Protocol):
    name: str
    timeout_s: float

    def send(self, message: Message) -> None: ...


SENDERS: dict[str, type] = {
    "console": ConsoleSender,
    "email": EmailSender,
    "slack": SlackSender,
    "webhook": WebhookSender,
}
try:
    from crawler.alerts.apprise_channel import AppriseSender
except ImportError:  # the optional extra is not installed: the type stays unknown
    log.debug("apprise not installed: the apprise channel type is unavailable")
else:
    SENDERS["apprise"] = AppriseSender


def build_sender(channel: Any, *, stream: TextIO | None = None) -> Sender:
    """The sender for one channel config section (``stream`` is for the console channel)."""
    try:
        cls = SENDERS[channel.type]
    except KeyError:
        raise ConfigError(
            [
                f"alerts.channels: {channel.name}: channel type {channel.type} is not available"
                " (for apprise: pip install 'wirewatch[apprise]')"
            ]
        ) from None
    if channel.type == "console":
        return cls(channel, stream=stream)
    return cls(channel)


def build_senders(
    config: Any, names: Iterable[str] | None = None, *, stream: TextIO | None = None
) -> dict[str, Sender]:
    """A sender per enabled channel of ``config`` (a :class:`~crawler.config.Config`), or per
    enabled channel among ``names``."""
    wanted = None if names is None else set(names)
    return {
        c.name: build_sender(c, stream=stream)
        for c in config.enabled_channels
        if wanted is None or c.name in wanted
    }
