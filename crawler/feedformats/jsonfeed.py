"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), which feedparser does not read.

Item fields read: ``id`` (numbers are accepted and turned into strings, as many generators emit
them), ``url`` (else ``external_url``), ``title``, ``content_text`` (plain, preferred because it
needs no conversion) else ``content_html``, ``summary`` (plain text by the specification),
``date_published`` else ``date_modified``, ``authors[0].name`` (1.1) else ``author.name`` (1.0),
``language`` (1.1, item then feed). Malformed JSON, a document that is not a JSON Feed, and
items that are not objects each give one problem line; the rest is kept.

What this module leaves to others: the rules shared by every format (crawler.feedformats.normalise).
"""

from __future__ import annotations

import json

from crawler.feedformats import RawFeed, RawItem
from crawler.feedformats.dates import parse_feed_date
from crawler.feedformats.html import one_line, text_of

JSONFEED_VERSION_PREFIX = "https://jsonfeed.org/version/1"


def read_jsonfeed(text: str) -> RawFeed:
    """Read a JSON Feed document (already decoded)."""
    try:
        document = json.loads(text)
    except ValueError as e:
        return RawFeed(format="unknown", problems=(f"malformed JSON: {e}",), parser="json")
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return RawFeed(format="unknown", problems=("JSON body is not a JSON Feed",), parser="json")
    problems = []
    version = str(document.get("version") or "")
    if not version.startswith(JSONFEED_VERSION_PREFIX):
        problems.append(f"JSON Feed version {version or '(none)'!r} unknown; read as 1.1")
    items = []
    skipped = 0
    for item in document["items"]:
        if isinstance(item, dict):
            items.append(_item(item))
        else:
            skipped += 1
    if skipped:
        problems.append(f"{skipped} JSON Feed item(s) are not objects; skipped")
    return RawFeed(
        format="jsonfeed",
        items=tuple(items),
        title=one_line(_string(document.get("title"))) or None,
        lang=_string(document.get("language")) or None,
        problems=tuple(problems),
        parser="json",
        hubs=_hubs(document.get("hubs")),
        self_url=_string(document.get("feed_url")) or None,
    )


def _hubs(value: object) -> tuple[str, ...]:
    """JSON Feed ``hubs``: objects with a ``type`` and a ``url``; the WebSub ones (the type
    names the protocol, "WebSub" or its older name "PubSubHubbub")."""
    if not isinstance(value, list):
        return ()
    return tuple(
        _string(hub.get("url"))
        for hub in value
        if isinstance(hub, dict) and _string(hub.get("url"))
        and _string(hub.get("type")).casefold() in ("websub", "pubsubhubbub")
    )  # fmt: skip


def _item(item: dict) -> RawItem:
    published = _string(item.get("date_published"))
    modified = _string(item.get("date_modified"))
    content_text = _string(item.get("content_text"))
    content = (
        text_of(content_text, "text")
        if content_text
        else text_of(_string(item.get("content_html")), "html")
    )
    return RawItem(
        guid=_id(item.get("id")),
        link=_string(item.get("url")) or _string(item.get("external_url")) or None,
        title=one_line(_string(item.get("title"))),
        summary=text_of(_string(item.get("summary")), "text"),
        content=content,
        published=parse_feed_date(published) or parse_feed_date(modified),
        date_seen=bool(published or modified),
        author=_author(item),
        lang=_string(item.get("language")) or None,
    )


def _string(value: object) -> str:
    """A JSON value expected to be a string; anything else counts as absent."""
    return value.strip() if isinstance(value, str) else ""


def _id(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return _string(value) or None


def _author(item: dict) -> str | None:
    authors = item.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return _string(authors[0].get("name")) or None
    author = item.get("author")
    if isinstance(author, dict):
        return _string(author.get("name")) or None
    return None
