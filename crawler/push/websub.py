"""WebSub (W3C Recommendation, 2018) decided in pure functions: discovery, derived secrets,
signatures, what to ask of each hub, and how to answer a hub's verification of intent.

* Discovery: a feed's hub and topic come from its poll. HTTP ``Link`` headers win over the
  document (the Recommendation's order); in the document, Atom ``link rel="hub"``/``"self"``,
  RSS ``atom:link`` and JSON Feed ``hubs``/``feed_url`` (crawler.feedformats). A feed that
  names a hub but no self URL is not subscribed: the topic must be the self URL.
* Secrets: each subscription's ``hub.secret`` and the token in its callback URL
  (``<callback>/websub/<feed>/<token>``, unguessable as the Recommendation asks) are HMACs
  of the feed, hub and topic under ``push.websub.secret``; none is stored in the database, and
  a new hub or topic gets new ones.
* Plan: :func:`plan_subscriptions` compares the configuration, what each feed advertises and
  the stored subscriptions, and says what to send: subscribe (new, changed hub or topic, a
  renewal before the lease ends, a retry after ``retry`` when a hub never verified or refused),
  unsubscribe (feed removed, disabled, opted out, or no longer naming a hub), expire (a lease
  that ended unrenewed: polling returns to its normal pace) or forget.
* Verification: :func:`answer_verification` echoes ``hub.challenge`` only for the request we
  have pending, for that mode and topic; anything else is a 404.

States of a subscription (``websub_subscriptions.state``): ``pending`` (asked, not verified),
``verified`` (lease running; a renewal keeps this state with ``pending = 'subscribe'``),
``expired``, ``denied`` (the hub said no), ``failed`` (the hub refused the request or could not
be reached), ``unsubscribing``. What this module leaves to others: HTTP to the hubs
(crawler.push.subscriber), requests from them (crawler.push.callback), SQL (crawler.storage).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urljoin

from crawler.config import Config
from crawler.storage import parse_iso

SIGNATURE_HEADER = "X-Hub-Signature"
# The algorithms the Recommendation names (7.1.1); most hubs sign with sha1.
SIGNATURE_METHODS = {
    "sha1": hashlib.sha1, "sha256": hashlib.sha256,
    "sha384": hashlib.sha384, "sha512": hashlib.sha512,
}  # fmt: skip
# 32 hex characters (128 bits) of HMAC in the callback URL: unguessable, short enough to read.
CALLBACK_TOKEN_CHARS = 32

_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
_REL = re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


# -- discovery -----------------------------------------------------------------------------


def discover(
    link_header: str | None, url: str, hubs: tuple[str, ...], self_url: str | None
) -> tuple[str, str] | None:
    """The (hub, topic) a fetched feed advertises: its Link headers first, else its document."""
    header_hubs, header_self = _header_links(link_header, url)
    if header_hubs and header_self:
        return header_hubs[0], header_self
    if hubs and self_url:
        return hubs[0], self_url
    return None


def _header_links(value: str | None, url: str) -> tuple[list[str], str | None]:
    """``Link: <https://hub.example/>; rel="hub", </feed>; rel="self"`` -> hubs, self.

    Written by hand: the standard library has no Link header reader, and WebSub needs only
    the ``rel`` of each link (RFC 8288's other parameters are ignored)."""
    hubs: list[str] = []
    self_url = None
    for match in _LINK.finditer(value or ""):
        target = urljoin(url, match[1].strip()) if url else match[1].strip()
        if not target.startswith(("http://", "https://")):
            continue
        for rel_match in _REL.finditer(match[2]):
            rels = (rel_match[1] or rel_match[2] or "").lower().split()
            if "hub" in rels:
                hubs.append(target)
            if "self" in rels and self_url is None:
                self_url = target
    return hubs, self_url


# -- secrets and signatures ------------------------------------------------------------------


def _derived(master: str, purpose: str, feed: str, hub: str, topic: str) -> str:
    message = "\x00".join((purpose, feed, hub, topic)).encode()
    return hmac.new(master.encode(), message, hashlib.sha256).hexdigest()


def hub_secret(master: str, feed: str, hub: str, topic: str) -> str:
    """The ``hub.secret`` of one subscription: 64 hex characters (the limit is 200 bytes)."""
    return _derived(master, "hub.secret", feed, hub, topic)


def callback_token(master: str, feed: str, hub: str, topic: str) -> str:
    return _derived(master, "callback", feed, hub, topic)[:CALLBACK_TOKEN_CHARS]


def callback_url(base: str, feed: str, token: str) -> str:
    return f"{base.rstrip('/')}/websub/{quote(feed, safe='')}/{token}"


def token_matches(given: str, master: str, feed: str, hub: str, topic: str) -> bool:
    expected = callback_token(master, feed, hub, topic)
    return hmac.compare_digest(given.encode(), expected.encode())


def signature_valid(header: str | None, secret: str, body: bytes) -> bool:
    """Does ``X-Hub-Signature: <method>=<hex>`` sign ``body`` with ``secret``? Any of the four
    methods of the Recommendation; a missing or malformed header is not valid."""
    method, _, given = (header or "").strip().partition("=")
    digest = SIGNATURE_METHODS.get(method.strip().lower())
    if digest is None or not given:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


# -- what to ask of the hubs -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """One step for the subscriber: ``kind`` is subscribe, unsubscribe, expire or forget."""

    kind: str
    feed: str
    hub: str
    topic: str


def renewal_due(row: dict[str, Any], renew_before: timedelta) -> datetime | None:
    """When a verified subscription is renewed: ``renew_before`` its end, but never before
    half its lease (a hub granting a short lease is renewed at half-time)."""
    verified, lease_end = parse_iso(row.get("verified")), parse_iso(row.get("lease_end"))
    if verified is None or lease_end is None:
        return None
    return lease_end - min(renew_before, (lease_end - verified) / 2)


def plan_subscriptions(
    config: Config,
    adverts: dict[str, tuple[str | None, str | None]],
    subscriptions: dict[str, dict[str, Any]],
    now: datetime,
) -> list[Action]:
    """What to send to the hubs now, one action per feed at most (module docstring)."""
    websub = config.push.websub
    if websub is None or not config.push.enabled:
        return []
    wanted: dict[str, tuple[str, str]] = {}
    for feed in config.feeds:
        hub, topic = adverts.get(feed.name, (None, None))
        if feed.enabled and feed.websub and feed.polled and hub and topic:
            wanted[feed.name] = (hub, topic)
    actions = []
    for name in sorted(set(wanted) | set(subscriptions)):
        action = _plan_one(name, wanted.get(name), subscriptions.get(name), now, websub)
        if action is not None:
            actions.append(action)
    return actions


def _plan_one(
    name: str, wanted: tuple[str, str] | None, row: dict[str, Any] | None, now: datetime, websub
) -> Action | None:
    retry_due = row is not None and _since(row.get("requested"), now) >= websub.retry
    if wanted is None:
        assert row is not None
        if row["state"] in ("verified", "pending") and row["pending"] != "unsubscribe":
            return Action("unsubscribe", name, row["hub"], row["topic"])
        if row["state"] == "unsubscribing" and not retry_due:
            return None  # waiting for the hub to verify it
        return Action("forget", name, row["hub"], row["topic"])
    hub, topic = wanted
    if row is None or (row["hub"], row["topic"]) != (hub, topic):
        return Action("subscribe", name, hub, topic)
    state, lease_end = row["state"], parse_iso(row.get("lease_end"))
    if state == "verified" and lease_end is not None and lease_end <= now:
        return Action("expire", name, hub, topic)
    if state == "verified" and row["pending"] is None:
        due = renewal_due(row, websub.renew_before)
        return Action("subscribe", name, hub, topic) if due is not None and now >= due else None
    if state == "unsubscribing" or retry_due:  # a renewal unanswered is retried too
        return Action("subscribe", name, hub, topic)
    return None  # pending, or denied/failed/expired waiting for the retry


def _since(moment: str | None, now: datetime) -> timedelta:
    when = parse_iso(moment)
    return timedelta.max if when is None else now - when


# -- a hub's verification of intent ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    """How to answer one verification GET and what it changes: ``update`` (columns of the
    subscription), ``forget`` (delete it), ``poll_now`` (the feed's polling resumes)."""

    status: int
    body: str
    update: dict[str, Any] | None = None
    forget: bool = False
    poll_now: bool = False


NOT_PENDING = Verification(404, "no such pending subscription or unsubscription")


def answer_verification(
    row: dict[str, Any] | None, params: dict[str, str], now: datetime, default_lease: timedelta
) -> Verification:
    """The answer to ``GET <callback>?hub.mode=...``: the challenge only for what we asked."""
    mode, topic = params.get("hub.mode", ""), params.get("hub.topic", "")
    if row is None or topic != row["topic"]:
        return NOT_PENDING
    if mode == "denied":
        return Verification(
            200, "", update={"state": "denied", "pending": None, "lease_end": None,
                             "last_error": "hub denied: " + (params.get("hub.reason") or "no reason given")},
            poll_now=row["state"] == "verified",
        )  # fmt: skip
    challenge = params.get("hub.challenge", "")
    if not challenge or mode != row["pending"]:
        return NOT_PENDING
    if mode == "unsubscribe":
        return Verification(200, challenge, forget=True, poll_now=True)
    lease = _lease(params.get("hub.lease_seconds"), default_lease)
    update = {"state": "verified", "pending": None, "verified": now, "lease_end": now + lease,
              "last_error": None}  # fmt: skip
    return Verification(200, challenge, update=update)


def _lease(value: str | None, default: timedelta) -> timedelta:
    """The hub's ``hub.lease_seconds`` (it must send one; what we asked for if it did not)."""
    try:
        seconds = int(value or "")
    except ValueError:
        return default
    return timedelta(seconds=seconds) if seconds > 0 else default
