"""WebSub with real local servers: a small hub (tests/websub_hub.py, on pytest-httpserver) and
wirewatch's own receiver (waitress) on 127.0.0.1, storing into a real SQLite file.

A polled feed that names a hub is subscribed (topic = its self URL, a derived secret and
callback, the lease asked for); the hub's verification is answered only for what was asked;
signed deliveries are stored as websub deliveries, unsigned or badly signed ones ignored with
a 2xx; a verified feed is polled at the slower safety-net interval, a pending one at its own;
a short lease is renewed before it ends, an unrenewed one brings polling back; a feed removed
from the configuration is unsubscribed; a denial is recorded. Discovery and the plan are
checked as pure functions too.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from crawler.config import config_from_dict
from crawler.daemon import sync_store_with_config
from crawler.ingest import Fetched, commit, prepare
from crawler.push.server import PushApp, PushServer
from crawler.push.subscriber import HubError, WebSubSubscriber
from crawler.push.websub import (
    callback_token,
    discover,
    hub_secret,
    plan_subscriptions,
    renewal_due,
    signature_valid,
)
from crawler.storage import Store, iso, parse_iso
from tests.websub_hub import Hub, feed_document

MASTER = "websub-master-secret-for-tests"
STORY = {"guid": "story-1", "title": "Rockets hit near US embassy in Baghdad",
         "text": "BAGHDAD (Agency) - Rockets struck near the US embassy in Baghdad."}  # fmt: skip


class World:
    """The hub, the topic it serves, wirewatch's receiver and database, and a subscriber."""

    def __init__(self, tmp_path: Path, httpserver, *, feed_extra=None, websub_extra=None):
        self.tmp_path = tmp_path
        self.hub = Hub(httpserver).install()
        self.topic = httpserver.url_for("/feed")
        self.serve_feed(feed_document(self.hub.url, self.topic))
        self.config = None
        self.server = PushServer(
            PushApp(tmp_path / "w.db", lambda: self.config), host="127.0.0.1", port=0,
            threads=2, max_body=100_000,
        )  # fmt: skip
        self.feed = {"name": "agency", "url": self.topic, "interval": "10s",
                     "allow_private": True, **(feed_extra or {})}  # fmt: skip
        self.websub = {"callback": self.server.url, "secret": MASTER, "lease": "1h",
                       "renew_before": "1d", "poll_interval": "1h", "retry": "1h",
                       **(websub_extra or {})}  # fmt: skip
        self.configure([self.feed])
        self.server.start()
        self.store = Store(self.config.database)
        sync_store_with_config(self.store, self.config)
        self.subscriber = WebSubSubscriber(self.config.database, lambda: self.config)

    def configure(self, feeds: list[dict]) -> None:
        self.config = config_from_dict(
            {"database": "w.db", "feeds": feeds,
             "push": {"enabled": True, "port": 0, "websub": self.websub}},
            base_dir=self.tmp_path,
        )  # fmt: skip

    def serve_feed(self, body: bytes, headers: dict | None = None) -> None:
        self.hub.server.expect_request("/feed").respond_with_data(
            body, content_type="application/rss+xml", headers=headers or {}
        )

    def poll(self) -> datetime:
        """A poll of the topic as the spiders make it: fetched over HTTP, read, stored."""
        answer = requests.get(self.topic, timeout=10)
        now = datetime.now(timezone.utc)
        fetched = Fetched(
            feed="agency", url=self.topic, started=now, duration_s=0.0, http_status=200,
            body=answer.content, content_type=answer.headers.get("Content-Type"),
            links=answer.headers.get("Link"),
        )  # fmt: skip
        feed = self.config.feed("agency")
        prepared = prepare(self.store, fetched, now, max_bytes=100_000, feed=feed)
        commit(self.store, self.config, prepared, now, random.Random(1), feed=feed)
        return now

    def subscription(self) -> dict | None:
        return self.store.websub_subscription("agency")

    def wait_for_state(self, state: str, timeout_s: float = 10) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            row = self.subscription()
            if row is not None and row["state"] == state and row["pending"] is None:
                return row
            time.sleep(0.05)
        raise AssertionError(f"subscription not {state}: {self.subscription()}")

    def callback(self) -> str:
        row = self.subscription()
        token = callback_token(MASTER, "agency", row["hub"], row["topic"])
        return f"{self.server.url}/websub/agency/{token}"

    def articles(self) -> list[dict]:
        return self.store.query("SELECT guid, title FROM articles ORDER BY id")

    def close(self) -> None:
        self.server.stop()
        self.store.close()


