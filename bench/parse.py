"""Benchmark: parse_feed's lxml fast path against the feedparser path on generated feeds.

Generates a ~60 KB RSS 2.0 feed with 50 items and an Atom feed of the same stories, parses
each many times through the whole pipeline (charset, DTD stripping, reading, normalisation)
with the fast path and with feedparser (the baseline, measured in the same run), and prints the
median time per feed, feeds per second on one core, the ratio, and whether both paths return
the same entries.

Run: .venv/bin/python bench/parse.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from crawler.feedformats.normalise import build_parsed_feed
from crawler.feeds import read_document

NOW = datetime(2020, 2, 16, 12, 0, tzinfo=UTC)
ITEMS = 50
PARAGRAPH = (
    "BAGDAD, 16 fév 2020 (AFP) - Plusieurs roquettes se sont écrasées dans la nuit aux abords de "
    "l'ambassade des États-Unis à Bagdad, selon des sources de sécurité. Les sirènes ont retenti "
    "vers 00H30 GMT dans l'enceinte diplomatique ; aucune victime n'a été signalée. "
)


def story(index: int) -> dict:
    when = NOW - timedelta(minutes=17 * index)
    return {
        "title": f"Irak: attaque n°{index} contre un convoi logistique près de Bagdad",
        "link": f"https://fil.example.fr/monde/2020/02/16/irak-{index}?utm_source=rss",
        "guid": f"fil-2020-02-16-{index:04d}",
        "summary": f"<p>{PARAGRAPH[:180]}</p>",
        "content": "".join(f"<p>{PARAGRAPH}</p>" for _ in range(3)) + "<script>t()</script>",
        "rfc822": when.strftime("%a, %d %b %Y %H:%M:%S +0000"),
        "iso": when.isoformat(),
    }


def rss_feed() -> bytes:
    items = "".join(
        f"<item><title>{escape(s['title'])}</title><link>{escape(s['link'])}</link>"
        f'<guid isPermaLink="false">{s["guid"]}</guid><pubDate>{s["rfc822"]}</pubDate>'
        f"<dc:creator>Service Monde</dc:creator><category>Irak</category>"
        f"<description>{escape(s['summary'])}</description>"
        f"<content:encoded><![CDATA[{s['content']}]]></content:encoded></item>\n"
        for s in map(story, range(ITEMS))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Fil Monde</title><link>https://fil.example.fr/</link><language>fr</language>\n"
        f"{items}</channel></rss>\n"
    ).encode()


def atom_feed() -> bytes:
    entries = "".join(
        f"<entry><title>{escape(s['title'])}</title><id>urn:fil:{s['guid']}</id>"
        f'<link href="{escape(s["link"])}"/><published>{s["iso"]}</published>'
        f"<updated>{s['iso']}</updated><author><name>Service Monde</name></author>"
        f'<summary type="html">{escape(s["summary"])}</summary>'
        f'<content type="html">{escape(s["content"])}</content></entry>\n'
        for s in map(story, range(ITEMS))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xml:lang="fr"><title>Fil Monde</title><id>urn:fil</id>'
        f"<updated>{NOW.isoformat()}</updated>\n{entries}</feed>\n"
    ).encode()


def parse(body: bytes, fast_path: bool):
    raw = read_document(body, url="https://fil.example.fr/rss", fast_path=fast_path)
    return build_parsed_feed(
        raw, url="https://fil.example.fr/rss", now=NOW, feed_lang=None, source=None
    )


def median_ms(body: bytes, fast_path: bool, repeat: int) -> float:
    parse(body, fast_path)  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse(body, fast_path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=50)
    repeat = options.parse_args().repeat
    print(f"{'feed':<6} {'bytes':>7} {'items':>5} {'fast ms':>8} {'feedparser ms':>14} "
          f"{'ratio':>6} {'fast feeds/s/core':>18} same-entries")  # fmt: skip
    for name, body in (("rss", rss_feed()), ("atom", atom_feed())):
        fast, reference = parse(body, True), parse(body, False)
        assert fast.parser == "fast" and reference.parser == "feedparser"
        same = fast.entries == reference.entries
        fast_ms = median_ms(body, True, repeat)
        baseline_ms = median_ms(body, False, repeat)
        print(
            f"{name:<6} {len(body):>7} {len(fast.entries):>5} {fast_ms:>8.2f} {baseline_ms:>14.2f} "
            f"{baseline_ms / fast_ms:>6.1f} {1000 / fast_ms:>18.0f} {same}"
        )


if __name__ == "__main__":
    main()
