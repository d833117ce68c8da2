"""Feed ingestion, the core side of polling: what a fetched feed body becomes in the database.

The fetcher (``spiders/``) only fetches. For each feed request it hands over a :class:`Fetched`
(status, validators, body, or the transport error) and this module decides everything else:

* :func:`prepare` reads the body: a 304 or a body identical to the last one (``feeds.body_hash``)
  is not parsed at all; anything else goes through :func:`crawler.feeds.parse_feed`, told the
  raw hashes of the last body's items (``feeds.item_hashes``) so that only the items that
  changed are read, and the entries that are new or changed since the last poll are listed so
  that a ``full_text: true`` feed can fetch their pages (:attr:`Prepared.wanted_pages`).
* :func:`commit` writes, in ONE transaction, the entries (upsert keyed on feed + GUID, so a
  re-poll adds nothing and a changed entry keeps its first-seen time), the poll record and the
  feed's new state (validators, body hash, health, next poll). :func:`commit_polls` does the
  same for several polls in one transaction, each in a savepoint of its own (a poll batch).
* :func:`plan_health` is the pure decision behind the feed's next poll: the feed's interval on
  success, stretched to what the server asked (``Retry-After``, ``Cache-Control: max-age``);
  exponential backoff with jitter on errors, capped at ``fetch.backoff_max``; flagged after
  ``fetch.flag_after_failures`` consecutive failures; any success resets it all.
* :func:`replay` feeds saved files (``wirewatch replay DIR``) through the same two steps.

What it leaves to others: HTTP and its manners (spiders/), parsing (crawler.feeds), page text
extraction (crawler.fulltext), SQL (crawler.storage), and everything that happens to an article
after it is stored (crawler.pipeline).
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from crawler.config import Config, FeedConfig, FetchConfig
from crawler.errors import FeedError, StorageError
from crawler.feeds import parse_feed
from crawler.push.websub import discover
from crawler.storage import Store
from crawler.types import Entry, PollResult
from crawler.urls import redact_url

log = logging.getLogger(__name__)

STATUSES = ("ok", "not_modified", "unchanged", "error")

# Each consecutive error doubles the wait (interval, 2x, 4x ...) up to fetch.backoff_max; the
# wait is then shortened by up to this fraction, at random, so that feeds that failed together
# (one outage) do not all come back in the same second.
BACKOFF_JITTER_FRACTION = 0.25
# 2**30 intervals is far beyond any cap: stop doubling there so the arithmetic stays small.
BACKOFF_MAX_DOUBLINGS = 30
# Error texts are kept to one readable line in feeds.last_error and polls.error.
ERROR_MAX_CHARS = 300

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
REPLAY_PREFIX = "replay:"


@dataclass(frozen=True, slots=True)
class Fetched:
    """What the fetcher hands over for one feed request. ``error`` is set when no usable HTTP
    response arrived (timeout, refused, too big, forbidden by robots.txt ...); it must already
    be free of credentials."""

    feed: str
    url: str
    started: datetime
    duration_s: float
    http_status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: str | None = None
    cache_control: str | None = None
    links: str | None = None  # the HTTP Link header(s), joined by commas (WebSub discovery)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A fetched feed read and judged, not yet stored.

    ``entries`` leaves out the items known unchanged from the last body. ``fingerprints`` maps
    each entry's GUID to the hash that decides "changed"; it is computed on the entry as the
    feed gave it, so an article whose text was replaced by its full page is not seen as changed
    at the next poll. ``wanted_pages`` are the new or changed entries whose page should be
    fetched (``full_text: true`` feeds only). ``item_hashes`` is the new ``feeds.item_hashes``.
    """

    fetched: Fetched
    status: str
    entries: tuple[Entry, ...] = ()
    fingerprints: Mapping[str, str] | None = None
    wanted_pages: tuple[Entry, ...] = ()
    body_hash: str | None = None
    item_hashes: str | None = None
    error: str | None = None
    websub: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """The health part of a feed's state after one poll (a decision of :func:`plan_health`)."""

    next_poll: datetime
    consecutive_errors: int
    flagged: bool


# --------------------------------------------------------------------------------------------
# Pure decisions
# --------------------------------------------------------------------------------------------


