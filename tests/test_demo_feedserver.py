"""The demo feed server over real HTTP on 127.0.0.1, and the sample wire it serves."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
import requests
from lxml import etree

from crawler.config import FeedConfig
from crawler.demo import FEEDS, FeedServer, SampleItem, feed_definitions, load_sample
from crawler.demo.feedserver import FEED_ITEMS_MAX, accepts_gzip, not_modified
from crawler.demo.render import NEWSML_NS
from crawler.demo.sample import fill_in
from crawler.errors import InputError
from crawler.lang import detect_language
from crawler.types import LANGUAGES

SAMPLE = load_sample()
# A Sunday, half past midnight GMT: the demo clock of the tests.
START = datetime(2020, 2, 16, 0, 30, tzinfo=UTC)
AFTER_EVERYTHING_S = 200
SPEC = {spec.name: spec for spec in FEEDS}
ROOT = Path(__file__).resolve().parents[1]


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def server(clock: FakeClock):
    with FeedServer(clock=clock) as running:
        yield running


def get(server: FeedServer, name_or_path: str, **kwargs) -> requests.Response:
    url = server.feed_urls().get(name_or_path) or server.url + name_or_path
    return requests.get(url, timeout=kwargs.pop("timeout", 5), **kwargs)


def sample_items_of(feed: str, until_s: float = AFTER_EVERYTHING_S) -> list[SampleItem]:
    return [i for i in SAMPLE.items if i.feed == SPEC[feed].lists and i.offset_s <= until_s]


def item(id: str, feed: str = "afp-en", **changes) -> SampleItem:
    fields = dict(
        id=id,
        feed=feed,
        outlet="AFP",
        lang="en",
        story=id,
        title=f"Test dispatch {id}",
        body=("Rockets hit a base in Iraq on {day} at around {time} GMT.",),
        link=f"/test/{id}",
    )
    return SampleItem(**{**fields, **changes})


# -- serving -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("afp-fr", "application/rss+xml; charset=utf-8"),
        ("afp-en", "application/atom+xml; charset=utf-8"),
        ("afp-ar", "application/feed+json; charset=utf-8"),
        ("afp-en-newsml", "application/vnd.iptc.g2.newsmessage+xml; charset=utf-8"),
        ("outlet-lemonde", "application/rss+xml; charset=utf-8"),
        ("outlet-rudaw", "application/rss+xml; charset=utf-8"),
        ("outlet-alarab", "application/atom+xml; charset=utf-8"),
        ("broken", "application/rss+xml; charset=utf-8"),
    ],
)
def test_every_feed_is_served_with_its_content_type(server, clock, name, content_type):
    clock.advance(AFTER_EVERYTHING_S)
    response = get(server, name)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert len(response.content) > 500


def test_feed_urls_cover_every_feed_and_unknown_paths_are_404(server):
    assert set(server.feed_urls()) == set(SPEC)
    assert get(server, "/nothing-here.xml").status_code == 404
    index = get(server, "/")
    assert all(url in index.text for url in server.feed_urls().values())


@pytest.mark.parametrize("elapsed_s", [0, 20, 61, AFTER_EVERYTHING_S])
def test_items_appear_only_once_their_offset_has_passed(server, clock, elapsed_s):
    clock.advance(elapsed_s)
    parsed = feedparser.parse(get(server, "afp-fr").content)
    expected = sample_items_of("afp-fr", until_s=elapsed_s)
    assert [e.link for e in parsed.entries] == [
        server.url + i.link for i in sorted(expected, key=lambda i: -i.offset_s)
    ]


def test_speed_compresses_the_timeline(clock):
    with FeedServer(clock=clock, speed=10) as server:
        clock.advance(6)  # 60 s of story
        parsed = feedparser.parse(get(server, "afp-fr").content)
    assert len(parsed.entries) == len(sample_items_of("afp-fr", until_s=60))


def test_once_publishes_everything_at_start_with_the_story_spacing(clock):
    with FeedServer(clock=clock, once=True) as server:
        parsed = feedparser.parse(get(server, "afp-fr").content)
        published = [p.published for p in server.schedule()]
    assert len(parsed.entries) == len(sample_items_of("afp-fr"))
    assert max(published) == START
    assert (max(published) - min(published)).total_seconds() == max(
        i.offset_s for i in SAMPLE.items
    )


def test_publication_times_are_whole_seconds_rounded_up():
    clock = FakeClock(START + timedelta(milliseconds=300))
    with FeedServer([item("a")], clock=clock) as server:
        assert server.epoch == START + timedelta(seconds=1)
        assert get(server, "afp-en").headers["Last-Modified"] == "Sun, 16 Feb 2020 00:30:01 GMT"


def test_feeds_list_newest_first_and_at_most_fifty(clock):
    items = [item(f"n{k}", offset_s=k) for k in range(FEED_ITEMS_MAX + 5)]
    with FeedServer(items, clock=clock) as server:
        clock.advance(AFTER_EVERYTHING_S)
        parsed = feedparser.parse(get(server, "afp-en").content)
    ids = [e.id for e in parsed.entries]
    assert len(ids) == FEED_ITEMS_MAX
    assert ids[0].endswith(f"n{FEED_ITEMS_MAX + 4}") and ids[-1].endswith("n5")


# -- conditional requests and compression --------------------------------------------------------


def test_if_none_match_gets_304_until_something_new_is_published(server, clock):
    first = get(server, "afp-en")
    etag = first.headers["ETag"]
    again = get(server, "afp-en", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag

    clock.advance(AFTER_EVERYTHING_S)
    changed = get(server, "afp-en", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_if_modified_since_gets_304_until_something_new_is_published(server, clock):
    clock.advance(30)
    last_modified = get(server, "afp-fr").headers["Last-Modified"]
    assert get(server, "afp-fr", headers={"If-Modified-Since": last_modified}).status_code == 304
    clock.advance(AFTER_EVERYTHING_S)
    assert get(server, "afp-fr", headers={"If-Modified-Since": last_modified}).status_code == 200


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({}, False),
        ({"If-None-Match": 'W/"abc"'}, True),
        ({"If-None-Match": '"abc"'}, True),  # weak comparison, RFC 9110 13.1.2
        ({"If-None-Match": '"x", W/"abc"'}, True),
        ({"If-None-Match": "*"}, True),
        ({"If-None-Match": '"x"', "If-Modified-Since": "Sun, 16 Feb 2020 01:00:00 GMT"}, False),
        ({"If-Modified-Since": "Sun, 16 Feb 2020 00:30:00 GMT"}, True),
        ({"If-Modified-Since": "Sun, 16 Feb 2020 00:29:59 GMT"}, False),
        ({"If-Modified-Since": "yesterday"}, False),
    ],
)
def test_not_modified_follows_the_rfc(headers, expected):
    assert not_modified(headers, 'W/"abc"', START) is expected


def test_gzip_when_asked_and_identical_once_decompressed(server, clock):
    clock.advance(AFTER_EVERYTHING_S)
    plain = get(server, "afp-ar", headers={"Accept-Encoding": "identity"})
    packed = requests.get(
        server.feed_urls()["afp-ar"], headers={"Accept-Encoding": "gzip"}, stream=True, timeout=5
    )
    raw = packed.raw.read()
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content


@pytest.mark.parametrize(
    "header, expected",
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("br", False),
        (None, False),
    ],
)
def test_accepts_gzip_reads_quality_values(header, expected):
    assert accepts_gzip(header) is expected


# -- what the daemon must survive -----------------------------------------------------------------


def test_the_broken_feed_is_not_well_formed(server, clock):
    clock.advance(AFTER_EVERYTHING_S)
    response = get(server, "broken")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(response.content)
    assert feedparser.parse(response.content).bozo
    assert "ETag" not in response.headers


def test_a_hanging_feed_times_out_while_the_others_are_served(server):
    hanging = server.feed_urls()["afp-fr"]
    server.set_behaviour(urlpath(hanging), "hang")
    with pytest.raises(requests.Timeout):
        requests.get(hanging, timeout=0.3)
    assert get(server, "afp-en").status_code == 200
    server.set_behaviour(urlpath(hanging), "ok")
    assert requests.get(hanging, timeout=5).status_code == 200


def test_stop_returns_while_a_request_hangs(clock):
    server = FeedServer(clock=clock).start()
    server.set_behaviour("/afp-fr.xml", "hang")
    with pytest.raises(requests.Timeout):
        requests.get(server.feed_urls()["afp-fr"], timeout=0.2)
    server.stop()  # the fixture-free server: a hang here would fail the suite by timeout


def test_a_dripping_feed_sends_headers_then_trickles(server):
    server.set_behaviour("/afp-en.atom", "drip", drip_interval_s=10)
    response = requests.get(server.feed_urls()["afp-en"], stream=True, timeout=0.3)
    assert response.status_code == 200
    with pytest.raises(requests.ConnectionError):
        response.content  # noqa: B018 (reading the body is the point)


def test_a_fast_drip_delivers_the_whole_body(server):
    whole = get(server, "/").content
    server.set_behaviour("/", "drip", drip_interval_s=0.0005)
    assert get(server, "/").content == whole


def test_500_behaviour(server):
    server.set_behaviour("/afp-ar.json", "500")
    assert get(server, "afp-ar").status_code == 500
    with pytest.raises(ValueError):
        server.set_behaviour("/afp-ar.json", "explode")


# -- run-time publication --------------------------------------------------------------------------


def test_publish_adds_an_item_now_and_its_article_page(server, clock):
    clock.advance(0.25)
    publication = server.publish(item("bench-1"))
    assert publication.published == START + timedelta(seconds=1)
    assert get(server, "/test/bench-1").status_code == 404  # not out yet
    clock.advance(0.75)
    titles = [e.title for e in feedparser.parse(get(server, "afp-en").content).entries]
    assert titles[0] == "Test dispatch bench-1"
    page = get(server, "/test/bench-1")
    assert page.status_code == 200 and "Test dispatch bench-1" in page.text


def test_publish_rejects_duplicates_and_unserved_feeds(server):
    server.publish(item("bench-2"))
    with pytest.raises(ValueError, match="already published"):
        server.publish(item("bench-2"))
    with pytest.raises(ValueError, match="not served"):
        server.publish(item("bench-3", feed="nowhere"))
    with pytest.raises(ValueError, match="already published"):
        FeedServer([item("twice"), item("twice")])


def test_hits_record_conditional_requests(server):
    etag = get(server, "afp-en", headers={"User-Agent": "probe"}).headers["ETag"]
    get(server, "afp-en", headers={"If-None-Match": etag, "User-Agent": "probe"})
    hits = server.hits()
    assert [(h.path, h.status, h.conditional, h.user_agent) for h in hits] == [
        ("/afp-en.atom", 200, False, "probe"),
        ("/afp-en.atom", 304, True, "probe"),
    ]


# -- every feed parses, with the expected entries -----------------------------------------------


@pytest.mark.parametrize(
    "name", [n for n, s in SPEC.items() if s.format in ("rss", "atom") and n != "broken"]
)
def test_rss_and_atom_feeds_parse_cleanly_with_feedparser(server, clock, name):
    clock.advance(AFTER_EVERYTHING_S)
    parsed = feedparser.parse(get(server, name).content)
    expected = sample_items_of(name)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version in ("rss20", "atom10")
    assert len(parsed.entries) == len(expected)
    assert sorted(e.title for e in parsed.entries) == sorted(i.title for i in expected)
    assert all(e.published_parsed and e.content[0].value.startswith("<p>") for e in parsed.entries)


def test_json_feed_follows_version_1_1(server, clock):
    # feedparser 6 reads no JSON Feed: checked against the spec's required fields instead.
    clock.advance(AFTER_EVERYTHING_S)
    document = json.loads(get(server, "afp-ar").content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == server.feed_urls()["afp-ar"]
    assert len(document["items"]) == len(sample_items_of("afp-ar"))
    for entry in document["items"]:
        assert entry["id"] and entry["content_html"] and entry["url"].startswith(server.url)
        assert datetime.fromisoformat(entry["date_published"]).tzinfo is not None


def test_newsml_message_carries_the_english_wire(server, clock):
    clock.advance(AFTER_EVERYTHING_S)
    message = etree.fromstring(get(server, "afp-en-newsml").content)
    ns = {"n": NEWSML_NS}
    items = message.findall("n:itemSet/n:newsItem", ns)
    assert len(items) == len(sample_items_of("afp-en-newsml"))
    headlines = {i.findtext("n:contentMeta/n:headline", namespaces=ns) for i in items}
    assert headlines == {i.title for i in sample_items_of("afp-en")}
    assert all(i.findtext("n:contentMeta/n:dateline", namespaces=ns) for i in items)


def test_titles_with_ampersands_and_quotes_survive_escaping(server, clock):
    clock.advance(AFTER_EVERYTHING_S)
    titles = {e.title for e in feedparser.parse(get(server, "afp-en").content).entries}
    assert "Iraq's oil exports hold steady as SOMO & Basra terminals resume loading" in titles
    assert 'Pro-Iran faction tells US troops: "leave Iraq or face our fire"' in titles


def test_served_texts_have_their_times_filled_in(server, clock):
    clock.advance(AFTER_EVERYTHING_S)
    for name in ("afp-fr", "afp-en", "outlet-alarab"):
        for entry in feedparser.parse(get(server, name).content).entries:
            assert "{" not in entry.title + entry.content[0].value


def test_feed_definitions_are_valid_config_entries(server):
    definitions = server.feed_definitions()
    assert {d.name for d in definitions} == set(SPEC)
    for definition in definitions:
        FeedConfig(**definition.config_entry())
    assert "broken" not in {d.name for d in feed_definitions(server.url, include_broken=False)}


def test_runs_as_a_script_printing_its_url_first():
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.feedserver", "--port", "0", "--once"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        parsed = feedparser.parse(requests.get(url + "/afp-fr.xml", timeout=5).content)
        assert len(parsed.entries) == len(sample_items_of("afp-fr"))
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


# -- the sample wire itself ------------------------------------------------------------------------


def test_every_incident_is_reported_in_all_three_languages_by_several_outlets():
    for story in SAMPLE.incidents:
        reports = [i for i in SAMPLE.items if i.story == story]
        assert {i.lang for i in reports} == set(LANGUAGES), story
        assert len({i.outlet for i in reports}) >= 2, story


@pytest.mark.parametrize("sample_item", SAMPLE.items, ids=lambda i: i.id)
def test_each_item_is_written_in_its_declared_language(sample_item):
    text = " ".join((sample_item.title, *sample_item.body))
    assert detect_language(text) == sample_item.lang


def test_the_sample_has_unrelated_stories_and_a_tally_mismatch():
    unrelated = {i.story for i in SAMPLE.items} - set(SAMPLE.incidents)
    assert len(unrelated) >= 5
    asad = " ".join(p for i in SAMPLE.items if i.story == "asad-rockets" for p in i.body)
    assert "20th" in asad and "21st" in asad
    assert 45 <= len(SAMPLE.items) <= 60
    assert all(0 <= i.offset_s <= 150 for i in SAMPLE.items)


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fr", "Bagdad (AFP) - Des roquettes sont tombées dimanche vers 00H15 GMT"),
        ("en", "at around 00:15 GMT on Sunday"),
        ("ar", "نحو الساعة 00:15 بتوقيت غرينتش يوم الأحد"),
    ],
)
def test_fill_in_writes_weekday_and_time_in_the_item_language(lang, expected):
    flash = next(i for i in SAMPLE.items if i.id == f"afp-{lang}-embassy-flash")
    filled = fill_in(flash, START - timedelta(minutes=12))  # 00:18 -> "00:15", agency style
    assert expected in (filled.dateline or "") + " - " + filled.body[0]


def test_load_sample_names_every_problem(tmp_path):
    bad = tmp_path / "wire.yaml"
    first = {**_raw(SAMPLE.items[0]), "lang": "de"}
    bad.write_text(
        json.dumps({"incidents": {}, "items": [first, {"id": "x"}, _raw(SAMPLE.items[0])]}),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_sample(bad)
    message = str(caught.value)
    assert "items[0]" in message and "'de'" in message
    assert "items[1]: missing" in message
    assert "duplicate id" in message


def _raw(sample_item: SampleItem) -> dict:
    fields = {
        "id": sample_item.id,
        "feed": sample_item.feed,
        "outlet": sample_item.outlet,
        "lang": sample_item.lang,
        "story": sample_item.story,
        "offset_s": sample_item.offset_s,
        "link": sample_item.link,
        "title": sample_item.title,
        "body": list(sample_item.body),
    }
    return fields


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3]
