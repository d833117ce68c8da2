"""The generic webhook channel: the incident, its counters and sources as a JSON POST.

For anything that is neither e-mail nor Slack (a chat bridge, a ticketing system, a SIEM). The
body is ``Message.as_data()`` (see :mod:`crawler.alerts.message`) unless the channel's template
renders its own JSON (use the ``tojson`` filter for every value). Configured headers (tokens)
are secrets and never logged. ``Idempotency-Key`` carries the alert key so a receiver can
recognise a resend after a crash between delivery and bookkeeping.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.alerts.http import post_json
from crawler.alerts.message import Message
from crawler.alerts.templates import ChannelTemplates
from crawler.config import WebhookChannel
from crawler.errors import AlertError


class WebhookSender:
    def __init__(self, config: WebhookChannel):
        self.name = config.name
        self.timeout_s = config.timeout.total_seconds()
        self.templates = ChannelTemplates("webhook", config.template)
        self._url = config.url
        self._headers = config.headers

    def send(self, message: Message) -> None:
        headers = {name: value.get_secret_value() for name, value in self._headers.items()}
        headers["Idempotency-Key"] = message.key
        post_json(
            self._url.get_secret_value(),
            self.payload(message),
            timeout_s=self.timeout_s,
            headers=headers,
        )

    def payload(self, message: Message) -> Any:
        body = self.templates.render("body", message, escape="text")
        try:
            return json.loads(body)
        except json.JSONDecodeError as e:
            raise AlertError(f"webhook template did not produce JSON: {e}", permanent=True) from e
