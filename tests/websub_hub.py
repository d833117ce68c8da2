"""A small WebSub hub for the tests: a real HTTP server (pytest-httpserver) that takes
subscription requests, verifies the subscriber's intent at its callback the way the W3C
Recommendation says (a GET with hub.challenge, asynchronously after a 202), and distributes
content signed with each subscription's hub.secret. It can be told to grant short leases, to
never verify, to deny, or to sign with another method or a wrong key.

It serves the topic too: a feed document that names the hub and its own self URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Agency</title><link>https://agency.test/</link>
<atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{topic}"/>
{items}
</channel></rss>
"""
ITEM = """<item><title>{title}</title><link>https://agency.test/{guid}</link><guid>{guid}</guid>
<pubDate>{date}</pubDate><description>{text}</description></item>"""


def feed_document(hub: str, topic: str, items: list[dict[str, str]] = ()) -> bytes:
    rendered = "".join(
        ITEM.format(date=i.get("date", "Sun, 16 Feb 2020 00:58:05 GMT"), **{
            k: v for k, v in i.items() if k != "date"})
        for i in items
    )  # fmt: skip
    return FEED.format(hub=hub, topic=topic, items=rendered).encode()


@dataclass
class Subscription:
    callback: str
    secret: str | None
    lease_s: int
    verified: bool = False


@dataclass
class Hub:
    """The hub's behaviour and what it saw."""

    server: HTTPServer
    lease_s: int | None = None  # None: grant what the subscriber asked
    verify: bool = True  # False: answer 202 and never verify
    deny: bool = False
    requests: list[dict[str, str]] = field(default_factory=list)
    verifications: list[tuple[str, int, str]] = field(default_factory=list)  # mode, status, body
    subscriptions: dict[str, Subscription] = field(default_factory=dict)  # topic -> subscription
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return self.server.url_for("/hub")

    def verified(self, mode: str, timeout_s: float = 10) -> list[tuple[str, int, str]]:
        """The verifications once one of ``mode`` has completed: the subscriber stores its
        answer before the hub has read the response, so a test waits for the hub too."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if any(v[0] == mode for v in self.verifications):
                    return list(self.verifications)
            time.sleep(0.02)
        raise AssertionError(f"no {mode} verification completed: {self.verifications}")

    def install(self) -> Hub:
        self.server.expect_request("/hub", method="POST").respond_with_handler(self._request)
        return self

    def _request(self, request: Request) -> Response:
        fields = {k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()}
        with self.lock:
            self.requests.append(fields)
        if fields.get("hub.mode") not in ("subscribe", "unsubscribe") or not fields.get(
            "hub.callback"
        ):
            return Response("bad request", status=400)
        if self.verify or self.deny:
            threading.Thread(target=self._verify, args=(fields,), daemon=True).start()
        return Response("", status=202)

    def _verify(self, fields: dict[str, str]) -> None:
        mode, topic, callback = fields["hub.mode"], fields["hub.topic"], fields["hub.callback"]
        if self.deny:
            params = {"hub.mode": "denied", "hub.topic": topic, "hub.reason": "not allowed here"}
            answer = requests.get(callback, params=params, timeout=10)
            with self.lock:
                self.verifications.append(("denied", answer.status_code, answer.text))
            return
        challenge = secrets.token_hex(8)
        lease_s = self.lease_s or int(fields.get("hub.lease_seconds") or 3600)
        params = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
        if mode == "subscribe":
            params["hub.lease_seconds"] = str(lease_s)
        answer = requests.get(callback, params=params, timeout=10)
        confirmed = answer.status_code == 200 and answer.text == challenge
        with self.lock:
            self.verifications.append((mode, answer.status_code, answer.text))
            if confirmed and mode == "subscribe":
                self.subscriptions[topic] = Subscription(
                    callback, fields.get("hub.secret"), lease_s, verified=True
                )
            elif confirmed:
                self.subscriptions.pop(topic, None)

    def publish(
        self,
        topic: str,
        body: bytes,
        *,
        method: str = "sha256",
        key: str | None = None,
        signed: bool = True,
    ) -> requests.Response:
        """Distribute ``body`` to the topic's subscriber, signed with its hub.secret (or
        ``key``), as the hub does after a publisher's ping."""  # fmt: skip
        subscription = self.subscriptions[topic]
        headers = {"Content-Type": "application/rss+xml",
                   "Link": f'<{self.url}>; rel="hub", <{topic}>; rel="self"'}  # fmt: skip
        if signed:
            secret = (key or subscription.secret or "").encode()
            digest = hmac.new(secret, body, getattr(hashlib, method)).hexdigest()
            headers["X-Hub-Signature"] = f"{method}={digest}"
        return requests.post(subscription.callback, data=body, headers=headers, timeout=10)

    def modes(self) -> list[str]:
        with self.lock:
            return [r.get("hub.mode", "") for r in self.requests]
