"""Writing the demo's dispatches as feed documents and article pages: bytes out, no I/O.

One function per format: RSS 2.0, Atom 1.0, JSON Feed 1.1, a NewsML-G2 newsMessage, an HTML
article page, and a deliberately malformed feed. XML is built with lxml so titles holding ``&``,
``<`` or quotes are escaped correctly; HTML bodies are escaped once with :func:`html.escape` and
then again by the XML writer, as in real feeds that carry HTML in ``content:encoded``.

Which items a feed lists, in which order, and when, is decided by the feed server
(:mod:`crawler.demo.feedserver`); this module only writes what it is given.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from lxml import etree

from crawler.demo.sample import SampleItem

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
NEWSML_NS = "http://iptc.org/std/nar/2006-10-01/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GUID_PREFIX = "urn:wirewatch-demo:"


@dataclass(frozen=True, slots=True)
class Dispatch:
    """An item as served: placeholders filled in, absolute URL, publication time (aware UTC)."""

    item: SampleItem
    url: str
    published: datetime

    @property
    def guid(self) -> str:
        return GUID_PREFIX + self.item.id

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body as a reader sees it: the dateline opens the first paragraph, agency style."""
        first, *rest = self.item.body
        if self.item.dateline:
            first = f"{self.item.dateline} - {first}"
        return (first, *rest)

    @property
    def body_html(self) -> str:
        return "".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed says about itself."""

    title: str
    home_url: str
    feed_url: str
    language: str
    updated: datetime  # newest publication, or the demo's start for an empty feed


Renderer = Callable[[Channel, Sequence[Dispatch]], bytes]


def render_rss(channel: Channel, dispatches: Sequence[Dispatch]) -> bytes:
    """RSS 2.0 with ``content:encoded`` (full text), ``dc:creator`` and an ``atom:link`` self."""
    nsmap = {"atom": ATOM_NS, "content": CONTENT_NS, "dc": DC_NS}
    rss = etree.Element("rss", version="2.0", nsmap=nsmap)
    head = etree.SubElement(rss, "channel")
    _text(head, "title", channel.title)
    _text(head, "link", channel.home_url)
    _text(head, "description", channel.title)
    _text(head, "language", channel.language)
    _text(head, "lastBuildDate", format_datetime(channel.updated, usegmt=True))
    etree.SubElement(
        head, f"{{{ATOM_NS}}}link", href=channel.feed_url, rel="self", type="application/rss+xml"
    )
    for d in dispatches:
        entry = etree.SubElement(head, "item")
        _text(entry, "title", d.item.title)
        _text(entry, "link", d.url)
        _text(entry, "guid", d.guid).set("isPermaLink", "false")
        _text(entry, "pubDate", format_datetime(d.published, usegmt=True))
        _text(entry, f"{{{DC_NS}}}creator", d.item.outlet)
        _text(entry, "description", d.paragraphs[0])
        _text(entry, f"{{{CONTENT_NS}}}encoded", d.body_html)
    return _xml_bytes(rss)


def render_atom(channel: Channel, dispatches: Sequence[Dispatch]) -> bytes:
    """Atom 1.0 with a summary (first paragraph) and HTML content per entry."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    feed.set(XML_LANG, channel.language)
    _text(feed, f"{{{ATOM_NS}}}title", channel.title)
    _text(feed, f"{{{ATOM_NS}}}id", channel.feed_url)
    _text(feed, f"{{{ATOM_NS}}}updated", _rfc3339(channel.updated))
    etree.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", href=channel.feed_url)
    etree.SubElement(feed, f"{{{ATOM_NS}}}link", rel="alternate", href=channel.home_url)
    for d in dispatches:
        entry = etree.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, f"{{{ATOM_NS}}}title", d.item.title)
        _text(entry, f"{{{ATOM_NS}}}id", d.guid)
        etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="alternate", href=d.url)
        _text(entry, f"{{{ATOM_NS}}}published", _rfc3339(d.published))
        _text(entry, f"{{{ATOM_NS}}}updated", _rfc3339(d.published))
        author = etree.SubElement(entry, f"{{{ATOM_NS}}}author")
        _text(author, f"{{{ATOM_NS}}}name", d.item.outlet)
        _text(entry, f"{{{ATOM_NS}}}summary", d.paragraphs[0])
        _text(entry, f"{{{ATOM_NS}}}content", d.body_html).set("type", "html")
    return _xml_bytes(feed)