@pytest.fixture
def world(tmp_path, httpserver):
    made = World(tmp_path, httpserver)
    yield made
    made.close()


def subscribed(world: World) -> dict:
    world.poll()
    world.subscriber.run_once(world.store)
    return world.wait_for_state("verified")


def test_a_feed_naming_a_hub_is_subscribed_and_the_hub_verification_answered(world):
    polled = world.poll()
    assert world.store.websub_adverts() == {"agency": (world.hub.url, world.topic)}
    (action,) = world.subscriber.run_once(world.store)
    assert action.kind == "subscribe"
    (request,) = world.hub.requests
    assert request["hub.mode"] == "subscribe" and request["hub.topic"] == world.topic
    assert request["hub.lease_seconds"] == "3600"
    assert request["hub.secret"] == hub_secret(MASTER, "agency", world.hub.url, world.topic)
    assert request["hub.callback"] == world.callback()
    row = world.wait_for_state("verified")
    assert world.hub.verified("subscribe")[0][0:2] == ("subscribe", 200)
    lease_end = parse_iso(row["lease_end"])
    assert timedelta(minutes=59) < lease_end - polled < timedelta(minutes=61)
    assert MASTER not in str(world.store.query("SELECT * FROM websub_subscriptions"))
    assert request["hub.secret"] not in str(world.store.query("SELECT * FROM websub_subscriptions"))
    assert world.subscriber.run_once(world.store) == []  # nothing more to ask


def test_a_verified_feed_is_polled_at_the_slower_safety_net_interval(world):
    subscribed(world)
    polled = world.poll()
    next_poll = parse_iso(world.store.feed_row("agency")["next_poll"])
    assert next_poll - polled == timedelta(hours=1)


def test_a_hub_that_never_verifies_leaves_the_subscription_pending_and_polling_as_it_was(
    world,
):
    world.hub.verify = False
    world.poll()
    world.subscriber.run_once(world.store)
    time.sleep(1.0)
    row = world.subscription()
    assert row["state"] == "pending" and row["pending"] == "subscribe"
    polled = world.poll()
    assert parse_iso(world.store.feed_row("agency")["next_poll"]) - polled == timedelta(seconds=10)
    assert world.subscriber.run_once(world.store) == []  # asked again only after push.websub.retry
    assert world.hub.modes() == ["subscribe"]
    # An unsigned delivery meanwhile is ignored, as always.
    answer = requests.post(world.callback(), data=b"<rss/>", timeout=10)
    assert answer.status_code == 202 and world.articles() == []


def test_signed_deliveries_are_stored_and_unsigned_or_badly_signed_ones_ignored(world):
    subscribed(world)
    document = feed_document(world.hub.url, world.topic, [STORY])
    answer = world.hub.publish(world.topic, document, method="sha1")
    assert answer.status_code == 202, answer.text
    assert [a["title"] for a in world.articles()] == [STORY["title"]]
    deliveries = world.store.query("SELECT via, new FROM deliveries")
    assert deliveries == [{"via": "websub", "new": 1}]
    assert world.hub.publish(world.topic, document).status_code == 200  # the same bytes
    for method in ("sha256", "sha384", "sha512"):
        other = dict(STORY, guid=f"story-{method}", title=f"Story signed with {method}")
        body = feed_document(world.hub.url, world.topic, [other])
        assert world.hub.publish(world.topic, body, method=method).status_code == 202
    forged = feed_document(world.hub.url, world.topic, [dict(STORY, guid="forged")])
    assert world.hub.publish(world.topic, forged, key="not-the-secret").status_code == 202
    assert world.hub.publish(world.topic, forged, method="md5").status_code == 202
    assert world.hub.publish(world.topic, forged, signed=False).status_code == 202
    assert "forged" not in {a["guid"] for a in world.articles()}
    assert len(world.articles()) == 4


