"""The rules every format shares: from :class:`RawItem` to :class:`crawler.types.Entry`.

* **url**: :func:`crawler.urls.canonical_url` of the item link, resolved against the feed URL.
* **guid** (stable id): the format's own id (RSS guid, Atom id, RDF about, JSON Feed id, NewsML
  guid), else the canonical link, else ``"hash:"`` + a SHA-256 prefix of title and summary.
* **duplicate ids inside one feed**: the rule never loses a distinct story. A later item whose
  id was already used, but whose link differs, is kept under its canonical link as id (or a
  content hash when that is taken too); a later item with the same id and the same link is a
  repeat and is dropped, except in NewsML where the higher ``version`` replaces the earlier one
  (a new version of a wire story updates the same article). One problem line counts them.
* **summary / content**: plain text; a missing summary is the content and a missing content is
  the summary (feedparser does the former, and downstream stages then always have both).
* **published / date_flag**: :func:`crawler.feedformats.dates.settle_published`.
* **lang**: the item's declared language, else the feed's declared language, else the
  ``feed_lang`` the operator configured, else :func:`crawler.lang.detect_language` on title and
  summary. Declared tags are reduced to their primary subtag, lower-case ("fr-FR" -> "fr").
* **author**: the person's name only; e-mail addresses are removed (privacy, and they are noise).
* **source**: the ``source`` argument, else the feed title.
* **dateline**: the format's own (NewsML ``dateline``/``located``), else the dateline opening
  the content, else the summary (:func:`crawler.dateline.parse_dateline`).
* **version, publishing status, embargo** (NewsML): carried over as the format states them.
* Items with no title, no text and no link carry nothing to analyse and are skipped.
* **item hashes** (lxml fast path only): the raw hashes of the items that gave an entry, and of
  those the reader left unread as already known, so that the next poll of the feed can skip
  them; none when a duplicate id was resolved (the next poll must see every item again).

What this module leaves to others: reading the formats (sibling modules) and any decision about
what an entry means (crawler.extract, crawler.dedupe).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import urljoin

from crawler.dateline import parse_dateline
from crawler.feedformats import RawFeed, RawItem
from crawler.feedformats.dates import settle_published
from crawler.feedformats.html import one_line
from crawler.lang import detect_language
from crawler.types import Entry, ParsedFeed
from crawler.urls import canonical_url

CONTENT_HASH_HEX_CHARS = 32  # 128 bits: collisions are not a concern at feed scale
_EMAIL = re.compile(r"[<(\[]?\s*(?:mailto:)?[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\s*[>)\]]?")
_LANGUAGE_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
# An absolute web link with a host: resolving it against the feed URL gives the link itself.
# urljoin still re-parses it, which was a sixth of the parse time of a feed; the two spellings
# it would change (a trailing ";" of empty path parameters, a host-less "http:///x") are
# excluded by the ";" test and by requiring a host character after "//".
_ABSOLUTE_WEB_LINK = re.compile(r"\s*https?://[^/?#\s]", re.IGNORECASE)


def build_parsed_feed(
    raw: RawFeed, *, url: str, now: datetime, feed_lang: str | None, source: str | None
) -> ParsedFeed:
    """Apply the shared rules to every item of ``raw`` and assemble the ParsedFeed."""
    feed_language = declared_language(raw.lang)
    fallback_language = feed_language or declared_language(feed_lang)
    versioned: list[tuple[Entry, int]] = []
    item_hashes = list(raw.unchanged_hashes)
    problems = list(raw.problems)
    empty = 0
    for item in raw.items:
        if not (item.title or item.summary or item.content or item.link):
            empty += 1
            continue
        entry = _entry(
            item, url=url, now=now, language=fallback_language, source=source or raw.title
        )
        versioned.append((entry, item.version))
        item_hashes.append(item.raw_hash)
    if empty:
        problems.append(f"{empty} empty item(s) skipped")
    entries, duplicate_problem = resolve_duplicate_ids(versioned, by_version=raw.format == "newsml")
    if duplicate_problem:
        problems.append(duplicate_problem)
    recognisable = raw.parser == "fast" and not duplicate_problem
    return ParsedFeed(
        entries=tuple(entries),
        format=raw.format,
        title=raw.title,
        lang=feed_language,
        problems=tuple(problems),
        parser=raw.parser,
        item_hashes=tuple(item_hashes) if recognisable else (),
        unchanged_items=len(raw.unchanged_hashes),
        hubs=tuple(dict.fromkeys(h for h in (_absolute(u, url) for u in raw.hubs) if h)),
        self_url=_absolute(raw.self_url, url),
    )


def _absolute(link: str | None, feed_url: str) -> str | None:
    """A hub or self link resolved against the feed's URL; None unless it is http(s)."""
    if not link or not link.strip():
        return None
    absolute = urljoin(feed_url, link.strip()) if feed_url else link.strip()
    return absolute if absolute.startswith(("http://", "https://")) else None


