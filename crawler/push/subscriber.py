"""The WebSub subscriber thread of the daemon: carries out what crawler.push.websub plans.

Every ``CHECK_EVERY_S`` it reads what each feed advertises and the stored subscriptions, asks
:func:`crawler.push.websub.plan_subscriptions` what to do, and does it: a form POST to the hub
for a subscription (``hub.mode``, ``hub.topic``, ``hub.callback``, ``hub.secret``,
``hub.lease_seconds``) or an unsubscription. The request is recorded as pending BEFORE it is
sent, since a hub may verify it before its answer arrives. A hub that answers other than 2xx,
or cannot be reached, leaves the subscription ``failed`` with the reason, tried again after
``push.websub.retry`` (a renewal that fails keeps the running lease). A hub on a private or
local address is refused unless its feed has ``allow_private: true``, as its polls are (an
unsubscription goes to the hub that was subscribed, checked then).

Redirects are not followed: a 307/308 (a hub moving) is recorded as the failure's reason.
The POST goes through urllib (the standard library), as the alert channels' do: one form
request needs no HTTP client library.

What this module leaves to others: the decisions (crawler.push.websub), the hubs' requests to
wirewatch (crawler.push.callback), the polls that discover hubs (crawler.ingest).
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from crawler.config import Config
from crawler.errors import FeedError
from crawler.push.websub import Action, callback_token, callback_url, hub_secret, plan_subscriptions
from crawler.storage import Store
from crawler.urls import check_public_url

log = logging.getLogger(__name__)

# How often the plan is made: a query of two small tables; a newly discovered hub is asked
# within this time of the poll that found it.
CHECK_EVERY_S = 1.0
HUB_TIMEOUT_S = 20.0
USER_AGENT = "wirewatch-websub/0.1"
ANSWER_CHARS = 200

_OPENER = urllib.request.OpenerDirector()  # HTTP(S) only, and no redirect handler
for _handler in (
    urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(),
):  # fmt: skip
    _OPENER.add_handler(_handler)


class HubError(Exception):
    """A hub refused a request or could not be reached; ``str(e)`` says which, in one line."""


def ask_hub(hub: str, fields: dict[str, str], timeout_s: float = HUB_TIMEOUT_S) -> int:
    """POST ``fields`` form-encoded to ``hub``; the 2xx status, or HubError."""
    data = urlencode(fields).encode()
    request = urllib.request.Request(hub, data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    request.add_header("User-Agent", USER_AGENT)
    try:
        with _OPENER.open(request, timeout=timeout_s) as response:
            return response.status
    except urllib.error.HTTPError as e:
        answer = e.read(ANSWER_CHARS).decode("utf-8", "replace").strip().replace("\n", " ")
        moved = e.headers.get("Location") if e.code in (301, 302, 307, 308) else None
        detail = f" (moved to {moved}, not followed)" if moved else f": {answer}" if answer else ""
        raise HubError(f"hub answered HTTP {e.code}{detail}") from None
    except TimeoutError:
        raise HubError(f"hub did not answer within {timeout_s:g}s") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise HubError(f"cannot reach the hub: {reason}") from None


class WebSubSubscriber:
    """Keeps the daemon's WebSub subscriptions in step, on its own thread until :meth:`stop`."""

    def __init__(
        self,
        db_path: Path,
        config: Callable[[], Config],
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        ask: Callable[[str, dict[str, str]], int] = ask_hub,
    ):
        self.db_path = db_path
        self.config = config
        self.clock = clock
        self.ask = ask
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="websub", daemon=True)

    def start(self) -> WebSubSubscriber:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=HUB_TIMEOUT_S + 5)

    def _run(self) -> None:
        store = Store(self.db_path)
        try:
            while not self._stop.is_set():
                try:
                    self.run_once(store)
                except Exception:  # loop boundary: the next round tries again
                    log.exception("websub round failed; trying again")
                self._stop.wait(CHECK_EVERY_S)
        finally:
            store.close()

    def run_once(self, store: Store) -> list[Action]:
        """Plan and carry out one round; returns the actions taken."""
        config, now = self.config(), self.clock()
        actions = plan_subscriptions(
            config, store.websub_adverts(), store.websub_subscriptions(), now
        )
        for action in actions:
            try:
                self._carry_out(store, config, action, now)
            except Exception:  # one feed's surprise must not stop the others
                log.exception("websub action failed feed=%s action=%s", action.feed, action.kind)
        return actions

    def _carry_out(self, store: Store, config: Config, action: Action, now: datetime) -> None:
        websub = config.push.websub
        assert websub is not None
        name, hub, topic = action.feed, action.hub, action.topic
        if action.kind == "forget":
            store.forget_websub_subscription(name)
            log.info("websub subscription forgotten feed=%s hub=%s", name, hub)
            return
        if action.kind == "expire":
            store.save_websub_subscription(name, {"state": "expired", "lease_end": None})
            store.poll_feed_now(name, now)  # its hub no longer pushes: poll at the normal pace
            log.warning("websub lease ended unrenewed feed=%s hub=%s", name, hub)
            return
        master = websub.secret.get_secret_value()
        token = callback_token(master, name, hub, topic)
        fields = {"hub.mode": action.kind, "hub.topic": topic,
                  "hub.callback": callback_url(websub.callback, name, token)}  # fmt: skip
        before = store.websub_subscription(name)
        renewing = (
            action.kind == "subscribe" and before is not None and before["state"] == "verified"
            and (before["hub"], before["topic"]) == (hub, topic)
        )  # fmt: skip
        if action.kind == "subscribe":
            fields["hub.secret"] = hub_secret(master, name, hub, topic)
            fields["hub.lease_seconds"] = str(int(websub.lease.total_seconds()))
            state = "verified" if renewing else "pending"
        else:
            state = "unsubscribing"
        store.save_websub_subscription(
            name,
            {"hub": hub, "topic": topic, "state": state, "pending": action.kind,
             "requested": now, "last_error": None}
            | ({} if renewing or action.kind == "unsubscribe"
               else {"verified": None, "lease_end": None}),
        )  # fmt: skip
        try:
            if action.kind == "subscribe":  # an unsubscription goes where we subscribed
                feed = config.feed(name)
                check_public_url(hub, allow_private=bool(feed and feed.allow_private))
            status = self.ask(hub, fields)
        except (HubError, FeedError) as e:
            failed = {"last_error": str(e)}
            if not renewing and action.kind == "subscribe":
                failed |= {"state": "failed", "pending": None}
            store.save_websub_subscription(name, failed)
            log.warning("websub %s failed feed=%s hub=%s error=%s", action.kind, name, hub, e)
            return
        log.info("websub %s requested feed=%s hub=%s topic=%s status=%d", action.kind, name,
                 hub, topic, status)  # fmt: skip
