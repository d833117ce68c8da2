"""Wire items (NewsML) state more than a feed item: a version, a publishing status, an embargo.
Versions of one dispatch are one article, updated and never overwritten by an older one; a
withheld or canceled story opens no incident and raises no alert; an embargoed one is not
processed (so never alerted) before its time. NewsML 1.x documents with NITF bodies are read
like NewsML-G2 ones. The documents here are written for the tests."""

from __future__ import annotations

from datetime import timedelta

from crawler.feeds import parse_feed
from crawler.ingest import entry_fingerprint
from crawler.pipeline import process_pending
from crawler.storage import Store
from tests.pipeline_fixtures import AIN_AL_ASAD, ScriptedExtractor, attack, make_config, utc

NOW = utc(2020, 2, 16, 1, 0)
HEADLINE = "Rockets hit near US embassy in Baghdad"

G2 = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:wire.test:20200216:EN-1"
  version="{version}" standard="NewsML-G2" standardversion="2.25" xml:lang="en">
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider qcode="nprov:WIRE"/>
    <versionCreated>2020-02-16T00:5{version}:00Z</versionCreated>
    <firstCreated>2020-02-16T00:50:00Z</firstCreated>
    <pubStatus qcode="stat:{status}"/>
    {embargo}
  </itemMeta>
  <contentMeta>
    <headline>{headline}</headline>
    <dateline>BAGHDAD, Feb 16 (Wire) -</dateline>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><body>
        <p>Several rockets struck near the US embassy in Baghdad, version {version}.</p>
      </body></html>
    </inlineXML>
  </contentSet>
</newsItem>
"""

NEWSML1 = """<?xml version="1.0" encoding="utf-8"?>
<NewsML Version="1.2">
  <NewsEnvelope><DateAndTime>20200216T005000Z</DateAndTime></NewsEnvelope>
  <NewsItem xml:lang="fr">
    <Identification><NewsIdentifier>
      <ProviderId>wire.test</ProviderId><DateId>20200216T005000Z</DateId>
      <NewsItemId>TX-PAR-T01</NewsItemId>
      <RevisionId PreviousRevision="1" Update="N">2</RevisionId>
      <PublicIdentifier>urn:newsml:wire.test:20200216T005000Z:TX-PAR-T01:2</PublicIdentifier>
    </NewsIdentifier></Identification>
    <NewsManagement>
      <NewsItemType FormalName="News"/>
      <FirstCreated>20200216T005000+0000</FirstCreated>
      <ThisRevisionCreated>20200216T005500+0000</ThisRevisionCreated>
      <Status FormalName="{status}"/>
      {will_change}
    </NewsManagement>
    <NewsComponent>
      <NewsLines><HeadLine>{headline}</HeadLine><DateLine>BAGDAD (AFP) -</DateLine></NewsLines>
      <AdministrativeMetadata><Provider><Party FormalName="Wire"/></Provider></AdministrativeMetadata>
      <DescriptiveMetadata><Language FormalName="fr"/></DescriptiveMetadata>
      <ContentItem>
        <MediaType FormalName="Text"/><Format FormalName="NITF3.1"/>
        <DataContent><nitf><body><body.content>
          <p>Des roquettes sont tombées près de l'ambassade américaine à Bagdad.</p>
          <p>Aucune victime n'a été signalée.</p>
          <p>ab-cd/ef</p>
        </body.content></body></nitf></DataContent>
      </ContentItem>
      <NewsComponent Duid="photo0">
        <NewsLines><HeadLine>Une photo d'archive</HeadLine></NewsLines>
        <NewsComponent><Role FormalName="Caption"/>
          <ContentItem><MediaType FormalName="Text"/>
            <DataContent><p>Légende de la photo</p></DataContent></ContentItem>
        </NewsComponent>
        <NewsComponent><Role FormalName="HighDef"/>
          <ContentItem Href="photo.jpg"><MediaType FormalName="Photo"/></ContentItem>
        </NewsComponent>
      </NewsComponent>
    </NewsComponent>
  </NewsItem>
