"""One pushed document in, stored once: the step every push path shares.

:func:`deliver` takes the bytes a feed's agency pushed (HTTP POST, a file dropped in its spool
folder, a WebSub hub's signed distribution) and runs them through exactly what a poll runs:
:func:`crawler.ingest.prepare` (size cap, charset, hostile-XML guard, parsing, normalising) and
:func:`crawler.ingest.commit` (entries upserted by GUID, a poll record), so dedup, merging and
the outbox see no difference. The feed's poll state (validators, schedule, health) is left to
its polls. Each accepted body is recorded in ``deliveries`` once per feed, in the transaction
that stores its entries: the same bytes delivered again are a no-op, even across restarts.

A document that is not a feed (or too large) is refused with the one-line reason and recorded as
a failed poll of its feed, so ``status`` and Datasette show it; nothing is stored from it.

What this module leaves to others: transport and authentication (crawler.push.server,
crawler.push.spool, crawler.push.callback), and everything after storage (crawler.pipeline, run by the daemon's processor).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime

from crawler.config import Config
from crawler.ingest import Fetched, body_fingerprint, commit, prepare
from crawler.storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one delivered document. ``outcome`` is ``"stored"``, ``"duplicate"``
    (the same bytes were stored before) or ``"refused"`` (``reason`` says why)."""

    outcome: str
    new: int = 0
    updated: int = 0
    reason: str | None = None


def deliver(
    store: Store,
    config: Config,
    feed_name: str,
    body: bytes,
    *,
    via: str,
    now: datetime,
    origin: str | None = None,
    content_type: str | None = None,
    rng: random.Random | None = None,
) -> Delivery:
    """Store one document pushed for ``feed_name`` (a configured feed) as a poll of it."""
    feed = config.feed(feed_name)
    if feed is None:
        return Delivery("refused", reason=f"no feed named {feed_name!r} in the configuration")
    digest = body_fingerprint(body)
    if store.delivery_seen(feed_name, digest):
        log.info("delivery repeated feed=%s via=%s origin=%s", feed_name, via, origin)
        return Delivery("duplicate")
    fetched = Fetched(
        feed=feed_name, url=feed.shown_url, started=now, duration_s=0.0, body=body,
        content_type=content_type,
    )  # fmt: skip
    max_bytes = config.fetch.max_feed_size  # over it, prepare refuses the body
    prepared = prepare(store, fetched, now, max_bytes=max_bytes, feed=feed, compare_body=False)
    rng = rng or random.Random()
    if prepared.status == "error":
        commit(store, config, prepared, now, rng, update_feed=False, feed=feed)
        return Delivery("refused", reason=prepared.error)
    with store.transaction():
        if not store.record_delivery(feed_name, via, digest, now, origin, len(body)):
            return Delivery("duplicate")  # the same bytes, stored meanwhile by another path
        result = commit(store, config, prepared, now, rng, update_feed=False, feed=feed)
        store.count_delivery(feed_name, digest, result.new, result.updated)
    log.info(
        "delivery stored feed=%s via=%s origin=%s new=%d updated=%d",
        feed_name, via, origin, result.new, result.updated,
    )  # fmt: skip
    return Delivery("stored", new=result.new, updated=result.updated)
