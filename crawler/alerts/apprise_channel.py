"""The apprise channel: any of apprise's many services (Telegram, Teams, Matrix...) by URL.

Optional: registered only when ``import apprise`` works (``pip install wirewatch[apprise]``).
Each configured URL is one target. apprise reports only "all delivered" or not, so when one of
several URLs fails, a retry notifies the others again: give a target that must never see a
duplicate a channel of its own. apprise applies its own per-service timeouts and does not
follow the channel's ``timeout``; the dispatcher runs each channel in its own thread, so a slow
service never holds up the other channels.
"""

from __future__ import annotations

import apprise

from crawler.alerts.message import Message
from crawler.alerts.templates import ChannelTemplates, one_line
from crawler.config import AppriseChannel
from crawler.errors import AlertError

# Most apprise services show the title on one line; long titles are cut by the service anyway.
TITLE_MAX_CHARS = 200


class AppriseSender:
    def __init__(self, config: AppriseChannel):
        self.name = config.name
        self.timeout_s = config.timeout.total_seconds()
        self.templates = ChannelTemplates("apprise", config.template)
        self._urls = config.urls

    def send(self, message: Message) -> None:
        notifier = apprise.Apprise()
        for url in self._urls:
            if not notifier.add(url.get_secret_value()):
                raise AlertError("apprise does not understand one of the URLs", permanent=True)
        delivered = notifier.notify(
            body=self.templates.render("body", message, escape="text"),
            title=one_line(self.templates.render("title", message, escape="text"), TITLE_MAX_CHARS),
        )
        if not delivered:
            raise AlertError("apprise could not deliver to every URL (see apprise's log)")
