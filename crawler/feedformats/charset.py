"""Bytes to text: choosing the character encoding of a feed body.

Decoding once, here, and handing both feed parsers the same UTF-8 bytes is what lets the lxml
fast path and feedparser agree, and it is where wrong declarations are caught. Rules, in order:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32), and so does the byte pattern of BOM-less
   UTF-16 (a document opening with ``<`` then a zero byte, or the reverse). The BOM comes before
   any label, as in the WHATWG Encoding Standard's decode and RFC 7303 section 3.3: a BOM is
   written by the program that encoded the bytes, a label by whoever configured the server;
2. a body that is valid UTF-8 and contains multi-byte sequences is UTF-8, whatever is declared:
   text in a single-byte charset almost never forms valid UTF-8 by accident, while servers that
   announce ``ISO-8859-1`` over UTF-8 content are common;
3. otherwise the declared charsets are tried, the HTTP ``charset`` first, then the XML
   declaration (the order RFC 7303 gives), each only if it decodes without error. A label means
   what the WHATWG Encoding Standard says it means, as browsers read it: ``ISO-8859-1``,
   ``latin1`` and ``US-ASCII`` are windows-1252 (so a feed declared Latin-1 that uses Windows
   punctuation keeps its ’ and –), ``GB2312`` is GBK, ``Big5`` is Big5-HKSCS, ``EUC-KR`` is
   windows-949, ``Shift_JIS`` is windows-31J, ``TIS-620`` is windows-874;
4. a Latin single-byte charset (declared or detected) is replaced by windows-1256 when the body
   read as windows-1256 is mostly Arabic: Arabic sites often declare ISO-8859-1 or nothing.
   windows-1256 keeps the French accented letters at their Latin-1 positions, so French text
   read as windows-1256 shows almost no Arabic and is not mistaken for it;
5. with nothing declared that works, the encoding is detected by charset-normalizer (Big5,
   GBK, EUC-JP, Shift_JIS, EUC-KR, KOI8-R, TIS-620, windows-1255, windows-1256 ...), which
   reads the text in each candidate and keeps the one that reads as a language; windows-1252
   when it cannot tell, or when windows-1252 reads as well as the best (a short text).

Each rule that overrides a declaration, or guesses, adds a problem line. What this module leaves
to others: parsing (the format modules) and DTD stripping (crawler.xmlsafe).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}?\?>")
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")

LATIN_SINGLE_BYTE = frozenset({"iso8859_1", "iso8859_15", "cp1252", "iso8859_9", "cp1254"})
# WHATWG Encoding Standard labels whose encoding is not what Python's codec of the same name
# decodes (Python codec name -> the codec of the WHATWG encoding). Browsers, and feed readers
# that follow them, read these labels so; servers rely on it.
WHATWG_CODECS = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gbk",
    "big5": "big5hkscs",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}
# Share of the non-ASCII characters that must be Arabic letters, once the body is read as
# windows-1256, to call it Arabic. French read that way stays far below (its accented letters
# map to themselves); Arabic text is nearly all Arabic letters, punctuation aside.
ARABIC_NON_ASCII_SHARE_MIN = 0.6


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    problem: str | None = None


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _HTTP_CHARSET.search(content_type)
    return match.group(1) if match else None


def decode_body(body: bytes, *, declared_http: str | None = None) -> Decoded:
    """Decode a feed body following the rules in the module docstring."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(codec, errors="replace"), _codec_name(codec))
    if body[:2] == b"<\0" and body[2:3] != b"\0":
        return Decoded(body.decode("utf-16-le", errors="replace"), "utf_16_le")
    if body[:2] == b"\0<":
        return Decoded(body.decode("utf-16-be", errors="replace"), "utf_16_be")
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii")
    declared = [name for name in (declared_http, _xml_declared(body)) if name]
    as_utf8 = _try_decode(body, "utf-8")
    if as_utf8 is not None:
        overridden = [n for n in declared if _codec_name(n) not in ("utf_8", None)]
        problem = f"declared charset {overridden[0]} but the body is UTF-8" if overridden else None
        return Decoded(as_utf8, "utf_8", problem)
    for name in declared:
        codec = _whatwg_codec(name)
        if codec is None or codec == "utf_8":
            continue
        text = _try_decode(body, codec)
        if text is not None:
            return _prefer_arabic(body, Decoded(text, codec), f"declared charset {name}")
    what = f"declared charset {declared[0]} does not decode" if declared else "no declared charset"
    return _prefer_arabic(body, _detected(body, what), what)


def _detected(body: bytes, what: str) -> Decoded:
    """The body in the encoding charset-normalizer finds for it (windows-1252 when none)."""
    from charset_normalizer import from_bytes  # ~30 ms to import, for the few feeds that need it

    matches = from_bytes(body)
    best = matches.best()
    codec = None
    if best is not None:
        # A short text reads equally well in several encodings: then windows-1252, the web's
        # default for unlabelled documents (WHATWG), and this project's before detection.
        tied = {
            m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)
        }
        codec = "cp1252" if "cp1252" in tied else _whatwg_codec(best.encoding)
    text = _try_decode(body, codec) if codec else None
    if text is None:
        text, codec = body.decode("cp1252", errors="replace"), "cp1252"
    return Decoded(text, codec, f"{what}; read as {_shown_name(codec)} (detected)")


def _shown_name(codec: str) -> str:
    """A codec as people name the encoding: ``cp1256`` -> ``windows-1256``."""
    if codec.startswith("cp") and codec[2:].isdigit() and 1250 <= int(codec[2:]) <= 1258:
        return f"windows-{codec[2:]}"
    return codec.replace("_", "-")


def _prefer_arabic(body: bytes, decoded: Decoded, what: str) -> Decoded:
    if decoded.encoding not in LATIN_SINGLE_BYTE:
        return decoded
    arabic = body.decode("cp1256", errors="replace")
    if _arabic_share(arabic) >= ARABIC_NON_ASCII_SHARE_MIN:
        return Decoded(arabic, "cp1256", f"{what} but the text is Arabic; read as windows-1256")
    return decoded


def _arabic_share(text: str) -> float:
    non_ascii = sum(1 for c in text if ord(c) > 127)
    if not non_ascii:
        return 0.0
    return len(_ARABIC_LETTER.findall(text)) / non_ascii


def _xml_declared(body: bytes) -> str | None:
    match = _XML_ENCODING.match(body)
    return match.group(1).decode("ascii") if match else None


def _whatwg_codec(label: str) -> str | None:
    """The Python codec decoding what the WHATWG Encoding Standard means by ``label``."""
    codec = _codec_name(label)
    return WHATWG_CODECS.get(codec, codec) if codec else None


def _codec_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None


def _try_decode(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def xml_as_utf8(text: str) -> bytes:
    """Encode decoded XML text as UTF-8, rewriting its XML declaration to say so.

    Parsers given these bytes cannot re-decode them with the charset the body wrongly declared.
    """
    match = _XML_DECLARATION.match(text)
    if match is not None:
        text = '<?xml version="1.0" encoding="utf-8"?>' + text[match.end() :]
    return text.encode("utf-8")