def test_verification_is_answered_only_for_the_request_we_have_pending(world):
    subscribed(world)
    url = world.callback()
    asked = {"hub.mode": "subscribe", "hub.topic": world.topic, "hub.challenge": "c",
             "hub.lease_seconds": "60"}  # fmt: skip
    assert requests.get(url, params=asked, timeout=10).status_code == 404  # nothing pending
    wrong_token = url.rsplit("/", 1)[0] + "/" + "0" * 32
    assert requests.get(wrong_token, params=asked, timeout=10).status_code == 404
    unsubscribe = dict(asked, **{"hub.mode": "unsubscribe"})
    assert requests.get(url, params=unsubscribe, timeout=10).status_code == 404
    assert world.subscription()["state"] == "verified"


def test_a_short_lease_is_renewed_before_it_ends(world):
    world.hub.lease_s = 4
    first = subscribed(world)
    world.subscriber.start()
    try:
        deadline = time.monotonic() + 15
        while world.hub.modes().count("subscribe") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        renewed = world.wait_for_state("verified")
        while renewed["lease_end"] == first["lease_end"] and time.monotonic() < deadline:
            renewed = world.wait_for_state("verified")
    finally:
        world.subscriber.stop()
    assert world.hub.modes().count("subscribe") >= 2
    assert parse_iso(renewed["lease_end"]) > parse_iso(first["lease_end"])
    # Renewed at half of the 4 s lease (push.websub.renew_before is longer than the lease).
    assert parse_iso(renewed["verified"]) < parse_iso(first["lease_end"])


def test_a_lease_that_ends_unrenewed_brings_polling_back_to_its_pace(tmp_path, httpserver):
    world = World(tmp_path, httpserver, websub_extra={"poll_interval": "6h"})
    try:
        lapse_and_retry(world)
    finally:
        world.close()


def lapse_and_retry(world: World) -> None:
    row = subscribed(world)
    world.poll()  # now at the slow pace: next poll in 6 h, after the lease's end
    after = parse_iso(row["lease_end"]) + timedelta(seconds=1)

    def unreachable(hub, fields):
        raise HubError("cannot reach the hub: refused")

    late = WebSubSubscriber(world.config.database, lambda: world.config, lambda: after,
                            ask=unreachable)  # fmt: skip
    assert [a.kind for a in late.run_once(world.store)] == ["expire"]
    assert world.subscription()["state"] == "expired"
    assert parse_iso(world.store.feed_row("agency")["next_poll"]) == after
    # The hub is asked again once push.websub.retry has passed since the last request.
    retry = parse_iso(world.subscription()["requested"]) + timedelta(hours=1)
    later = WebSubSubscriber(world.config.database, lambda: world.config, lambda: retry,
                             ask=unreachable)  # fmt: skip
    assert [a.kind for a in later.run_once(world.store)] == ["subscribe"]
    assert world.subscription()["state"] == "failed"
    assert "cannot reach the hub" in world.subscription()["last_error"]


def test_a_feed_removed_from_the_configuration_is_unsubscribed(world):
    subscribed(world)
    callback = world.callback()
    world.configure([{"name": "other", "url": "https://other.test/feed"}])
    sync_store_with_config(world.store, world.config)
    (action,) = world.subscriber.run_once(world.store)
    assert action.kind == "unsubscribe"
    assert world.hub.requests[-1]["hub.mode"] == "unsubscribe"
    deadline = time.monotonic() + 10
    while world.subscription() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert world.subscription() is None
    assert ("unsubscribe", 200) in [v[:2] for v in world.hub.verified("unsubscribe")]
    # A delivery the hub had under way is told the subscription is gone.
    assert requests.post(callback, data=b"<rss/>", timeout=10).status_code == 410


