"""Format readers behind :func:`crawler.feeds.parse_feed`, one small module per format.

Every reader turns a decoded, DTD-free document into a :class:`RawFeed`: the items as the
format states them, with text fields already converted to plain text but nothing normalised
across formats yet (links not canonical, no fallback ids, dates not settled). The common rules
(stable id, duplicate ids, dates, language, dateline) are applied once, for every format, by
:mod:`crawler.feedformats.normalise`.

Modules: ``syndication_fast`` (RSS and Atom on lxml), ``syndication_feedparser`` (the same
with feedparser: reference and fallback), ``jsonfeed``, ``newsml`` (IPTC NewsML-G2),
``newsml1`` (IPTC NewsML 1.x with NITF bodies), and the
helpers ``charset``, ``html``, ``dates``, ``dateline``. These are private to wirewatch: other
modules call :mod:`crawler.feeds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class RawItem:
    """One item as its format states it; text fields are plain text already.

    Not frozen, unlike the types that leave this package: readers build one per item of every
    feed polled, and a frozen dataclass takes five times as long to build (one
    ``object.__setattr__`` per field). Nothing changes it once built.
    """

    guid: str | None
    link: str | None  # absolute when the format allows resolving it, else as written
    title: str = ""
    summary: str = ""
    content: str = ""
    published: datetime | None = None  # aware UTC, whole seconds
    date_seen: bool = False  # the item had a date field (tells "missing" from "unparseable")
    author: str | None = None
    lang: str | None = None  # as declared for the item (or inherited inside the document)
    dateline: str | None = None  # place from format metadata (NewsML), if any
    version: int = 0  # NewsML item version; 0 elsewhere
    status: str | None = None  # NewsML publishing status when not usable: "withheld", "canceled"
    embargoed: datetime | None = None  # NewsML: not to be published before this (aware UTC)
    raw_hash: str | None = None  # fast path: hash of the item's markup (see syndication_fast)


@dataclass(frozen=True, slots=True)
class RawFeed:
    """What a format reader produced for one document."""

    format: str
    items: tuple[RawItem, ...] = ()
    title: str | None = None
    lang: str | None = None
    problems: tuple[str, ...] = ()
    parser: str = "feedparser"
    # Fast path: raw hashes of the items left unread because the caller already knew them.
    unchanged_hashes: tuple[str, ...] = ()
    # WebSub discovery: the hubs the document names (Atom/RSS ``link rel="hub"``, JSON Feed
    # ``hubs``) and its own URL (``rel="self"``, JSON Feed ``feed_url``), as written.
    hubs: tuple[str, ...] = ()
    self_url: str | None = None


class FastPathRefused(Exception):
    """The lxml fast path cannot be trusted on this document; ``str(e)`` says why."""
