"""The WebSub callback, ``<push.websub.callback>/websub/<feed>/<token>``: what hubs ask of us.

* ``GET`` is a hub verifying intent (or telling us of a denial): answered by
  :func:`crawler.push.websub.answer_verification` (the challenge for the request we have
  pending, else 404), and the subscription updated in the same step.
* ``POST`` is a content distribution: the body is checked against ``X-Hub-Signature`` (sha1,
  sha256, sha384 or sha512 HMAC with the subscription's derived ``hub.secret``) and, when it
  matches, stored through :func:`crawler.push.deliver.deliver` (``via="websub"``) like any
  pushed document. An unsigned or badly signed body is dropped with a log line but answered
  202, as the Recommendation allows (a forger learns nothing). A body that is not a feed is
  answered 200 with the reason (a hub retries a 4xx, and retrying will not help); the reason
  is recorded as a failed poll of the feed, as for other pushes.
* A token that is not the one derived for the feed's subscription is a 404; a delivery for a
  feed no longer subscribed (removed from the configuration, opted out) is a 410, which lets a
  hub drop the subscription.

What this module leaves to others: HTTP serving (crawler.push.server), the decisions
(crawler.push.websub), storing (crawler.push.deliver).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from crawler.config import Config
from crawler.push.deliver import deliver
from crawler.push.websub import answer_verification, hub_secret, signature_valid, token_matches
from crawler.storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    """What the callback reads of one request."""

    method: str
    feed: str
    token: str
    params: dict[str, str]
    signature: str | None = None
    body: bytes = b""
    content_type: str | None = None
    origin: str | None = None


def answer_callback(
    store: Store, config: Config, request: CallbackRequest, now: datetime
) -> tuple[int, str, bool]:
    """(status, body, stored?) for one request to the callback."""
    websub = config.push.websub
    if websub is None:
        return 404, "not found", False
    row = store.websub_subscription(request.feed)
    master = websub.secret.get_secret_value()
    if row is None or not token_matches(
        request.token, master, request.feed, row["hub"], row["topic"]
    ):
        log.warning("websub callback refused feed=%s origin=%s reason=unknown subscription",
                    request.feed, request.origin)  # fmt: skip
        return (410 if request.method == "POST" and row is None else 404), "not found", False
    if request.method == "GET":
        return _verify(store, request, row, now, websub.lease) + (False,)
    if request.method != "POST":
        return 405, "method not allowed: GET verifies, POST delivers", False
    feed = config.feed(request.feed)
    if feed is None or not feed.enabled or not feed.websub or row["state"] == "unsubscribing":
        return 410, "gone: this subscription is no longer wanted", False
    secret = hub_secret(master, request.feed, row["hub"], row["topic"])
    if not signature_valid(request.signature, secret, request.body):
        why = "no signature" if not request.signature else "bad signature"
        log.warning("websub delivery ignored feed=%s origin=%s reason=%s", request.feed,
                    request.origin, why)  # fmt: skip
        return 202, "received", False
    outcome = deliver(
        store, config, request.feed, request.body, via="websub", now=now,
        origin=request.origin, content_type=request.content_type,
    )  # fmt: skip
    if outcome.outcome == "refused":
        log.warning("websub delivery refused feed=%s reason=%s", request.feed, outcome.reason)
        return 200, f"not stored: {outcome.reason}", False
    if outcome.outcome == "duplicate":
        return 200, "already stored: the same document was received before", False
    return 202, f"stored: {outcome.new} new, {outcome.updated} updated", True


def _verify(store: Store, request: CallbackRequest, row: dict, now: datetime, lease) -> tuple:
    verification = answer_verification(row, request.params, now, lease)
    mode = request.params.get("hub.mode")
    if verification.status != 200:
        log.warning("websub verification refused feed=%s mode=%s topic=%s", request.feed, mode,
                    request.params.get("hub.topic"))  # fmt: skip
        return verification.status, verification.body
    if verification.forget:
        store.forget_websub_subscription(request.feed)
    elif verification.update is not None:
        store.save_websub_subscription(request.feed, verification.update)
    if verification.poll_now:
        store.poll_feed_now(request.feed, now)
    log.info("websub verified feed=%s mode=%s lease_end=%s", request.feed, mode,
             (verification.update or {}).get("lease_end"))  # fmt: skip
    return verification.status, verification.body