def plan_health(
    *,
    failed: bool,
    consecutive_errors: int,
    now: datetime,
    interval: timedelta,
    fetch: FetchConfig,
    rng: random.Random,
    asked_wait: timedelta | None = None,
) -> FeedHealth:
    """Decide when to poll a feed next and whether it is flagged, after one poll.

    ``consecutive_errors`` is the count before this poll; ``asked_wait`` is what the server asked
    for (Retry-After, max-age), already capped. A success always resets the count and the flag,
    so a feed recovers as soon as it answers again.
    """
    if not failed:
        wait = max(interval, asked_wait or timedelta(0))
        return FeedHealth(next_poll=now + wait, consecutive_errors=0, flagged=False)
    errors = consecutive_errors + 1
    doublings = min(errors - 1, BACKOFF_MAX_DOUBLINGS)
    backoff = min(fetch.backoff_max, interval * 2**doublings)
    backoff *= 1 - BACKOFF_JITTER_FRACTION * rng.random()
    wait = max(backoff, asked_wait or timedelta(0))
    return FeedHealth(
        next_poll=now + wait,
        consecutive_errors=errors,
        flagged=errors >= fetch.flag_after_failures,
    )


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` (delay in seconds, or an HTTP-date) -> how long to wait; None if absent
    or unreadable. A date in the past means "now" (zero)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(timedelta(0), when - now)


def parse_max_age(cache_control: str | None) -> timedelta | None:
    """``Cache-Control: max-age=N`` -> N seconds; None when absent."""
    match = _MAX_AGE.search(cache_control or "")
    return timedelta(seconds=int(match[1])) if match else None


def asked_wait(fetched: Fetched, now: datetime, cap: timedelta) -> timedelta | None:
    """The longest wait the server asked for, capped at ``cap`` (fetch.backoff_max): a server
    saying "come back in a year" must not silence a feed for a year."""
    waits = [
        wait
        for wait in (
            parse_retry_after(fetched.retry_after, now),
            parse_max_age(fetched.cache_control),
        )
        if wait is not None
    ]
    return min(max(waits), cap) if waits else None


def entry_fingerprint(entry: Entry) -> str:
    """The hash deciding whether a stored entry changed: what the feed says about it.

    A wire item's withdrawal or embargo is part of it (a story canceled with its text unchanged
    has changed); they are added only when set, so other entries keep their hashes."""
    text = "\x1f".join((entry.url or "", entry.title, entry.summary, entry.content))
    if entry.pub_status or entry.embargoed:
        text += f"\x1f{entry.pub_status}\x1f{entry.embargoed}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def body_fingerprint(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def one_line(text: str) -> str:
    """An error text fit for a log line and a database cell: one line, bounded."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= ERROR_MAX_CHARS else flat[: ERROR_MAX_CHARS - 1] + "…"


def summarize(results: Iterable[PollResult]) -> dict[str, int]:
    """Batch figures: feeds polled, articles new and updated, and feeds per status."""
    summary = {"feeds": 0, "new": 0, "updated": 0, "bytes": 0} | dict.fromkeys(STATUSES, 0)
    for result in results:
        summary["feeds"] += 1
        summary["new"] += result.new
        summary["updated"] += result.updated
        summary["bytes"] += result.bytes
        summary[result.status] += 1
    summary["errors"] = summary.pop("error")
    return summary


# --------------------------------------------------------------------------------------------
# Reading a fetched feed, then storing it
# --------------------------------------------------------------------------------------------


def prepare(
    store: Store,
    fetched: Fetched,
    now: datetime,
    *,
    max_bytes: int,
    feed: FeedConfig | None = None,
    compare_body: bool = True,
) -> Prepared:
    """Judge one fetched feed and parse it when needed. Reads the store, writes nothing.

    ``feed`` gives the parsing hints (language, outlet) and ``full_text``; it is None for a
    replayed file that no configured feed points at. ``compare_body=False`` parses even a body
    identical to the last one, and every item of it (replay).
    """
    if fetched.error is not None:
        return Prepared(fetched, "error", error=one_line(fetched.error))
    if fetched.http_status == 304:
        return Prepared(fetched, "not_modified")
    if fetched.http_status is not None and not 200 <= fetched.http_status < 300:
        return Prepared(fetched, "error", error=f"HTTP {fetched.http_status}")
    if not fetched.body.strip():
        return Prepared(fetched, "error", error="empty body")
    digest = body_fingerprint(fetched.body)
    last = (store.feed_row(fetched.feed) or {}) if compare_body else {}
    if last.get("body_hash") == digest:
        return Prepared(fetched, "unchanged", body_hash=digest)
    try:
        parsed = parse_feed(
            fetched.body,
            url=fetched.url,
            now=now,
            content_type=fetched.content_type,
            feed_lang=feed.language if feed else None,
            source=feed.outlet if feed else None,
            max_bytes=max_bytes,
            known_items=frozenset((last.get("item_hashes") or "").split()),
        )
    except FeedError as e:
        return Prepared(fetched, "error", error=one_line(str(e)))
    if not parsed.entries and not parsed.unchanged_items and parsed.problems:
        return Prepared(fetched, "error", error=one_line(f"not a feed: {parsed.problems[0]}"))
    # parse_feed keeps one entry per GUID (a repeat is reported in its problems), so the
    # fingerprints below map one to one.
    entries = parsed.entries
    fingerprints = {entry.guid: entry_fingerprint(entry) for entry in entries}
    return Prepared(
        fetched,
        "ok",
        entries=entries,
        fingerprints=fingerprints,
        wanted_pages=_wanted_pages(store, fetched.feed, feed, entries, fingerprints),
        body_hash=digest,
        item_hashes=" ".join(parsed.item_hashes) or None,
        error=one_line("; ".join(parsed.problems)) if parsed.problems else None,
        websub=discover(fetched.links, fetched.url, parsed.hubs, parsed.self_url),
    )


def _wanted_pages(
    store: Store,
    name: str,
    feed: FeedConfig | None,
    entries: tuple[Entry, ...],
    fingerprints: Mapping[str, str],
) -> tuple[Entry, ...]:
    """Entries of a full-text feed that are new or changed and link to a web page."""
    if feed is None or not feed.full_text or not entries:
        return ()
    stored = store.article_hashes(name, fingerprints)
    return tuple(
        entry
        for entry in entries
        if entry.url
        and entry.url.startswith(("http://", "https://"))
        and stored.get(entry.guid) != fingerprints[entry.guid]
    )


@dataclass(frozen=True, slots=True)
class ReadyPoll:
    """A poll ready to be stored: the prepared feed, the pages of its new entries (full-text
    feeds: GUID -> HTML) and the feed's configuration when the caller has it at hand."""

    prepared: Prepared
    pages: Mapping[str, str] | None = None
    feed: FeedConfig | None = None


@dataclass(frozen=True, slots=True)
class _StoredPoll:
    result: PollResult
    previous: Mapping[str, Any]  # the feed row before the poll
    update: Mapping[str, Any]  # what the poll changed in it


def commit(
    store: Store,
    config: Config,
    prepared: Prepared,
    now: datetime,
    rng: random.Random,
    *,
    pages: Mapping[str, str] | None = None,
    update_feed: bool = True,
    feed: FeedConfig | None = None,
) -> PollResult:
    """Store one poll: entries, poll record and feed state, in one transaction.

    ``pages`` maps a GUID to the HTML of its page (full-text feeds); the extracted text replaces
    the entry's content when it is longer. ``update_feed=False`` (replay) records the poll and
    the entries but leaves the feed's validators, health and schedule alone. ``feed`` is the
    feed's configuration when the caller has it at hand (else it is looked up by name).
    """
    started = time.perf_counter()
    with store.transaction():
        stored = _store_poll(store, config, ReadyPoll(prepared, pages, feed), now, rng, update_feed)
    _log_poll(stored, store_s=time.perf_counter() - started)
    return stored.result


def commit_polls(
    store: Store, config: Config, polls: Iterable[ReadyPoll], now: datetime, rng: random.Random
) -> list[PollResult]:
    """Store several polls as :func:`commit` does, in ONE transaction: what a poll batch pays.

    Each poll is written in a savepoint of its own: one whose writes fail is undone alone and
    logged, and is missing from the results (its feed keeps its last state, so it is polled
    again when due); the others are stored. Nothing is logged as stored before the transaction
    has committed.
    """
    started = time.perf_counter()
    stored: list[_StoredPoll] = []
    with store.transaction():
        for poll in polls:
            try:
                with store.savepoint():
                    stored.append(_store_poll(store, config, poll, now, rng, update_feed=True))
            except StorageError:  # the database refuses (disk full ...): so it does every poll
                raise
            except Exception:  # one feed's surprise must not lose the others' polls
                log.exception("poll not stored feed=%s", poll.prepared.fetched.feed)
    store_s = (time.perf_counter() - started) / max(1, len(stored))  # each poll's share
    for poll in stored:
        _log_poll(poll, store_s=store_s)
    return [poll.result for poll in stored]


def _store_poll(
    store: Store,
    config: Config,
    poll: ReadyPoll,
    now: datetime,
    rng: random.Random,
    update_feed: bool,
) -> _StoredPoll:
    """Write one poll inside the caller's transaction."""
    prepared = poll.prepared
    fetched = prepared.fetched
    entries = _with_page_texts(prepared.entries, poll.pages or {})
    fingerprints = prepared.fingerprints or {}
    previous = store.feed_row(fetched.feed) or {}
    new, updated = (
        store.upsert_entries(fetched.feed, entries, now, lambda e: fingerprints[e.guid])
        if entries
        else (0, 0)
    )
    result = PollResult(
        feed=fetched.feed,
        started=fetched.started,
        duration_s=fetched.duration_s,
        status=prepared.status,
        http_status=fetched.http_status,
        bytes=len(fetched.body),
        new=new,
        updated=updated,
        error=prepared.error,
    )
    update: dict[str, Any] = {}
    if update_feed:
        health = plan_health(
            failed=prepared.status == "error",
            consecutive_errors=previous.get("consecutive_errors") or 0,
            now=now,
            interval=_interval(config, poll.feed or config.feed(fetched.feed), store, now),
            fetch=config.fetch,
            rng=rng,
            asked_wait=asked_wait(fetched, now, config.fetch.backoff_max),
        )
        update = feed_update(prepared, health, now)
    store.record_poll(result, update)
    return _StoredPoll(result, previous, update)


def feed_update(prepared: Prepared, health: FeedHealth, now: datetime) -> dict[str, Any]:
    """The feed row's new values after a poll with this outcome and health."""
    fetched = prepared.fetched
    update: dict[str, Any] = {
        "last_poll": fetched.started,
        "last_status": prepared.status,
        "last_http_status": fetched.http_status,
        "consecutive_errors": health.consecutive_errors,
        "flagged": int(health.flagged),
        "next_poll": health.next_poll,
    }
    if prepared.status == "error":
        update["last_error"] = prepared.error
        return update
    update["last_success"] = now
    update["last_error"] = None
    if prepared.status in ("ok", "unchanged"):
        # A full answer states the validators: one it no longer sends must be forgotten.
        update.update(etag=fetched.etag, last_modified=fetched.last_modified)
        update["body_hash"] = prepared.body_hash
        if prepared.status == "ok":  # an identical body has the same items and links
            update["item_hashes"] = prepared.item_hashes
            hub, topic = prepared.websub or (None, None)
            update.update(websub_hub=hub, websub_topic=topic)
    else:  # a 304 may omit validators that still hold
        update.update(
            {
                k: v
                for k, v in (("etag", fetched.etag), ("last_modified", fetched.last_modified))
                if v
            }
        )
    return update


def _interval(config: Config, feed: FeedConfig | None, store: Store, now: datetime) -> timedelta:
    """The feed's polling interval; slower while a WebSub hub pushes it (a verified lease)."""
    if feed is None:
        return config.fetch.default_interval
    lease_end = store.websub_lease_end(feed.name) if config.websub_active else None
    return config.feed_interval(feed, websub_verified=lease_end is not None and lease_end > now)


def _with_page_texts(entries: tuple[Entry, ...], pages: Mapping[str, str]) -> tuple[Entry, ...]:
    if not pages:
        return entries
    return tuple(_with_page_text(entry, pages.get(entry.guid)) for entry in entries)


def _with_page_text(entry: Entry, html: str | None) -> Entry:
    if not html or not entry.url:
        return entry
    # Imported here: trafilatura takes ~0.1 s to import, paid by every poll child at start-up
    # although only full_text feeds need it.
    from crawler.fulltext import extract_article_text

    try:
        text = extract_article_text(html, entry.url)
    except Exception as e:  # one bad page must not lose the feed's poll
        log.warning("page text failed url=%s error=%s", redact_url(entry.url), one_line(repr(e)))
        return entry
    if text and len(text) > len(entry.content):
        return replace(entry, content=text)
    return entry


def _log_poll(stored: _StoredPoll, store_s: float) -> None:
    result, previous, update = stored.result, stored.previous, stored.update
    if result.status == "error":
        log.warning(
            "poll failed feed=%s http=%s consecutive_errors=%s next_poll=%s error=%s",
            result.feed,
            result.http_status,
            update.get("consecutive_errors", "-"),
            _shown_time(update.get("next_poll")),
            result.error,
        )
    else:
        level = logging.WARNING if result.error else logging.INFO
        log.log(
            level,
            "poll feed=%s status=%s http=%s new=%d updated=%d bytes=%d fetch_s=%.2f store_s=%.3f%s",
            result.feed,
            result.status,
            result.http_status,
            result.new,
            result.updated,
            result.bytes,
            result.duration_s,
            store_s,
            f" problems={result.error}" if result.error else "",
        )
    was_flagged = bool(previous.get("flagged"))
    if update.get("flagged") and not was_flagged:
        log.warning(
            "feed flagged feed=%s consecutive_errors=%s last_error=%s"
            " (still polled with backoff; fix or disable the feed)",
            result.feed,
            update["consecutive_errors"],
            result.error,
        )
    elif was_flagged and update and not update.get("flagged"):
        log.info("feed recovered feed=%s status=%s", result.feed, result.status)


def _shown_time(moment: datetime | None) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds") if moment else "-"


# --------------------------------------------------------------------------------------------
# Replay of saved feed files
# --------------------------------------------------------------------------------------------


def replay_files(path: Path) -> list[Path]:
    """A file, or every regular file under a directory and its sub-directories (an archive laid
    out by year/month/day), sorted by path; hidden files and folders are left out."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    if path.is_file():
        return [path]
    raise FeedError(f"{path}: no such file or directory")


def replay_feed_name(config: Config, file: Path) -> tuple[str, FeedConfig | None]:
    """The configured feed whose ``file://`` URL is this file, else ``replay:<filename>``."""
    uri = file.resolve().as_uri()
    for feed in config.feeds:
        if feed.url == uri:
            return feed.name, feed
    return f"{REPLAY_PREFIX}{file.name}", None


def replay(
    store: Store, config: Config, path: str | Path, now: datetime, rng: random.Random
) -> list[PollResult]:
    """Ingest saved feed files as if just fetched: entries and a poll record per file.

    Bodies are always parsed (no body-hash short cut) and the feeds' live state (validators,
    health, schedule) is left alone. Re-replaying adds nothing: entries are upserted.
    """
    results = []
    for file in replay_files(Path(path)):
        name, feed = replay_feed_name(config, file)
        if feed is None:
            store.ensure_feed(name, file.resolve().as_uri())
        fetched = _read_saved_feed(name, file, now, config.fetch.max_feed_size)
        prepared = prepare(
            store, fetched, now, max_bytes=config.fetch.max_feed_size, feed=feed, compare_body=False
        )
        results.append(commit(store, config, prepared, now, rng, update_feed=False))
    return results


def _read_saved_feed(name: str, file: Path, now: datetime, max_bytes: int) -> Fetched:
    base = Fetched(feed=name, url=file.resolve().as_uri(), started=now, duration_s=0.0)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            return replace(base, error=f"file of {size} bytes exceeds the maximum of {max_bytes}")
        return replace(base, body=file.read_bytes())
    except OSError as e:
        return replace(base, error=f"cannot read {file.name}: {e.strerror or e}")
