"""RSS and Atom read with feedparser: the reference for the fast path, and its fallback.

feedparser is called on the UTF-8 bytes crawler.feeds prepared (charset settled, DTD stripped),
wrapped in ``BytesIO`` so that it can never treat the body as a URL or a file name, with
``sanitize_html`` and ``resolve_relative_uris`` off: every field is turned into plain text here
anyway, and relative links are resolved once, in crawler.feedformats.normalise.

Its lenient parser salvages what strict XML parsers refuse: a bare ``&`` in a title keeps its
text ("A & B") where a recovering parser drops it. Field mapping (mirrored by the fast path):
id -> guid, link -> link, title / summary / first content -> text, ``published`` else ``updated``
string -> :func:`parse_feed_date`, first author's name, item ``language`` else the ``xml:lang``
feedparser recorded on the title or text.

What this module leaves to others: the same as the fast path (crawler.feedformats.normalise).
"""

from __future__ import annotations

import io

import feedparser

from crawler.feedformats import RawFeed, RawItem
from crawler.feedformats.dates import parse_feed_date
from crawler.feedformats.html import text_of

# feedparser's content types mapped to what crawler.feedformats.html.text_of expects. RSS text
# is marked text/plain unless feedparser saw markup, in which case it says text/html.
_KINDS = {"text/plain": "text", "text/html": "html", "application/xhtml+xml": "html"}


def read_syndication_feedparser(data: bytes, *, url: str) -> tuple[RawFeed, bool]:
    """Read ``data`` with feedparser; return the feed and whether feedparser called it a feed."""
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={
            "content-location": url,
            "content-type": "application/xml; charset=utf-8",
        },
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = parsed.get("version") or ""
    format_ = "atom" if version.startswith("atom") else "rss"
    feed = parsed.get("feed", {})
    raw = RawFeed(
        format=format_,
        items=tuple(_item(entry, format_) for entry in parsed.get("entries", [])),
        title=_detail_text(feed, "title", format_, "guess") or None,
        lang=feed.get("language") or None,
        parser="feedparser",
        hubs=tuple(link["href"] for link in _links(feed, "hub")),
        self_url=next((link["href"] for link in _links(feed, "self")), None),
    )
    return raw, bool(version) or bool(raw.items)


def _links(feed: dict, rel: str) -> list[dict]:
    """The feed-level links of one relation (WebSub discovery: "hub", "self")."""
    return [
        link for link in feed.get("links") or ()
        if isinstance(link, dict) and link.get("rel") == rel and link.get("href")
    ]  # fmt: skip


def _item(entry: dict, format_: str) -> RawItem:
    contents = entry.get("content") or []
    content = _text(contents[0], format_, "html") if contents else ""
    if "summary_detail" not in entry and contents:
        summary = content  # feedparser copied the content into a missing summary, bare
    else:
        summary = _detail_text(entry, "summary", format_, "html")
    published = entry.get("published") or ""
    updated = entry.get("updated") or ""
    authors = entry.get("authors") or []
    return RawItem(
        guid=(entry.get("id") or "").strip() or None,
        link=(entry.get("link") or "").strip() or None,
        title=_detail_text(entry, "title", format_, "guess"),
        summary=summary,
        content=content,
        published=parse_feed_date(published) or parse_feed_date(updated),
        date_seen=bool(published.strip() or updated.strip()),
        author=(authors[0].get("name") if authors else None) or None,
        lang=entry.get("language") or _detail_language(entry),
    )


def _detail_text(container: dict, key: str, format_: str, rss_kind: str) -> str:
    detail = container.get(f"{key}_detail")
    if detail is None:
        return text_of(container.get(key), rss_kind if format_ == "rss" else "text")
    return _text(detail, format_, rss_kind)


def _text(detail: dict, format_: str, rss_kind: str) -> str:
    value = detail.get("value") or ""
    if format_ == "rss":
        return text_of(value, rss_kind)
    return text_of(value, _KINDS.get(detail.get("type") or "text/plain", "text"))


def _detail_language(entry: dict) -> str | None:
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key)
        if detail and detail.get("language"):
            return detail["language"]
    return None
