"""IPTC NewsML 1.x (``<NewsML>``, mostly Version 1.2), the format of AFP's own wire and others.

A document holds one or more ``NewsItem``s (each one story, one picture, or one package of
them), with or without the NewsML 1.2 namespace. Per ``NewsItem``:

* guid: ``urn:newsml:`` + ProviderId, DateId and NewsItemId of its ``NewsIdentifier``, which
  stay the same across revisions (the ``PublicIdentifier`` ends with the revision number), else
  the PublicIdentifier without that number; ``RevisionId`` is the version, so a later revision
  updates the stored article as a NewsML-G2 version does;
* status: ``NewsManagement/Status``: ``Withheld`` and ``Canceled`` (in any case) are kept on the
  entry, a withdrawn story; ``Embargoed`` is an embargo until ``StatusWillChange/DateAndTime``,
  or a withheld story when no time is given;
* published: ``FirstCreated``, else ``ThisRevisionCreated``, else the DateId (basic ISO 8601,
  ``20231124T192141+0000``);
* title: the first non-empty ``HeadLine`` of the item's ``NewsLines``, else its ``SlugLine``,
  else the first line of the body (AFP alerts have an empty headline: the alert is the body);
  a headline without body is a story too (a flash);
* body: the text ``ContentItem``s of the story in document order (an NITF payload's
  ``body.content``, bare ``<p>`` fragments, HTML in CDATA, plain text), leaving out the
  components whose ``Role`` is a caption or a title, the media items (photos, video, audio:
  ``Href`` to files not included) and, in an ``EquivalentsList`` (one story in several
  languages), every equivalent but the first; the editors' initials line closing an AFP
  dispatch ("dmc-dla/kam/gr") is dropped;
* summary: ``SubHeadLine``, else the first paragraph of the body;
* dateline: the place of ``DateLine`` (crawler.dateline.dateline_place), else the
  ``City`` of the origin ``Location``;
* lang: ``DescriptiveMetadata/Language/@FormalName``, else the nearest ``xml:lang``;
* author: ``ByLine``; the feed title (the default source) is the provider's ``Party``.

An item without any story text of its own (a picture with its caption, a package of
references or remote files) is skipped with a one-line reason, and so is a document that is not well-formed (refused whole).

What this module leaves to others: the rules shared by every format (crawler.feedformats.normalise).
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml import etree

from crawler.dateline import dateline_place
from crawler.feedformats import RawFeed, RawItem
from crawler.feedformats.dates import parse_feed_date
from crawler.feedformats.html import html_to_text, inner_markup, one_line, text_of
from crawler.feedformats.newsml import parse_well_formed

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NEWSML1_ROOT = "NewsML"
# Components in these roles hold no part of the story (compared in lower case).
NON_STORY_ROLES = frozenset({"caption", "title", "thumbnail", "preview", "quicklook"})
# Media types whose content items are files, not text.
MEDIA_TYPES = frozenset({"photo", "graphic", "video", "audio", "animation"})
WITHDRAWN = {"withheld": "withheld", "canceled": "canceled", "cancelled": "canceled"}
# AFP closes a dispatch with the editors' initials: "dmc-dla/kam/gr", "ففف/ح س/كام".
_INITIALS_LINE = re.compile(r"^[\w\s.-]{1,12}(?:/[\w\s.-]{1,12}){1,5}$")


def read_newsml1(data: bytes, *, url: str) -> RawFeed:
    """Read a NewsML 1.x document (UTF-8, DTD stripped)."""
    root, refusal = parse_well_formed(data, url=url)
    if root is None:
        return RawFeed(format="unknown", problems=(refusal,), parser="newsml1")
    problems: list[str] = []
    items: list[RawItem] = []
    provider = None
    for news_item in _descendants(root, "NewsItem"):
        item = _item(news_item)
        if isinstance(item, str):
            problems.append(item)
            continue
        items.append(item)
        provider = provider or _provider(news_item)
    if not items and not problems:
        problems.append("NewsML 1 document without any NewsItem")
    return RawFeed(
        format="newsml", items=tuple(items), title=provider, problems=tuple(problems),
        parser="newsml1",
    )  # fmt: skip


# -- element helpers (the NewsML 1.2 namespace is optional: names are compared locally) --------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [child for child in element if _local(child) == name]


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    return next(iter(_children(element, name)), None)


def _path(element: etree._Element | None, *names: str) -> etree._Element | None:
    for name in names:
        element = _child(element, name)
    return element


def _descendants(element: etree._Element, name: str) -> list[etree._Element]:
    return [node for node in element.iter(tag=etree.Element) if _local(node) == name]


def _text(element: etree._Element | None) -> str:
    return one_line("".join(element.itertext())) if element is not None else ""


def _formal(element: etree._Element | None) -> str:
    return (element.get("FormalName") or "").strip() if element is not None else ""


# -- one NewsItem -----------------------------------------------------------------------------


def _item(news_item: etree._Element) -> RawItem | str:
    """The item's RawItem, or the one-line reason it is skipped."""
    identifier = _path(news_item, "Identification", "NewsIdentifier")
    guid = _guid(identifier)
    component = _child(news_item, "NewsComponent")
    if component is None:
        return f"NewsML 1 item {guid or '(no id)'} skipped: no NewsComponent"
    paragraphs = _story_paragraphs(component)
    lines = _first_news_lines(component)
    headline = _text(_child(lines, "HeadLine")) or _text(_child(lines, "SlugLine"))
    if not paragraphs:
        skipped = _without_text(news_item, headline)
        if skipped:
            return f"NewsML 1 {skipped} {guid or '(no id)'} skipped: no text of its own"
    management = _child(news_item, "NewsManagement")
    status, embargoed = _status(management)
    body = "\n".join(paragraphs)
    title = headline or paragraphs[0]
    dates = [_text(_child(management, name)) for name in ("FirstCreated", "ThisRevisionCreated")]
    dates.append(_text(_child(identifier, "DateId")))
    published = next((p for p in map(parse_feed_date, dates) if p is not None), None)
    return RawItem(
        guid=guid,
        link=None,
        title=one_line(title),
        summary=_text(_child(lines, "SubHeadLine")) or (paragraphs[0] if paragraphs else ""),
        content=body,
        published=published,
        date_seen=any(dates),
        author=_text(_child(lines, "ByLine")) or None,
        lang=_language(news_item, component),
        dateline=dateline_place(_text(_child(lines, "DateLine"))) or _origin_city(component),
        version=_revision(identifier),
        status=status,
        embargoed=embargoed,
    )