def _entry(
    item: RawItem, *, url: str, now: datetime, language: str | None, source: str | None
) -> Entry:
    link = canonical_url(item.link, base=_base_for(item.link, url)) if item.link else None
    summary = item.summary or item.content
    content = item.content or item.summary
    published, date_flag = settle_published(item.published, seen=item.date_seen, now=now)
    return Entry(
        guid=(item.guid or "").strip() or link or content_hash(item.title, summary),
        url=link,
        title=item.title,
        summary=summary,
        content=content,
        published=published,
        date_flag=date_flag,
        lang=declared_language(item.lang)
        or language
        or detect_language(f"{item.title}\n{summary}"),
        author=person_name(item.author),
        source=source,
        dateline=item.dateline
        or parse_dateline(content)
        or (parse_dateline(summary) if summary is not content else None),
        version=item.version,
        pub_status=item.status,
        embargoed=item.embargoed,
    )


def _base_for(link: str, feed_url: str) -> str | None:
    """The base to resolve ``link`` against: none when it is already absolute."""
    if _ABSOLUTE_WEB_LINK.match(link) and ";" not in link:
        return None
    return feed_url


def resolve_duplicate_ids(
    versioned: list[tuple[Entry, int]], *, by_version: bool
) -> tuple[list[Entry], str | None]:
    """Apply the duplicate-id rule of the module docstring; return entries and a problem line.

    ``versioned`` pairs each entry with its item version; ``by_version`` (NewsML) makes the
    highest version win instead of the first occurrence.
    """
    kept: dict[str, int] = {}  # id -> index in result
    seen: set[tuple[str, str | None]] = set()  # (id as given, link): a repeat of a story
    result: list[Entry] = []
    versions: list[int] = []
    rekeyed = dropped = replaced = 0
    for entry, version in versioned:
        first = kept.get(entry.guid)
        if first is None:
            kept[entry.guid] = len(result)
            seen.add((entry.guid, entry.url))
            result.append(entry)
            versions.append(version)
            continue
        if by_version:
            if version > versions[first]:
                result[first], versions[first] = entry, version
            replaced += 1
            continue
        if (entry.guid, entry.url) in seen or not entry.url:
            dropped += 1
            continue
        seen.add((entry.guid, entry.url))
        new_id = entry.url if entry.url not in kept else content_hash(entry.title, entry.summary)
        if new_id in kept:
            dropped += 1
            continue
        kept[new_id] = len(result)
        result.append(_with_guid(entry, new_id))
        versions.append(version)
        rekeyed += 1
    if not (rekeyed or dropped or replaced):
        return result, None
    parts = []
    if rekeyed:
        parts.append(f"{rekeyed} given their link or a content hash as id")
    if dropped:
        parts.append(f"{dropped} repeat(s) dropped, first kept")
    if replaced:
        parts.append(f"{replaced} older or equal version(s) merged, highest version kept")
    total = rekeyed + dropped + replaced
    return result, f"{total} item(s) repeat an earlier id: " + "; ".join(parts)


def _with_guid(entry: Entry, guid: str) -> Entry:
    fields = {name: getattr(entry, name) for name in Entry.__slots__}
    fields["guid"] = guid
    return Entry(**fields)


def content_hash(title: str, summary: str) -> str:
    """The fallback id of an item with neither id nor link."""
    digest = hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
    return "hash:" + digest[:CONTENT_HASH_HEX_CHARS]


def declared_language(tag: str | None) -> str | None:
    """Primary subtag of a declared language tag, lower-case; None when not a language tag."""
    if not tag:
        return None
    match = _LANGUAGE_TAG.match(tag)
    return match.group(1).lower() if match else None


def person_name(raw: str | None) -> str | None:
    """A byline without e-mail addresses ("jdoe@example.com (John Doe)" -> "John Doe")."""
    if not raw:
        return None
    name = one_line(_EMAIL.sub(" ", raw)).strip(" ()<>[],;:-")
    return name or None
