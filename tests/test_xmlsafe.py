"""Hostile XML: DTD stripping, and parse_feed on entity bombs and XXE in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from crawler.xmlsafe import parse_xml, strip_dtd

# Peak resident memory allowed for parsing one hostile feed in a fresh interpreter (which alone
# takes ~60 MB with lxml and feedparser loaded). A safety bound, not a speed target: the
# quadratic blow-up below reaches ~2 GB when entities are expanded.
HOSTILE_PEAK_RSS_MAX_MB = 200

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><link>https://x.example/1</link><description>&lol9;</description></item>
</channel></rss>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>
<rss version="2.0"><channel><title>XXE</title>
<item><title>Leak &xxe;</title><link>https://x.example/1</link><description>&xxe; &net;</description></item>
</channel></rss>
"""

ONE_LINE = (
    '<?xml version="1.0"?><!doctype   RSS[<!ENTITY a "AAAAAAAAAAAAAAAAAAAA">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><title>One line</title>'
    "<item><title>x &b; y</title><link>https://x.example/1</link></item></channel></rss>"
)


def quadratic_blowup(entity_kb: int = 100, references: int = 12_000) -> str:
    """A ~160 KB feed whose one 100 KB entity, referenced 12,000 times, would expand to ~1.2 GB."""
    entity = "A" * (entity_kb * 1024)
    refs = "&big;" * references
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "{entity}">\n]>\n'
        f'<rss version="2.0"><channel><title>Quadratic</title><item><title>q</title>'
        f"<link>https://x.example/1</link><description>{refs}</description></item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<?xml version="1.0"?>\n<!DOCTYPE rss>\n<rss/>', '<?xml version="1.0"?>\n\n<rss/>'),
        ("<!DOCTYPE rss [\n<!ENTITY a 'x>y]'>\n]><rss>&a;</rss>", "\n\n<rss>&a;</rss>"),
        ("<!doctype rss><rss/>", "<rss/>"),
        ("<! DOCTYPE rss><rss/>", "<rss/>"),
        ("<!DocType rss [<!-- ] > -->]><rss/>", "<rss/>"),
        ("<rss><!ENTITY stray 'x'><a/></rss>", "<rss><a/></rss>"),
        ("<!DOCTYPE rss [ <!ENTITY a 'never closed", ""),
        ("<rss>no declaration</rss>", "<rss>no declaration</rss>"),
    ],
)
def test_strip_dtd(text, expected):
    assert strip_dtd(text)[0] == expected


def test_strip_dtd_counts_and_keeps_line_numbers():
    stripped, removed = strip_dtd(BILLION_LAUGHS)
    assert removed == 1
    assert "ENTITY" not in stripped and "DOCTYPE" not in stripped
    assert stripped.count("\n") == BILLION_LAUGHS.count("\n")


@pytest.mark.parametrize("document", [XXE, BILLION_LAUGHS])
def test_safe_parser_alone_expands_no_entity_and_reads_no_file(document):
    # Second line of defence, with the DTD deliberately left in: libxml2 either refuses the
    # document (its amplification guard) or leaves the references unexpanded.
    try:
        root = parse_xml(document.encode())
    except etree.XMLSyntaxError:
        return
    text = "".join(root.itertext())
    assert "root:" not in text
    assert len(text) < len(document)


HOSTILE_CASES = {
    "billion_laughs": lambda: BILLION_LAUGHS,
    "quadratic_blowup": quadratic_blowup,
    "xxe": lambda: XXE,
    "one_line_doctype": lambda: ONE_LINE,
}

PARSE = textwrap.dedent(
    """
    import json, sys
    from datetime import datetime, timezone
    from crawler.feeds import parse_feed
    body = open(sys.argv[1], "rb").read()
    parsed = parse_feed(body, url="https://x.example/rss", now=datetime(2020, 2, 16, tzinfo=timezone.utc))
    text = " ".join(e.title + " " + e.summary + " " + e.content for e in parsed.entries)
    print(json.dumps({"chars": len(text), "text": text[:2000], "entries": len(parsed.entries),
                      "problems": list(parsed.problems)}))
    """
)
# Linux carries a process's peak RSS over fork and exec, so a child of the (large) pytest
# process would report pytest's peak. A small launcher runs the parse as its own child and
# reads that child's peak with RUSAGE_CHILDREN.
LAUNCHER = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    done = subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))
    """
)


@pytest.mark.parametrize("name", sorted(HOSTILE_CASES))
def test_hostile_feed_parses_in_bounded_memory_and_expands_nothing(name, tmp_path):
    body = HOSTILE_CASES[name]().encode()
    (tmp_path / "body.xml").write_bytes(body)
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, PARSE, str(tmp_path / "body.xml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    result = json.loads(done.stdout)
    assert result["peak_mb"] < HOSTILE_PEAK_RSS_MAX_MB
    assert result["chars"] < len(body)  # nothing grew: no entity was expanded
    assert "lollol" not in result["text"] and "AAAAAAAAAAAAAAAAAAAAA" not in result["text"]
    assert "root:" not in result["text"]  # /etc/passwd never read
    assert result["entries"] == 1
    assert result["problems"][0] == "1 DOCTYPE/ENTITY declaration(s) removed"
