"""Defusing hostile XML before any parser sees it.

Feed bodies come from the Internet, so three classic attacks apply: entity expansion ("billion
laughs", and the quadratic blow-up where one 100 KB entity is referenced thousands of times),
external entities (XXE: ``<!ENTITY x SYSTEM "file:///etc/passwd">``) and DTD fetches. A news feed
never needs a DTD, so the defence is blunt: :func:`strip_dtd` removes every DOCTYPE declaration,
internal subset included, and every stray ENTITY declaration, wherever they sit and however
they are spelt. It runs before lxml *and* before feedparser: feedparser's lenient fallback parser
re-expands entities that expat refused, so configuring expat alone is not enough.

Entity references left behind (``&lol9;``) are then undefined: lxml in strict mode refuses the
document (and the caller falls back to feedparser, which keeps the reference as literal text).
:func:`safe_xml_parser` is the only way wirewatch builds an lxml XML parser: no entity
resolution, no network, no DTD loading, and libxml2's default limits on tree size kept.

What this module leaves to others: decoding bytes to text (crawler.feedformats.charset) and
the size cap on the body (crawler.feeds).
"""

from __future__ import annotations

import re

from lxml import etree

# Start of a markup declaration that may define entities. XML forbids a space after "<!", but
# recovering parsers accept "<! DOCTYPE", so the pattern does too.
_DECLARATION_START = re.compile(r"<!\s*(?:doctype|entity)\b", re.IGNORECASE)
# Inside a declaration: quoted literals and comments are skipped whole (they may contain ">",
# "[" or "]"); brackets track the internal subset; ">" at depth 0 ends the declaration.
_DECLARATION_TOKEN = re.compile(r"\"[^\"]*\"?|'[^']*'?|<!--.*?(?:-->|\Z)|[\[\]>]", re.DOTALL)


def strip_dtd(text: str) -> tuple[str, int]:
    """Remove every DOCTYPE and ENTITY declaration from ``text``.

    Returns the cleaned text and the number of declarations removed; each declaration is
    replaced by the line breaks it spanned, so line numbers do not move. An unterminated
    declaration is removed up to the end of the text: what follows it could only be read by a
    parser that first expanded it.
    """
    match = _DECLARATION_START.search(text)
    if match is None:
        return text, 0
    pieces = []
    removed = 0
    position = 0
    while match is not None:
        pieces.append(text[position : match.start()])
        position = _declaration_end(text, match.end())
        # Keep the line breaks, so that parser errors still point at lines of the real body.
        pieces.append("\n" * text.count("\n", match.start(), position))
        removed += 1
        match = _DECLARATION_START.search(text, position)
    pieces.append(text[position:])
    return "".join(pieces), removed


def _declaration_end(text: str, start: int) -> int:
    depth = 0
    for token in _DECLARATION_TOKEN.finditer(text, start):
        mark = token.group()
        if mark == "[":
            depth += 1
        elif mark == "]":
            depth = max(0, depth - 1)
        elif mark == ">" and depth == 0:
            return token.end()
    return len(text)


def safe_xml_parser(*, recover: bool = False) -> etree.XMLParser:
    """A fresh lxml parser that resolves no entity, loads no DTD and touches no network.

    A new parser per document: lxml parsers keep state and must not be shared between threads.
    ``huge_tree=False`` keeps libxml2's limits on depth and text-node size.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
        collect_ids=False,
        remove_pis=True,
    )


def parse_xml(data: bytes, *, base_url: str | None = None, recover: bool = False) -> etree._Element:
    """Parse ``data`` (DTD already stripped) with :func:`safe_xml_parser`.

    Raises ``lxml.etree.XMLSyntaxError`` when the document is not well-formed and ``recover`` is
    False; with ``recover=True`` it may return None for hopeless input.
    """
    return etree.fromstring(data, safe_xml_parser(recover=recover), base_url=base_url)
