"""parse_feed rules not tied to one corpus file: limits, ids, language, charset, HTML to text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.errors import FeedError
from crawler.feedformats.charset import decode_body
from crawler.feedformats.html import html_to_text, normalise_whitespace, text_of
from crawler.feedformats.normalise import _base_for, content_hash, declared_language, person_name
from crawler.feeds import FEED_MAX_BYTES, parse_feed
from crawler.urls import canonical_url

NOW = datetime(2020, 2, 16, 12, 0, tzinfo=UTC)
URL = "https://feeds.example.com/rss"


def rss(*items: str, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"{channel}{''.join(items)}</channel></rss>"
    ).encode()


def item(title: str = "Rockets hit Baghdad", **fields: str) -> str:
    parts = [f"<title>{title}</title>"] + [f"<{k}>{v}</{k}>" for k, v in fields.items()]
    return f"<item>{''.join(parts)}</item>"


def test_body_over_the_limit_raises_feed_error():
    with pytest.raises(FeedError, match="over the 100-byte limit"):
        parse_feed(b"x" * 101, url=URL, now=NOW, max_bytes=100)
    assert FEED_MAX_BYTES >= 5 * 1024 * 1024


@pytest.mark.parametrize(
    "body",
    [
        b"\x00" * 50,
        b"<",
        b"<rss",
        b"{",
        b"<rss><channel><item>",
        b"\xff\xfe\x00",
        "<rss>é".encode("utf-16"),
    ],
)
def test_garbage_never_raises(body):
    parsed = parse_feed(body, url=URL, now=NOW)
    assert parsed.problems or parsed.entries == ()


def test_duplicate_guid_same_link_keeps_the_first():
    body = rss(
        item("First", guid="g1", link="https://ex.com/a"),
        item("Second", guid="g1", link="https://ex.com/a?utm_source=x"),
    )
    parsed = parse_feed(body, url=URL, now=NOW)
    assert [e.title for e in parsed.entries] == ["First"]
    assert parsed.problems == ("1 item(s) repeat an earlier id: 1 repeat(s) dropped, first kept",)


def test_duplicate_guid_without_link_is_a_repeat():
    parsed = parse_feed(rss(item("A", guid="g"), item("B", guid="g")), url=URL, now=NOW)
    assert [e.guid for e in parsed.entries] == ["g"]


def test_duplicate_guid_and_link_clash_falls_back_to_content_hash():
    body = rss(
        item("A", guid="g1", link="https://ex.com/a"),
        item("B", guid="https://ex.com/b", link="https://ex.com/b"),
        item("C", guid="g1", link="https://ex.com/c"),
        item("C again", guid="g1", link="https://ex.com/c"),
        item("D", guid="g1", link="https://ex.com/b"),
    )
    parsed = parse_feed(body, url=URL, now=NOW)
    guids = [e.guid for e in parsed.entries]
    # C is keyed by its link, its repeat dropped; D's link is already an id: no story is lost.
    assert guids == ["g1", "https://ex.com/b", "https://ex.com/c", content_hash("D", "")]
    assert parsed.problems == (
        "3 item(s) repeat an earlier id: 2 given their link or a content hash as id; 1 repeat(s) dropped, first kept",
    )


@pytest.mark.parametrize(
    "link",
    [
        "https://wire.example/d/1",
        "HTTP://Wire.Example:80/a/../b?utm_source=x&b=2&a=1#top",
        "  https://wire.example/d/1?  ",
        "http:///no-host",
        "https://wire.example/a;",
        "https://wire.example/a;v=2?x=1",
        "http://\twire.example/tab",
        "https://user:pw@wire.example/d",
        "//wire.example/scheme-relative",
        "/relative/path",
        "relative",
        "?only=query",
        "mailto:desk@wire.example",
        "https://[2001:db8::1]:443/v6",
    ],
)
def test_absolute_links_skip_resolution_without_changing_the_result(link):
    assert canonical_url(link, base=_base_for(link, URL)) == canonical_url(link, base=URL)


def test_item_without_guid_or_link_gets_a_content_hash():
    parsed = parse_feed(rss(item("Title only", description="Body")), url=URL, now=NOW)
    assert parsed.entries[0].guid == content_hash("Title only", "Body")
    assert parsed.entries[0].guid.startswith("hash:")


def test_empty_items_are_skipped():
    parsed = parse_feed(rss("<item></item>", item("Kept")), url=URL, now=NOW)
    assert [e.title for e in parsed.entries] == ["Kept"]
    assert parsed.problems == ("1 empty item(s) skipped",)


@pytest.mark.parametrize(
    ("channel", "fields", "feed_lang", "expected"),
    [
        ("<language>en-us</language>", {}, "fr", "en"),  # feed metadata beats configuration
        ("", {}, "ar", "ar"),  # configuration beats detection
        ("", {"description": "Des roquettes sont tombées près de l'ambassade."}, None, "fr"),
        ("<language>fr</language>", {"language": "ar"}, None, "ar"),  # item beats feed
    ],
)
def test_language_precedence(channel, fields, feed_lang, expected):
    body = rss(item("Rockets near the embassy", **fields), channel=channel)
    parsed = parse_feed(body, url=URL, now=NOW, feed_lang=feed_lang)
    assert parsed.entries[0].lang == expected


def test_source_argument_beats_feed_title():
    parsed = parse_feed(rss(item()), url=URL, now=NOW, source="Agence")
    assert parsed.entries[0].source == "Agence"
    assert parse_feed(rss(item()), url=URL, now=NOW).entries[0].source == "T"


def test_published_is_aware_utc_even_for_a_non_utc_now():
    from datetime import timedelta, timezone

    baghdad_now = NOW.astimezone(timezone(timedelta(hours=3)))
    entry = parse_feed(rss(item()), url=URL, now=baghdad_now).entries[0]
    assert entry.published == NOW and entry.published.utcoffset() == timedelta(0)
    assert entry.date_flag == "missing"


def test_fields_are_plain_text_never_markup():
    body = rss(
        item(
            "&lt;img src=x onerror=alert(1)&gt;Title",
            description="&lt;script&gt;steal()&lt;/script&gt;&lt;p&gt;Body&lt;/p&gt;",
        )
    )
    entry = parse_feed(body, url=URL, now=NOW).entries[0]
    assert entry.title == "Title"
    assert entry.summary == "Body"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One</p><p>Two&nbsp; words</p>", "One\nTwo words"),
        ("Line<br>break<br/>again", "Line\nbreak\nagain"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("<style>p{}</style><script>x()</script><noscript>n</noscript>kept", "kept"),
        ("&eacute;t&eacute; &amp; &lt;hiver&gt;", "été & <hiver>"),
        ("<!-- comment -->text<?pi x?>", "text"),
        ("   spaced\t\ttext \n\n\n next ", "spaced text\nnext"),
        ("", ""),
        ("<div><b>bold</b> and <i>italic</i></div>", "bold and italic"),
    ],
)
def test_html_to_text(markup, expected):
    assert html_to_text(markup) == expected


# Every character str.split() splits on, and the zero-width ones, in the places they can be.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def reference_normalise(text: str) -> str:
    """The rule, spelled out: no zero-width characters, spaces collapsed within each line, lines
    stripped, empty lines dropped."""
    for character in ZERO_WIDTH:
        text = text.replace(character, "")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@pytest.mark.parametrize("space", list(SPACES + ZERO_WIDTH))
@pytest.mark.parametrize(
    "shape", ["a{}b", "{}ab", "ab{}", "a {}b", "a{}{}b", "Tirs à Bagdad{}جنوب بغداد", "{}"]
)
def test_normalise_whitespace_handles_every_space_wherever_it_is(space, shape):
    text = shape.format(space, space)
    assert normalise_whitespace(text) == reference_normalise(text)


def test_normalise_whitespace_returns_a_normalised_text_as_it_is():
    text = "Des roquettes sont tombées près de l'ambassade. سقطت صواريخ قرب السفارة"
    assert normalise_whitespace(text) is text


def test_text_of_guess_keeps_plain_titles_as_they_are():
    assert text_of("Q&A: 5 < 6", "guess") == "Q&A: 5 < 6"
    assert text_of("<b>Bold</b> title", "guess") == "Bold title"
    assert text_of("<b>kept</b>", "text") == "<b>kept</b>"


@pytest.mark.parametrize(
    ("body", "declared", "encoding", "problem"),
    [
        ("Irak: attaque à Bagdad".encode(), None, "utf_8", None),
        (
            "Irak: attaque à Bagdad".encode(),
            "ISO-8859-1",
            "utf_8",
            "declared charset ISO-8859-1 but the body is UTF-8",
        ),
        # WHATWG: the label ISO-8859-1 means windows-1252.
        ("Irak: attaque à Bagdad".encode("latin-1"), "ISO-8859-1", "cp1252", None),
        (
            "Irak: attaque à Bagdad".encode("latin-1"),
            "utf-8",
            "cp1252",
            "declared charset utf-8 does not decode; read as windows-1252 (detected)",
        ),
        (
            "هجوم صاروخي في بغداد".encode("cp1256"),
            None,
            "cp1256",
            "no declared charset; read as windows-1256 (detected)",
        ),
        ("هجوم صاروخي في بغداد".encode("cp1256"), "windows-1256", "cp1256", None),
        (b"\xef\xbb\xbf<rss/>", "latin-1", "utf_8_sig", None),
        ("<rss/>".encode("utf-16-le"), None, "utf_16_le", None),
        (b"plain ascii", "koi8-r", "ascii", None),
    ],
)
def test_decode_body(body, declared, encoding, problem):
    decoded = decode_body(body, declared_http=declared)
    assert (decoded.encoding, decoded.problem) == (encoding, problem)


def test_decode_body_reads_the_xml_declaration():
    body = '<?xml version="1.0" encoding="windows-1256"?><rss>بغداد</rss>'.encode("cp1256")
    assert decode_body(body).text.endswith("<rss>بغداد</rss>")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("fr-FR", "fr"),
        ("EN_us", "en"),
        ("ar", "ar"),
        (" ar-IQ ", "ar"),
        ("", None),
        ("12", None),
        ("français", None),
    ],
)
def test_declared_language(tag, expected):
    assert declared_language(tag) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jdoe@example.com (John Doe)", "John Doe"),
        ("John Doe <jdoe@example.com>", "John Doe"),
        ("desk@example.com", None),
        ("  Service   Monde ", "Service Monde"),
        (None, None),
    ],
)
def test_person_name(raw, expected):
    assert person_name(raw) == expected


# -- items known from the last body ----------------------------------------------------------

STORIES = [
    item("Roquettes sur la zone verte", guid="g1", link="/d/1", description="Sirènes."),
    item("Convoi visé près de Bassora", guid="g2", link="https://ex.com/d/2"),
    item("Drone abattu à Erbil", guid="g3", link="https://ex.com/d/3"),
]


def test_known_items_are_left_out_and_only_the_changed_one_is_read():
    first = parse_feed(rss(*STORIES), url=URL, now=NOW)
    assert first.parser == "fast" and len(first.item_hashes) == 3
    changed = [STORIES[0], item("Drone abattu à Erbil, deux blessés", guid="g3"), STORIES[1]]
    full = parse_feed(rss(*changed), url=URL, now=NOW)
    again = parse_feed(rss(*changed), url=URL, now=NOW, known_items=first.item_hashes)
    assert again.entries == (full.entries[1],)
    assert again.unchanged_items == 2
    assert sorted(again.item_hashes) == sorted(full.item_hashes)


def test_an_identical_body_with_known_items_gives_no_entries_and_no_problem():
    body = rss(*STORIES, channel="<lastBuildDate>Sun, 16 Feb 2020 01:00:00 GMT</lastBuildDate>")
    first = parse_feed(body, url=URL, now=NOW)
    again = parse_feed(body, url=URL, now=NOW, known_items=first.item_hashes)
    assert (again.entries, again.unchanged_items, again.problems) == ((), 3, ())


def test_items_are_known_only_under_the_same_feed_url():
    # STORIES[0] has a relative link: its entry depends on the feed URL.
    first = parse_feed(rss(*STORIES), url=URL, now=NOW)
    moved = parse_feed(
        rss(*STORIES), url="https://ex.com/rss", now=NOW, known_items=first.item_hashes
    )
    assert moved.unchanged_items == 0
    assert moved.entries[0].url == "https://ex.com/d/1"


@pytest.mark.parametrize(
    "stories",
    [
        [item("Sans identifiant", link="https://ex.com/d/9"), *STORIES],
        [item("Même identifiant", guid="g1", link="https://ex.com/d/9"), *STORIES],
    ],
    ids=["an item without id", "a repeated id"],
)
def test_every_item_is_read_when_ids_are_missing_or_repeated(stories):
    first = parse_feed(rss(*stories), url=URL, now=NOW)
    again = parse_feed(rss(*stories), url=URL, now=NOW, known_items=first.item_hashes)
    assert again.unchanged_items == 0
    assert again.entries == first.entries


def test_a_resolved_duplicate_id_leaves_no_item_hashes():
    body = rss(
        item("A", guid="g", link="https://ex.com/a"), item("B", guid="g", link="https://ex.com/b")
    )
    assert parse_feed(body, url=URL, now=NOW).item_hashes == ()


def test_feedparser_path_gives_no_item_hashes():
    body = rss(*STORIES).replace(b"</channel>", b"<item><title>Cut")  # malformed: salvaged
    parsed = parse_feed(body, url=URL, now=NOW, known_items={"0" * 16})
    assert parsed.parser == "feedparser"
    assert (parsed.item_hashes, parsed.unchanged_items) == ((), 0)
    assert len(parsed.entries) >= 3
