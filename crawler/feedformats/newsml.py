"""IPTC NewsML-G2 (namespace ``http://iptc.org/std/nar/2006-10-01/``), the AFP wire format.

A document is one ``newsItem``, or a ``newsMessage`` whose ``itemSet`` holds several. Per item:

* guid: the ``guid`` attribute; ``version`` (default 1) rides along so that, when one message
  holds several versions of a story, the highest wins (crawler.feedformats.normalise); a later
  poll's new version has the same guid and updates the stored article;
* title: the first ``contentMeta/headline``, else the ``slugline``;
* summary: ``contentMeta/description``, else the first paragraph of the body (the lede);
* content: the XHTML of ``contentSet/inlineXML`` as plain text, else ``inlineData``;
* published: ``itemMeta/firstCreated`` (when the story was first filed, closest to the event),
  else ``versionCreated``, else ``contentMeta/contentCreated``;
* dateline: the place of ``contentMeta/dateline`` ("BAGDAD, 16 fév 2020 (AFP) -" -> "BAGDAD";
  a bare "Bagdad" is taken whole), else ``located/name``;
* lang: ``contentMeta/language/@tag``, else the item's ``xml:lang``;
* author: ``contentMeta/by``; the feed title (the default source) is the first ``creditline``,
  else the provider qcode without its scheme ("nprov:AFP" -> "AFP");
* ``pubStatus`` other than usable (``stat:canceled``, ``stat:withheld``): skipped with a
  problem line, since a withdrawn story must not raise an alert.

Links are not read: NewsML items are identified by guid, and wire items rarely carry a public
URL. ``packageItem`` and other item kinds are skipped with a problem line. A document lxml
refuses in strict mode is read again with its recovering parser, with a problem line.

What this module leaves to others: the rules shared by every format (crawler.feedformats.normalise).
"""

from __future__ import annotations

from lxml import etree

from crawler.feedformats import RawFeed, RawItem
from crawler.feedformats.dateline import parse_dateline
from crawler.feedformats.dates import parse_feed_date
from crawler.feedformats.html import html_to_text, inner_markup, one_line, text_of
from crawler.xmlsafe import parse_xml

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NEWSML_ROOTS = frozenset({"newsItem", "newsMessage", "packageItem", "knowledgeItem", "conceptItem"})
USABLE_STATUS = "stat:usable"
# A dateline without an agency mark ("Bagdad", "Mossoul, Irak") is taken up to its first comma
# when that is short enough to be a place name rather than a sentence.
BARE_DATELINE_MAX_CHARS = 40


def _n(name: str) -> str:
    return f"{{{NAR}}}{name}"


def read_newsml(data: bytes, *, url: str) -> RawFeed:
    """Read a NewsML-G2 document (UTF-8, DTD stripped)."""
    problems: list[str] = []
    try:
        root = parse_xml(data, base_url=url)
    except etree.XMLSyntaxError as e:
        root = parse_xml(data, base_url=url, recover=True)
        problems.append(f"malformed XML at line {e.lineno}: {e.msg.split(',')[0][:80]}")
    if root is None:
        return RawFeed(format="unknown", problems=tuple(problems), parser="newsml")
    items: list[RawItem] = []
    credit = None
    for element in _item_elements(root):
        if element.tag != _n("newsItem"):
            problems.append(f"NewsML {etree.QName(element).localname} skipped")
            continue
        status = _attribute(element, "itemMeta", "pubStatus", "qcode") or USABLE_STATUS
        if status != USABLE_STATUS:
            problems.append(f"NewsML item {element.get('guid')} has status {status}; skipped")
            continue
        items.append(_item(element))
        credit = credit or _credit(element)
    if problems and problems[0].startswith("malformed XML"):
        problems[0] += f"; salvaged {len(items)} entries"
    return RawFeed(
        format="newsml", items=tuple(items), title=credit, problems=tuple(problems), parser="newsml"
    )


def _item_elements(root: etree._Element) -> list[etree._Element]:
    if root.tag == _n("newsMessage"):
        return [item for item_set in root.iterchildren(_n("itemSet")) for item in item_set]
    return [root]


def _item(item: etree._Element) -> RawItem:
    meta = item.find(_n("contentMeta"))
    body = _body_text(item.find(_n("contentSet")))
    summary = _text(meta, "description") or body.split("\n", 1)[0]
    dates = [_text(item, "itemMeta/firstCreated"), _text(item, "itemMeta/versionCreated")]
    dates.append(_text(meta, "contentCreated"))
    published = next((p for p in map(parse_feed_date, dates) if p is not None), None)
    return RawItem(
        guid=(item.get("guid") or "").strip() or None,
        link=None,
        title=one_line(_text(meta, "headline") or _text(meta, "slugline")),
        summary=summary,
        content=body,
        published=published,
        date_seen=any(dates),
        author=one_line(_text(meta, "by")) or None,
        lang=_attribute(item, "contentMeta", "language", "tag") or item.get(XML_LANG),
        dateline=_dateline(meta),
        version=_version(item.get("version")),
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
        return html_to_text(inner_markup(body if body is not None else inline_xml))
    inline_data = content_set.find(_n("inlineData"))
    if inline_data is not None:
        kind = "html" if "html" in (inline_data.get("contenttype") or "") else "text"
        return text_of(inline_data.text, kind)
    return ""


def _dateline(meta: etree._Element | None) -> str | None:
    dateline = _text(meta, "dateline")
    if dateline:
        place = parse_dateline(dateline)
        if place:
            return place
        head = dateline.split(",", 1)[0].strip(" -–—")
        if head and len(head) <= BARE_DATELINE_MAX_CHARS:
            return head
    return _text(meta, "located/name") or None


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