def test_a_denied_subscription_is_recorded_with_the_hub_reason(world):
    world.hub.deny = True
    world.poll()
    world.subscriber.run_once(world.store)
    row = world.wait_for_state("denied")
    assert row["last_error"] == "hub denied: not allowed here"


def test_a_hub_on_a_private_address_is_refused_unless_the_feed_allows_it(tmp_path, httpserver):
    made = World(tmp_path, httpserver, feed_extra={"allow_private": False})
    try:
        made.poll()
        made.subscriber.run_once(made.store)
        row = made.subscription()
        assert row["state"] == "failed" and "not allowed" in row["last_error"]
        assert made.hub.requests == []
    finally:
        made.close()


def test_status_shows_websub_and_its_lease_end(world, tmp_path):
    import yaml

    from crawler.cli import main

    row = subscribed(world)
    config = {"database": "w.db", "feeds": [world.feed],
              "push": {"enabled": True, "websub": world.websub}}  # fmt: skip
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "config.yaml"), "status"])
    assert result.exit_code == 0, result.output
    lease_end = parse_iso(row["lease_end"])
    assert f"poll+websub until {lease_end:%Y-%m-%d %H:%M}Z" in result.output
    assert MASTER not in result.output


# -- pure decisions ----------------------------------------------------------------------------

NOW = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)
HUB, TOPIC = "https://hub.test/", "https://agency.test/feed"


def plan_config(**feed):
    return config_from_dict({
        "feeds": [{"name": "agency", "url": TOPIC, **feed}],
        "push": {"enabled": True, "websub": {"callback": "https://me.test", "secret": MASTER,
                                             "renew_before": "1d", "retry": "1h"}},
    })  # fmt: skip


def row(state="verified", pending=None, verified=NOW - timedelta(days=6),
        lease_end=NOW + timedelta(days=1, minutes=1), requested=None, hub=HUB):  # fmt: skip
    return {"feed": "agency", "hub": hub, "topic": TOPIC, "state": state, "pending": pending,
            "verified": iso(verified), "lease_end": iso(lease_end),
            "requested": iso(requested or verified)}  # fmt: skip


@pytest.mark.parametrize(
    "subscription, at, expected",
    [
        (None, NOW, ["subscribe"]),
        (row(), NOW, []),  # a day and a minute left: renewed a day before its end
        (row(), NOW + timedelta(minutes=2), ["subscribe"]),
        (row(pending="subscribe", requested=NOW), NOW + timedelta(minutes=30), []),
        (row(pending="subscribe", requested=NOW), NOW + timedelta(minutes=61), ["subscribe"]),
        (row(lease_end=NOW), NOW, ["expire"]),
        (row(state="pending", pending="subscribe", requested=NOW), NOW + timedelta(hours=2),
         ["subscribe"]),
        (row(state="denied", requested=NOW), NOW + timedelta(minutes=5), []),
        (row(state="failed", requested=NOW), NOW + timedelta(hours=1), ["subscribe"]),
        (row(hub="https://old-hub.test/"), NOW, ["subscribe"]),  # the feed moved hubs
    ],
)  # fmt: skip
def test_the_plan_for_a_wanted_feed(subscription, at, expected):
    subscriptions = {"agency": subscription} if subscription else {}
    actions = plan_subscriptions(plan_config(), {"agency": (HUB, TOPIC)}, subscriptions, at)
    assert [a.kind for a in actions] == expected


