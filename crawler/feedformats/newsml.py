"""IPTC NewsML-G2 (namespace ``http://iptc.org/std/nar/2006-10-01/``), the format agencies push.

A document is one ``newsItem``, or a ``newsMessage`` whose ``itemSet`` holds several. A document
written without the namespace (some producers leave it out) is read as if it had it. Per item:

* guid: the ``guid`` attribute; ``version`` (default 1) rides along so that, when one message
  holds several versions of a story, the highest wins (crawler.feedformats.normalise); a later
  poll's or push's new version has the same guid and updates the stored article;
* title: the first ``contentMeta/headline``, else the ``slugline``, else the body's first
  paragraph;
* summary: ``contentMeta/description``, else the first paragraph of the body (the lede);
* content: the XHTML of ``contentSet/inlineXML`` as plain text (an NITF payload's
  ``body.content``), else ``inlineData``;
* published: ``itemMeta/firstCreated`` (when the story was first filed, closest to the event),
  else ``versionCreated``, else ``contentMeta/contentCreated``;
* dateline: the place of ``contentMeta/dateline`` ("BAGDAD, 16 fév 2020 (AFP) -" -> "BAGDAD";
  a bare "Bagdad" is taken whole), else ``located/name``;
* lang: ``contentMeta/language/@tag``, else the item's ``xml:lang``;
* author: ``contentMeta/by``; the feed title (the default source) is the first ``creditline``,
  else the provider qcode without its scheme ("nprov:AFP" -> "AFP");
* status: ``itemMeta/pubStatus`` other than usable (``stat:canceled``, ``stat:withheld``) is
  kept on the entry: the story was withdrawn, which must never raise an alert;
* embargoed: ``itemMeta/embargoed``, the time before which the story must not be published.

Links are not read: NewsML items are identified by guid, and wire items rarely carry a public
URL. ``packageItem``, ``conceptItem``, ``knowledgeItem`` and news items of another class than text
(picture, graphics, video, audio, composite) are skipped with a problem line. A document that is
not well-formed is refused (one problem line, no entries): agency XML is machine-written, so a
broken one is truncated or corrupt, and what a recovering parser would make of it is a guess.

What this module leaves to others: the rules shared by every format (crawler.feedformats.normalise).
"""

from __future__ import annotations

from lxml import etree

from crawler.dateline import dateline_place
from crawler.feedformats import RawFeed, RawItem
from crawler.feedformats.dates import parse_feed_date
from crawler.feedformats.html import html_to_text, inner_markup, one_line, text_of
from crawler.xmlsafe import parse_xml

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NEWSML_ROOTS = frozenset({"newsItem", "newsMessage", "packageItem", "knowledgeItem", "conceptItem"})
USABLE_STATUS = "usable"
# itemClass code (after the scheme) of a news item that tells a story; the others carry media
# (picture, graphics, video, audio) or data (composite: events, a ruling, results).
TEXT_CLASS = "text"


def _n(name: str) -> str:
    return f"{{{NAR}}}{name}"


def parse_well_formed(data: bytes, *, url: str) -> tuple[etree._Element | None, str | None]:
    """The document's root, or None and the one-line reason it is refused (not well-formed)."""
    try:
        return parse_xml(data, base_url=url), None
    except etree.XMLSyntaxError as e:
        reason = e.msg.split(",")[0][:80]
        return None, f"malformed XML at line {e.lineno}: {reason}; refused"


def read_newsml(data: bytes, *, url: str) -> RawFeed:
    """Read a NewsML-G2 document (UTF-8, DTD stripped)."""
    root, refusal = parse_well_formed(data, url=url)
    if root is None:
        return RawFeed(format="unknown", problems=(refusal,), parser="newsml")
    if etree.QName(root).namespace is None:
        _into_nar_namespace(root)
    problems: list[str] = []
    items: list[RawItem] = []
    credit = None
    for element in _item_elements(root):
        skipped = _skip_reason(element)
        if skipped:
            problems.append(skipped)
            continue
        items.append(_item(element))
        credit = credit or _credit(element)
    return RawFeed(
        format="newsml", items=tuple(items), title=credit, problems=tuple(problems), parser="newsml"
    )