def render_json_feed(channel: Channel, dispatches: Sequence[Dispatch]) -> bytes:
    """JSON Feed 1.1, UTF-8 (Arabic stays readable rather than ``\\u`` escaped)."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.feed_url,
        "language": channel.language,
        "items": [
            {
                "id": d.guid,
                "url": d.url,
                "title": d.item.title,
                "summary": d.paragraphs[0],
                "content_html": d.body_html,
                "date_published": _rfc3339(d.published),
                "authors": [{"name": d.item.outlet}],
                "language": d.item.lang,
            }
            for d in dispatches
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def render_newsml(channel: Channel, dispatches: Sequence[Dispatch]) -> bytes:
    """A NewsML-G2 newsMessage: one text newsItem per dispatch, body as inline XHTML.

    The dateline goes in its own ``<dateline>`` element, as agencies send it, not into the text.
    """
    message = etree.Element(f"{{{NEWSML_NS}}}newsMessage", nsmap={None: NEWSML_NS})
    header = etree.SubElement(message, f"{{{NEWSML_NS}}}header")
    _text(header, f"{{{NEWSML_NS}}}sent", _rfc3339(channel.updated))
    _text(header, f"{{{NEWSML_NS}}}sender", urlsplit(channel.home_url).netloc)
    item_set = etree.SubElement(message, f"{{{NEWSML_NS}}}itemSet")
    for d in dispatches:
        _newsml_item(item_set, d)
    return _xml_bytes(message)


def _newsml_item(item_set: etree._Element, d: Dispatch) -> None:
    ns = f"{{{NEWSML_NS}}}"
    item = etree.SubElement(
        item_set,
        f"{ns}newsItem",
        guid=d.guid,
        version="1",
        standard="NewsML-G2",
        standardversion="2.29",
    )
    item.set(XML_LANG, d.item.lang)
    meta = etree.SubElement(item, f"{ns}itemMeta")
    etree.SubElement(meta, f"{ns}itemClass", qcode="ninat:text")
    etree.SubElement(meta, f"{ns}provider", qcode=f"nprov:{d.item.outlet}")
    _text(meta, f"{ns}versionCreated", _rfc3339(d.published))
    _text(meta, f"{ns}firstCreated", _rfc3339(d.published))
    etree.SubElement(meta, f"{ns}pubStatus", qcode="stat:usable")
    etree.SubElement(meta, f"{ns}link", rel="irel:seeAlso", href=d.url)
    content_meta = etree.SubElement(item, f"{ns}contentMeta")
    etree.SubElement(content_meta, f"{ns}language", tag=d.item.lang)
    _text(content_meta, f"{ns}headline", d.item.title)
    if d.item.dateline:
        _text(content_meta, f"{ns}dateline", d.item.dateline)
    _text(content_meta, f"{ns}creditline", d.item.outlet)
    content_set = etree.SubElement(item, f"{ns}contentSet")
    inline = etree.SubElement(content_set, f"{ns}inlineXML", contenttype="application/xhtml+xml")
    page = etree.SubElement(inline, f"{{{XHTML_NS}}}html", nsmap={None: XHTML_NS})
    _text(etree.SubElement(page, f"{{{XHTML_NS}}}head"), f"{{{XHTML_NS}}}title", d.item.title)
    body = etree.SubElement(page, f"{{{XHTML_NS}}}body")
    for paragraph in d.item.body:
        _text(body, f"{{{XHTML_NS}}}p", paragraph)


def render_broken(channel: Channel, dispatches: Sequence[Dispatch]) -> bytes:
    """An RSS document cut off mid-item with a bare ``&``: not well-formed, as a crashed CMS sends."""
    whole = render_rss(channel, dispatches)
    cut = whole.rindex(b"</channel>")
    return whole[:cut] + b"<item><title>Breaking & still being writ"


def render_article_page(d: Dispatch) -> bytes:
    """The article's HTML page, with site furniture around it so extractors have work to do."""
    item = d.item
    direction = "rtl" if item.lang == "ar" else "ltr"
    canonical = d.url.split("?", 1)[0]
    paragraphs = "\n".join(f"      <p>{html.escape(p)}</p>" for p in d.paragraphs)
    page = f"""<!doctype html>
<html lang="{item.lang}" dir="{direction}">
<head>
  <meta charset="utf-8">
  <title>{html.escape(item.title)} | {html.escape(item.outlet)}</title>
  <link rel="canonical" href="{html.escape(canonical)}">
  <meta property="article:published_time" content="{_rfc3339(d.published)}">
</head>
<body>
  <header><nav><a href="/">{html.escape(item.outlet)}</a> · World · Middle East · Sport</nav></header>
  <main>
    <article>
      <h1>{html.escape(item.title)}</h1>
      <p class="byline">{html.escape(item.outlet)} · <time datetime="{_rfc3339(d.published)}">{format_datetime(d.published, usegmt=True)}</time></p>
{paragraphs}
    </article>
    <aside><h2>Most read</h2><ul><li><a href="/">Weather</a></li><li><a href="/">Markets</a></li></ul></aside>
  </main>
  <footer>Sample text written for the wirewatch demo.</footer>
</body>
</html>
"""
    return page.encode("utf-8")


RENDERERS: dict[str, Renderer] = {
    "rss": render_rss,
    "atom": render_atom,
    "jsonfeed": render_json_feed,
    "newsml": render_newsml,
    "broken": render_broken,
}


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element


def _xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