</NewsML>
"""


def g2(version: int = 1, status: str = "usable", embargo: str = "", headline: str = HEADLINE):
    tag = f"<embargoed>{embargo}</embargoed>" if embargo else ""
    return G2.format(version=version, status=status, embargo=tag, headline=headline).encode()


def store_document(store: Store, body: bytes, now=NOW) -> tuple[int, int]:
    parsed = parse_feed(body, url="https://wire.test/push", now=now)
    return store.upsert_entries("wire", parsed.entries, now, entry_fingerprint)


def article(store: Store) -> dict:
    return store.query("SELECT * FROM articles WHERE feed = 'wire'")[0]


def run(store: Store, now=NOW) -> dict:
    extractor = ScriptedExtractor({HEADLINE: attack(when=utc(2020, 2, 16, 0, 30))})
    return process_pending(store, extractor, make_config(), now)


def test_newsml1_nitf_item_reads_its_story_without_captions_or_initials():
    parsed = parse_feed(
        NEWSML1.format(status="Usable", will_change="", headline="Roquettes sur Bagdad").encode(),
        url="file:///spool/t01.xml",
        now=NOW,
    )
    assert parsed.format == "newsml" and parsed.title == "Wire"
    (entry,) = parsed.entries
    assert entry.guid == "urn:newsml:wire.test:20200216T005000Z:TX-PAR-T01"
    assert entry.version == 2 and entry.pub_status is None
    assert entry.title == "Roquettes sur Bagdad" and entry.lang == "fr"
    assert entry.dateline == "BAGDAD" and entry.published == utc(2020, 2, 16, 0, 50)
    assert entry.content == (
        "Des roquettes sont tombées près de l'ambassade américaine à Bagdad.\n"
        "Aucune victime n'a été signalée."
    )


def test_newsml1_alert_without_headline_takes_its_text_as_title_and_status_is_kept():
    body = NEWSML1.format(status="Canceled", will_change="", headline="").encode()
    (entry,) = parse_feed(body, url="file:///spool/t01.xml", now=NOW).entries
    assert entry.title.startswith("Des roquettes sont tombées")
    assert entry.pub_status == "canceled"


def test_newsml1_embargo_until_a_time_and_embargo_without_one():
    until = "<StatusWillChange><FutureStatus FormalName='Usable'/>"
    until += "<DateAndTime>20200216T060000+0000</DateAndTime></StatusWillChange>"
    body = NEWSML1.format(status="Embargoed", will_change=until, headline="x").encode()
    (entry,) = parse_feed(body, url="file:///spool/t01.xml", now=NOW).entries
    assert entry.embargoed == utc(2020, 2, 16, 6, 0) and entry.pub_status is None
    body = NEWSML1.format(status="Embargoed", will_change="", headline="x").encode()
    (entry,) = parse_feed(body, url="file:///spool/t01.xml", now=NOW).entries
    assert entry.pub_status == "withheld"  # no time given: never to be published as it is


def test_versions_of_one_dispatch_are_one_article_and_an_older_one_never_wins(tmp_path):
    with Store(tmp_path / "w.db") as store:
        assert store_document(store, g2(version=1)) == (1, 0)
        assert store_document(store, g2(version=3)) == (0, 1)
        assert store_document(store, g2(version=2)) == (0, 0)  # late: left alone
        stored = article(store)
    assert stored["version"] == 3 and "version 3" in stored["summary"]


def alert_rows(store: Store) -> list[dict]:
    return store.query("SELECT key, kind, payload FROM alerts ORDER BY id")


def test_a_canceled_alerted_story_sends_one_withdrawn_follow_up_and_no_new_incident(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(version=1))
        assert run(store)["new_incidents"] == 1
        assert [a["kind"] for a in alert_rows(store)] == ["new"]
        assert store_document(store, g2(version=2, status="canceled")) == (0, 1)
        summary = run(store)
        assert summary["processed"] == 1 and summary["new_incidents"] == 0
        assert summary["alerts"] == 1
        new, withdrawn = alert_rows(store)
        assert withdrawn["kind"] == "withdrawn"
        assert withdrawn["key"] == "incident:1:console:withdrawn"
        assert '"status": "canceled"' in withdrawn["payload"]
        stored = article(store)
        assert stored["pub_status"] == "canceled"
        assert store.extraction(stored["id"]).reason == "withdrawn"
        # A later version, still canceled, is processed again but withdraws nothing more.
        assert store_document(store, g2(version=3, status="canceled")) == (0, 1)
        assert run(store)["alerts"] == 0
        assert len(alert_rows(store)) == 2


def test_a_withdrawn_story_is_not_followed_up_while_another_report_supports_it(tmp_path):
    other = "Embassy in Baghdad targeted by rockets"
    table = {HEADLINE: attack(when=utc(2020, 2, 16, 0, 30)),
             other: attack(when=utc(2020, 2, 16, 0, 35))}  # fmt: skip
    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(version=1))
        second = parse_feed(g2(headline=other).replace(b"EN-1", b"EN-2"),
                            url="https://wire.test/push", now=NOW)  # fmt: skip
        store.upsert_entries("wire", second.entries, NOW, entry_fingerprint)
        summary = process_pending(store, ScriptedExtractor(table), make_config(), NOW)
        assert summary["new_incidents"] == 1 and summary["alerts"] == 1
        store_document(store, g2(version=2, status="canceled"))
        assert process_pending(store, ScriptedExtractor(table), make_config(), NOW)["alerts"] == 0
        assert [a["kind"] for a in alert_rows(store)] == ["new"]


def test_a_withdrawn_follow_up_reads_as_one_on_the_console(tmp_path):
    from crawler.alerts.message import build_message

    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(version=1))
        run(store)
        store_document(store, g2(version=2, status="canceled"))
        run(store)
        alert_id = store.query("SELECT id FROM alerts WHERE kind = 'withdrawn'")[0]["id"]
        message = build_message(store.alert_context(alert_id), NOW)
    assert message.kind == "withdrawn" and message.thread_key == "incident:1:console:v1"
    assert message.update_text == (
        f'Withdrawn: WIRE canceled "{HEADLINE}"; no other report supports this incident'
    )


def test_a_story_canceled_before_it_was_seen_opens_nothing(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(status="canceled"))
        summary = run(store)
        assert summary["processed"] == 1 and summary["new_incidents"] == 0
        assert store.query("SELECT count(*) AS n FROM incidents")[0]["n"] == 0


def test_an_embargoed_story_is_processed_only_once_its_embargo_ends(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(embargo="2020-02-16T02:00:00Z"))
        assert run(store)["processed"] == 0
        assert run(store, NOW + timedelta(minutes=59))["processed"] == 0
        summary = run(store, utc(2020, 2, 16, 2, 0, 1))
        assert summary["processed"] == 1 and summary["new_incidents"] == 1


# -- withdrawn incidents leave the counters ------------------------------------------------

LATER = "Rockets hit Ain al-Asad air base"


def later_story() -> bytes:
    return g2(headline=LATER).replace(b"EN-1", b"EN-2")


def ordinals_by_title(store: Store) -> dict[str, int]:
    rows = store.query(
        "SELECT i.title, t.ordinal FROM counter_ticks t JOIN incidents i ON i.id = t.incident_id"
        " WHERE t.counter = 'us-interests-iraq' ORDER BY t.ordinal"
    )
    return {r["title"]: r["ordinal"] for r in rows}


def run_both(store: Store, table: dict | None = None, now=NOW) -> dict:
    table = table or {HEADLINE: attack(when=utc(2020, 2, 16, 0, 30)),
                      LATER: attack(AIN_AL_ASAD, when=utc(2020, 2, 16, 0, 40))}  # fmt: skip
    return process_pending(store, ScriptedExtractor(table), make_config(), now)


def test_a_withdrawn_incident_leaves_the_counter_and_a_republished_story_brings_it_back(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(version=1))
        store_document(store, later_story())
        run_both(store)
        assert list(ordinals_by_title(store).values()) == [19, 20]
        first = store.incident_of_article(article(store)["id"])
        assert first is not None
        store_document(store, g2(version=2, status="canceled"))
        run_both(store)
        assert store.incident(first).withdrawn == NOW
        assert [(t, n) for t, n in ordinals_by_title(store).items()] == [(LATER, 19)]
        assert [r["title"] for r in store.incidents_for_export()] == [LATER]
        assert len(list(store.incidents_for_export(withdrawn=True))) == 2
        assert [r["title"] for r in store.latest_incidents()] == [LATER]
        # The agency publishes the story again: its incident counts again, in its place.
        store_document(store, g2(version=3))
        run_both(store)
        assert store.incident(first).withdrawn is None
        assert list(ordinals_by_title(store).values()) == [19, 20]
        assert ordinals_by_title(store)[LATER] == 20


def test_an_incident_another_report_supports_stays_counted(tmp_path):
    other = "Embassy in Baghdad targeted by rockets"
    table = {HEADLINE: attack(when=utc(2020, 2, 16, 0, 30)),
             other: attack(when=utc(2020, 2, 16, 0, 35))}  # fmt: skip
    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(version=1))
        store_document(store, g2(headline=other).replace(b"EN-1", b"EN-2"))
        run_both(store, table)
        store_document(store, g2(version=2, status="canceled"))
        run_both(store, table)
        (incident,) = store.query("SELECT id, withdrawn FROM incidents")
        assert incident["withdrawn"] is None
        assert store.incident_ordinals(incident["id"]) == {"us-interests-iraq": 19}


def test_a_new_report_brings_a_withdrawn_incident_back_into_the_count(tmp_path):
    other = "Embassy in Baghdad targeted by rockets"
    with Store(tmp_path / "w.db") as store:
        store_document(store, g2(version=1))
        run_both(store)
        store_document(store, g2(version=2, status="canceled"))
        run_both(store)
        (incident,) = store.query("SELECT id, withdrawn FROM incidents")
        assert incident["withdrawn"] is not None and ordinals_by_title(store) == {}
        store_document(store, g2(headline=other).replace(b"EN-1", b"EN-2"))
        table = {other: attack(when=utc(2020, 2, 16, 0, 35))}
        assert run_both(store, table)["new_incidents"] == 0
        assert store.incident(incident["id"]).withdrawn is None
        assert store.incident_ordinals(incident["id"]) == {"us-interests-iraq": 19}
