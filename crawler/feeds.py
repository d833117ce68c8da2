"""Feed bodies to entries: the one entry point, :func:`parse_feed`.

Bytes in, :class:`crawler.types.ParsedFeed` out; no network, no SQL, no clock (``now`` is an
argument). The steps, each in its own module under :mod:`crawler.feedformats`:

1. **size cap**: a body over ``max_bytes`` raises :class:`FeedError` (the only error raised:
   everything else is salvaged and reported in ``problems``);
2. **charset** (``charset``): BOMs, wrong or missing declarations, Arabic windows-1256;
3. **sniffing**: empty, HTML page, JSON, or XML; anything else is not a feed
   (``format="unknown"``, no entries, one problem line saying what the body was);
4. **defusing** (:mod:`crawler.xmlsafe`): every DOCTYPE and ENTITY declaration is removed before
   any XML parser sees the document, and the text is handed on as UTF-8;
5. **reading**: NewsML-G2 (``newsml``), NewsML 1.x (``newsml1``), JSON Feed (``jsonfeed``), or RSS/Atom, first with the
   lxml fast path (``syndication_fast``) and, when it cannot be trusted, with feedparser
   (``syndication_feedparser``); ``ParsedFeed.parser`` says which one produced the entries;
6. **normalising** (``normalise``): ids, duplicate ids, links, dates, language, dateline, author,
   source; the rules are listed in that module's docstring.

What this module leaves to others: fetching and conditional GET (spiders/), storing entries
(crawler.storage), and deciding what they mean (crawler.extract and after).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from crawler.errors import FeedError
from crawler.feedformats import FastPathRefused, RawFeed
from crawler.feedformats.charset import decode_body, http_charset, xml_as_utf8
from crawler.feedformats.jsonfeed import read_jsonfeed
from crawler.feedformats.newsml import NEWSML_ROOTS, read_newsml
from crawler.feedformats.newsml1 import NEWSML1_ROOT, read_newsml1
from crawler.feedformats.normalise import build_parsed_feed
from crawler.feedformats.syndication_fast import read_syndication_fast
from crawler.feedformats.syndication_feedparser import read_syndication_feedparser
from crawler.types import ParsedFeed
from crawler.xmlsafe import strip_dtd

logger = logging.getLogger(__name__)

# The largest wire feeds we read (full-text NewsML batches) stay under 2 MB; 10 MB leaves room
# while bounding the memory and time one hostile or broken body can cost.
FEED_MAX_BYTES = 10 * 1024 * 1024

_LEADING_NOISE = re.compile(r"^(?:\s|<\?xml[^>]*\?>|<!--.*?-->)*", re.DOTALL)
_HTML_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_ROOT_NAME = re.compile(r"<!doctype\s+([\w.:-]+)|<([A-Za-z_][\w.:-]*)", re.IGNORECASE)


def parse_feed(
    body: bytes,
    *,
    url: str,
    now: datetime,
    content_type: str | None = None,
    feed_lang: str | None = None,
    source: str | None = None,
    max_bytes: int = FEED_MAX_BYTES,
    known_items: Collection[str] = frozenset(),
) -> ParsedFeed:
    """Parse one feed body into normalised entries (steps in the module docstring).

    ``url`` is the feed's URL (relative links resolve against it), ``content_type`` the HTTP
    header if any, ``feed_lang`` the language configured for the feed, ``source`` the display
    name of the source (defaults to the feed's title). ``known_items`` are the
    ``item_hashes`` of this feed's last ParsedFeed: the fast path leaves those items out of
    ``entries`` (counted in ``unchanged_items``), since they give the entries they gave then.
    Never raises on bad content; raises FeedError only when ``body`` is larger than
    ``max_bytes``.
    """
    if len(body) > max_bytes:
        raise FeedError(f"feed body is {len(body)} bytes, over the {max_bytes}-byte limit")
    raw = read_document(body, url=url, content_type=content_type, known_items=known_items)
    parsed = build_parsed_feed(raw, url=url, now=now, feed_lang=feed_lang, source=source)
    logger.debug(
        "feed parsed url=%s format=%s parser=%s entries=%d problems=%d",
        url, parsed.format, parsed.parser, len(parsed.entries), len(parsed.problems),
    )  # fmt: skip
    return parsed


def read_document(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    fast_path: bool = True,
    known_items: Collection[str] = frozenset(),
) -> RawFeed:
    """Decode, sniff, defuse and read ``body`` into a RawFeed (steps 2 to 5).

    ``fast_path=False`` reads RSS and Atom with feedparser only: the reference the fast path is
    tested and benchmarked against. ``known_items``: see :func:`parse_feed`.
    """
    if not body.strip():
        return _not_a_feed("body is empty")
    decoded = decode_body(body, declared_http=http_charset(content_type))
    problems = (decoded.problem,) if decoded.problem else ()
    text = decoded.text.lstrip("\ufeff")
    start = text[_LEADING_NOISE.match(text).end() :]
    if start.startswith(("{", "[")):
        return _with_problems(read_jsonfeed(start), problems)
    if not start.startswith("<"):
        return _not_a_feed("body is not a feed (neither XML nor JSON)", problems)
    if _HTML_PAGE.match(start):
        return _not_a_feed("body is an HTML page, not a feed", problems)
    defused, removed = strip_dtd(text)
    if removed:
        problems += (f"{removed} DOCTYPE/ENTITY declaration(s) removed",)
    data = xml_as_utf8(defused)
    root_name = _root_local_name(start)
    if root_name in NEWSML_ROOTS:
        return _with_problems(read_newsml(data, url=url), problems)
    if root_name == NEWSML1_ROOT:
        return _with_problems(read_newsml1(data, url=url), problems)
    raw = _read_syndication(data, url=url, fast_path=fast_path, known_items=known_items)
    return _with_problems(raw, problems)


def _read_syndication(
    data: bytes, *, url: str, fast_path: bool, known_items: Collection[str]
) -> RawFeed:
    reason = "fast path disabled"
    if fast_path:
        try:
            return read_syndication_fast(data, url=url, known_items=known_items)
        except FastPathRefused as refusal:
            reason = str(refusal)
        logger.debug("fast path refused url=%s reason=%s", url, reason)
    raw, is_feed = read_syndication_feedparser(data, url=url)
    if not is_feed:
        return _not_a_feed("body is not a feed (no RSS, Atom or NewsML root)")
    if reason.startswith("malformed XML"):
        return _with_problems(raw, (f"{reason}; salvaged {len(raw.items)} entries",))
    return raw


def _root_local_name(text: str) -> str:
    match = _ROOT_NAME.search(text)
    if match is None:
        return ""
    return (match.group(1) or match.group(2)).rsplit(":", 1)[-1]


def _not_a_feed(problem: str, problems: tuple[str, ...] = ()) -> RawFeed:
    return RawFeed(format="unknown", problems=(*problems, problem), parser="none")


def _with_problems(raw: RawFeed, problems: tuple[str, ...]) -> RawFeed:
    return replace(raw, problems=(*problems, *raw.problems)) if problems else raw
