"""Starting the push paths a configuration asks for, for the daemon.

The HTTP receiver runs when ``push.enabled`` is true, and the WebSub subscriber with it when
``push.websub`` is set; the spool watcher when a feed names a ``spool`` folder. Both are started once with the daemon; a reloaded configuration changes what
they accept (feeds, tokens, new spool folders) but not the address the receiver listens on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.config import Config
from crawler.errors import ConfigError
from crawler.push.server import PushApp, PushServer
from crawler.push.spool import SpoolWatcher
from crawler.push.subscriber import WebSubSubscriber

log = logging.getLogger(__name__)


def start_receivers(
    db_path: Path,
    config: Callable[[], Config],
    on_stored: Callable[[], None],
    clock: Callable[[], datetime],
) -> list[Any]:
    """Start what ``config()`` asks for; each returned object has ``stop()``."""
    current = config()
    started: list[Any] = []
    if current.push.enabled:
        push = current.push
        app = PushApp(db_path, config, on_stored, clock)
        try:
            server = PushServer(
                app, host=push.listen, port=push.port, threads=push.threads,
                max_body=current.fetch.max_feed_size,
            )  # fmt: skip
        except OSError as e:
            where = f"{push.listen}:{push.port}"
            raise ConfigError(
                [
                    f"push: cannot listen on {where}: {e.strerror or e} (change push.listen or push.port)"
                ]
            ) from None
        started.append(server.start())
        if current.push.websub is not None:
            started.append(WebSubSubscriber(db_path, config, clock).start())
    if any(feed.spool is not None for feed in current.feeds):
        started.append(SpoolWatcher(db_path, config, on_stored, clock).start())
    return started
