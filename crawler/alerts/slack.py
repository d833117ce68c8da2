"""The Slack channel: a Block Kit message posted to an incoming webhook.

The message has a plain-text header (the headline), a mrkdwn section (update, time in UTC and
Baghdad time, place with an OpenStreetMap link, type, target, casualties, counters with their
ordinals and any tally mismatch), a section of sources with links and languages, and a plain
``text`` fallback for notifications. Every feed string is mrkdwn-escaped by the template
environment; link unfurling is off so an untrusted URL never pulls a preview into the channel.
"""

from __future__ import annotations

from typing import Any

from crawler.alerts.http import post_json
from crawler.alerts.message import Message
from crawler.alerts.templates import ChannelTemplates, one_line
from crawler.config import SlackChannel

# Slack's own limits: a header's plain text is at most 150 characters, a section's text 3000.
HEADER_MAX_CHARS = 150
SECTION_MAX_CHARS = 3000
# The notification fallback is shown in a one-line preview: longer text is cut anyway.
TEXT_MAX_CHARS = 300


class SlackSender:
    def __init__(self, config: SlackChannel):
        self.name = config.name
        self.timeout_s = config.timeout.total_seconds()
        self.templates = ChannelTemplates("slack", config.template)
        self._url = config.webhook_url

    def send(self, message: Message) -> None:
        post_json(self._url.get_secret_value(), self.payload(message), timeout_s=self.timeout_s)

    def payload(self, message: Message) -> dict[str, Any]:
        """The JSON body: Block Kit blocks plus the plain ``text`` fallback."""
        header = self.templates.render("header", message, escape="text")
        body = self.templates.render("body", message, escape="slack")
        sources = self.templates.render("sources", message, escape="slack")
        blocks: list[dict[str, Any]] = [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": one_line(header, HEADER_MAX_CHARS)},
            },
            _section(body),
        ]
        if sources:
            blocks.append(_section(sources))
        return {
            "text": one_line(
                self.templates.render("text", message, escape="slack"), TEXT_MAX_CHARS
            ),
            "blocks": blocks,
            "unfurl_links": False,
            "unfurl_media": False,
        }


def _section(mrkdwn: str) -> dict[str, Any]:
    if len(mrkdwn) > SECTION_MAX_CHARS:
        # Cut at a line end so no escape sequence (&amp;) or <link|text> is left half open.
        mrkdwn = mrkdwn[: SECTION_MAX_CHARS - 2].rpartition("\n")[0] + "\n…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}