def _into_nar_namespace(root: etree._Element) -> None:
    """Put the elements of a document written without a namespace into the NAR one."""
    for element in root.iter(tag=etree.Element):
        if etree.QName(element).namespace is None:
            element.tag = _n(element.tag)


def _item_elements(root: etree._Element) -> list[etree._Element]:
    if root.tag == _n("newsMessage"):
        return [
            item
            for item_set in root.iterchildren(_n("itemSet"))
            for item in item_set.iterchildren(tag=etree.Element)
        ]
    return [root]


def _skip_reason(element: etree._Element) -> str | None:
    kind = etree.QName(element).localname
    guid = element.get("guid") or "(no guid)"
    if kind != "newsItem":
        return f"NewsML {kind} {guid} skipped: not a news story"
    item_class = (_attribute(element, "itemMeta", "itemClass", "qcode") or "").rsplit(":", 1)[-1]
    if item_class and item_class != TEXT_CLASS:
        return f"NewsML {item_class} item {guid} skipped: not a text item"
    return None


def _item(item: etree._Element) -> RawItem:
    meta = item.find(_n("contentMeta"))
    body = _body_text(item.find(_n("contentSet")))
    lede = body.split("\n", 1)[0]
    summary = _text(meta, "description") or lede
    dates = [_text(item, "itemMeta/firstCreated"), _text(item, "itemMeta/versionCreated")]
    dates.append(_text(meta, "contentCreated"))
    published = next((p for p in map(parse_feed_date, dates) if p is not None), None)
    status = (_attribute(item, "itemMeta", "pubStatus", "qcode") or "").rsplit(":", 1)[-1]
    return RawItem(
        guid=(item.get("guid") or "").strip() or None,
        link=None,
        title=one_line(_text(meta, "headline") or _text(meta, "slugline") or lede),
        summary=summary,
        content=body,
        published=published,
        date_seen=any(dates),
        author=one_line(_text(meta, "by")) or None,
        lang=_attribute(item, "contentMeta", "language", "tag") or item.get(XML_LANG),
        dateline=dateline_place(_text(meta, "dateline")) or _text(meta, "located/name") or None,
        version=_version(item.get("version")),
        status=status.lower() if status and status.lower() != USABLE_STATUS else None,
        embargoed=parse_feed_date(_text(item, "itemMeta/embargoed")),
    )


def _text(parent: etree._Element | None, path: str) -> str:
    """Whitespace-normalised text of the first element at ``path`` (names in the NAR namespace)."""
    if parent is None:
        return ""
    element = parent.find("/".join(_n(step) for step in path.split("/")))
    return text_of("".join(element.itertext()), "text") if element is not None else ""


def _attribute(item: etree._Element, section: str, name: str, attribute: str) -> str | None:
    element = item.find(f"{_n(section)}/{_n(name)}")
    value = element.get(attribute) if element is not None else None
    return value.strip() if value and value.strip() else None


def _body_text(content_set: etree._Element | None) -> str:
    if content_set is None:
        return ""
    inline_xml = content_set.find(_n("inlineXML"))
    if inline_xml is not None:
        body = inline_xml.find(f".//{{{XHTML}}}body")
        if body is None:  # NITF or another payload: its body, or all of it
            body = next(inline_xml.iterfind(".//{*}body.content"), inline_xml)
        return html_to_text(inner_markup(body))
    inline_data = content_set.find(_n("inlineData"))
    if inline_data is not None:
        kind = "html" if "html" in (inline_data.get("contenttype") or "") else "text"
        return text_of(inline_data.text, kind)
    return ""


def _credit(item: etree._Element) -> str | None:
    credit = _text(item.find(_n("contentMeta")), "creditline")
    if credit:
        return credit
    provider = _attribute(item, "itemMeta", "provider", "qcode")
    return provider.split(":", 1)[-1] if provider else None


def _version(value: str | None) -> int:
    try:
        return int(value or 1)
    except ValueError:
        return 1