def _media_types(element: etree._Element) -> set[str]:
    return {_formal(m).lower() for m in _descendants(element, "MediaType")} & MEDIA_TYPES


def _holds_media(element: etree._Element) -> bool:
    return bool(_media_types(element))


def _without_text(news_item: etree._Element, headline: str) -> str | None:
    """What an item without story text is, when it is not a headline-only story (a flash)."""
    kinds = _media_types(news_item)
    if kinds:
        return "/".join(sorted(kinds)) + " item"
    if _descendants(news_item, "NewsItemRef"):
        return "package"
    return None if headline else "item"


def _guid(identifier: etree._Element | None) -> str | None:
    parts = [_text(_child(identifier, n)) for n in ("ProviderId", "DateId", "NewsItemId")]
    if all(parts):
        return "urn:newsml:" + ":".join(parts)
    public = _text(_child(identifier, "PublicIdentifier"))
    if public and public.count(":") >= 5:  # urn:newsml:provider:date:item:revision
        return public.rsplit(":", 1)[0]
    return None


def _revision(identifier: etree._Element | None) -> int:
    try:
        return int(_text(_child(identifier, "RevisionId")) or 1)
    except ValueError:
        return 1


def _status(management: etree._Element | None) -> tuple[str | None, datetime | None]:
    status = _formal(_child(management, "Status")).lower()
    if status in WITHDRAWN:
        return WITHDRAWN[status], None
    if status == "embargoed":
        until = parse_feed_date(_text(_path(management, "StatusWillChange", "DateAndTime")))
        return (None, until) if until is not None else ("withheld", None)
    return None, None


def _first_news_lines(component: etree._Element) -> etree._Element | None:
    """The NewsLines of the story: the first one with a headline in document order, leaving
    out those of media components (a photo's headline is its caption's)."""
    for node in _story_components(component):
        if _holds_media(node) and not _story_paragraphs(node):
            continue  # a photo's own lines
        lines = _child(node, "NewsLines")
        if lines is not None and (_text(_child(lines, "HeadLine")) or _child(lines, "SlugLine")):
            return lines
    return _child(component, "NewsLines")


def _story_components(component: etree._Element) -> list[etree._Element]:
    """The component and those under it that hold the story, in document order."""
    role = _formal(_child(component, "Role")).lower()
    if role in NON_STORY_ROLES:
        return []
    found = [component]
    children = _children(component, "NewsComponent")
    if (component.get("EquivalentsList") or "").lower() == "yes":
        children = children[:1]
    for child in children:
        found += _story_components(child)
    return found


def _story_paragraphs(component: etree._Element) -> list[str]:
    paragraphs: list[str] = []
    for node in _story_components(component):
        for content_item in _children(node, "ContentItem"):
            text = _content_text(content_item)
            if text:
                paragraphs += text.split("\n")
    if len(paragraphs) > 1 and _INITIALS_LINE.match(paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def _content_text(content_item: etree._Element) -> str:
    if _formal(_child(content_item, "MediaType")).lower() in MEDIA_TYPES:
        return ""
    data = _child(content_item, "DataContent")
    if data is None:
        return ""
    if len(data):  # markup: NITF, or bare paragraphs
        body = next((n for n in data.iter(tag=etree.Element) if _local(n) == "body.content"), data)
        return html_to_text(inner_markup(body))
    mime = _formal(_child(content_item, "MimeType")).lower()
    return text_of(data.text, "html" if "html" in mime else "guess")


def _language(news_item: etree._Element, component: etree._Element) -> str | None:
    for node in _story_components(component):
        language = _formal(_path(node, "DescriptiveMetadata", "Language"))
        if language:
            return language
    element = component
    while element is not None:
        if element.get(XML_LANG):
            return element.get(XML_LANG)
        element = element.getparent()
    return news_item.get(XML_LANG)


def _origin_city(component: etree._Element) -> str | None:
    for location in _descendants(component, "Location"):
        for prop in _children(location, "Property"):
            if _formal(prop) == "City" and (prop.get("Value") or "").strip():
                return prop.get("Value").strip()
    return None


def _provider(news_item: etree._Element) -> str | None:
    for section in ("Provider", "Source"):
        for party in _descendants(news_item, section):
            name = _formal(_child(party, "Party"))
            if name:
                return name
    return None