@pytest.mark.parametrize(
    "feed, advert, subscription, expected",
    [
        ({"enabled": False}, (HUB, TOPIC), row(), ["unsubscribe"]),
        ({"websub": False}, (HUB, TOPIC), row(), ["unsubscribe"]),
        ({}, (None, None), row(), ["unsubscribe"]),  # the feed no longer names a hub
        ({}, (None, None), row(state="denied"), ["forget"]),
        ({}, (None, None), row(state="unsubscribing", pending="unsubscribe", requested=NOW), []),
        ({}, (None, None), None, []),
    ],
)
def test_the_plan_for_a_feed_no_longer_wanted(feed, advert, subscription, expected):
    subscriptions = {"agency": subscription} if subscription else {}
    actions = plan_subscriptions(plan_config(**feed), {"agency": advert}, subscriptions, NOW)
    assert [a.kind for a in actions] == expected


def test_renewal_comes_at_half_a_lease_shorter_than_renew_before():
    short = row(verified=NOW, lease_end=NOW + timedelta(hours=2))
    assert renewal_due(short, timedelta(days=1)) == NOW + timedelta(hours=1)
    long = row(verified=NOW, lease_end=NOW + timedelta(days=10))
    assert renewal_due(long, timedelta(days=1)) == NOW + timedelta(days=9)


@pytest.mark.parametrize(
    "header, hubs, self_url, expected",
    [
        ('<https://hub.test/>; rel="hub", </feed.xml>; rel="self"', (), None,
         ("https://hub.test/", "https://agency.test/feed.xml")),
        ('<https://hub.test/>; rel="hub", <https://agency.test/f>; rel="self"',
         ("https://doc-hub.test/",), "https://agency.test/doc",
         ("https://hub.test/", "https://agency.test/f")),  # headers win over the document
        (None, ("https://doc-hub.test/",), "https://agency.test/doc",
         ("https://doc-hub.test/", "https://agency.test/doc")),
        ('<https://hub.test/>; rel="hub"', ("https://doc-hub.test/",), "https://agency.test/d",
         ("https://doc-hub.test/", "https://agency.test/d")),  # headers name no self
        (None, ("https://doc-hub.test/",), None, None),  # no self URL: no topic
        ('<https://hub.test/>; rel="nothub self"', (), None, None),
    ],
)  # fmt: skip
def test_discovery_takes_link_headers_first_then_the_document(header, hubs, self_url, expected):
    assert discover(header, "https://agency.test/feed", hubs, self_url) == expected


@pytest.mark.parametrize(
    "document, hubs, self_url",
    [
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id>'
         b'<link rel="hub" href="https://hub.test/"/><link rel="self" href="/atom.xml"/>'
         b"<entry><id>1</id><title>a</title></entry></feed>",
         ("https://hub.test/",), "https://agency.test/atom.xml"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "t",'
         b' "feed_url": "https://agency.test/feed.json",'
         b' "hubs": [{"type": "rssCloud", "url": "https://cloud.test/"},'
         b' {"type": "WebSub", "url": "https://hub.test/"}], "items": [{"id": "1", "title": "a"}]}',
         ("https://hub.test/",), "https://agency.test/feed.json"),
        (feed_document("https://hub.test/", "https://agency.test/rss.xml"),
         ("https://hub.test/",), "https://agency.test/rss.xml"),
    ],
)  # fmt: skip
def test_feeds_name_their_hub_and_self_url(document, hubs, self_url):
    from crawler.feeds import parse_feed

    parsed = parse_feed(document, url="https://agency.test/feed", now=NOW)
    assert (parsed.hubs, parsed.self_url) == (hubs, self_url)


def test_signatures_of_the_four_methods_and_nothing_else():
    import hashlib
    import hmac

    body = b"<rss/>"
    for method in ("sha1", "sha256", "sha384", "sha512"):
        digest = hmac.new(b"k", body, getattr(hashlib, method)).hexdigest()
        assert signature_valid(f"{method}={digest}", "k", body)
        assert signature_valid(f"{method.upper()}={digest.upper()}", "k", body)
        assert not signature_valid(f"{method}={digest}", "other", body)
    md5 = hmac.new(b"k", body, hashlib.md5).hexdigest()
    assert not signature_valid(f"md5={md5}", "k", body)
    assert not signature_valid(None, "k", body) and not signature_valid("sha1=", "k", body)
