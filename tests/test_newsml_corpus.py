"""`wirewatch replay ../shared/corpus/newsml`: every text item of the agencies' NewsML-G2 and
NewsML 1.x documents becomes an article, in its language, with its headline, version and
status; pictures, packages, concepts and knowledge items are skipped, and a file that is not
well-formed is refused with one line while the others go on.

The documents are read where they lie, at test time (their licences keep them out of this
repository); the test is skipped when the folder is absent. Which items are text items is
decided here from the documents themselves with plain XPath, independently of the readers:

* NewsML-G2: a ``newsItem`` of ``itemClass`` text that states a headline, slugline or body;
* NewsML 1.x: a ``NewsItem`` with inline text outside caption and title components, or a
  headline alone when it holds neither media files nor references to other items.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from crawler.cli import main
from crawler.storage import Store

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "newsml"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/newsml is absent")

MEDIA = {"photo", "graphic", "video", "audio", "animation"}


def sources() -> list[dict[str, str]]:
    with (CORPUS / "SOURCES.tsv").open(encoding="utf-8") as table:
        return list(csv.DictReader(table, delimiter="\t"))


def local(name: str) -> str:
    return f"*[local-name()='{name}']"


def text_items(path: Path) -> int | None:
    """How many text items the document holds; None when it is not well-formed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError:
        return None
    if etree.QName(root).localname == "NewsML":
        return sum(newsml1_text_item(item) for item in root.xpath(f"//{local('NewsItem')}"))
    return sum(g2_text_item(item) for item in root.xpath(f"//{local('newsItem')}"))


def g2_text_item(item: etree._Element) -> bool:
    item_class = item.xpath(f"string({local('itemMeta')}/{local('itemClass')}/@qcode)")
    if not item_class.endswith(":text"):
        return False
    stated = item.xpath(
        f"concat({local('contentMeta')}/{local('headline')}, {local('contentMeta')}/{local('slugline')})"
    ) + "".join(item.xpath(f"{local('contentSet')}//text()"))
    return bool(stated.strip())


def newsml1_text_item(item: etree._Element) -> bool:
    outside_captions = (
        f"//{local('DataContent')}[not(ancestor::{local('NewsComponent')}"
        f"[{local('Role')}[translate(@FormalName, 'CPTIL', 'cptil') = 'caption'"
        f" or translate(@FormalName, 'CPTIL', 'cptil') = 'title']])]//text()"
    )
    if "".join(item.xpath("." + outside_captions)).strip():
        return True
    media = {m.lower() for m in item.xpath(f".//{local('MediaType')}/@FormalName")}
    headline = "".join(item.xpath(f".//{local('HeadLine')}//text()")).strip()
    return bool(headline) and not media & MEDIA and not item.xpath(f".//{local('NewsItemRef')}")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("newsml")
    config = home / "config.yaml"
    config.write_text("database: wirewatch.db\nalerts: {channels: []}\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--config", str(config), "replay", str(CORPUS)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return home / "wirewatch.db"


def test_every_text_item_becomes_an_article_in_its_language(replayed):
    rows = {row["file"]: row for row in sources()}
    with Store(replayed) as store:
        articles = store.query(
            "SELECT substr(feed, 8) AS file, title, lang, version, pub_status, published"
            " FROM articles"
        )
        refused = {
            row["feed"][len("replay:") :]: row["error"]
            for row in store.query("SELECT feed, error FROM polls WHERE status = 'error'")
        }
    stored = Counter(article["file"] for article in articles)
    expected = {name: text_items(CORPUS / name) for name in rows}
    assert sum(n for n in expected.values() if n) > 200
    missing = {name: (n, stored[name]) for name, n in expected.items() if n and stored[name] != n}
    assert not missing, f"text items stored / expected: {missing}"
    not_text = {name for name, n in expected.items() if n == 0 and stored[name]}
    assert not not_text, f"articles from documents without text items: {not_text}"
    for article in articles:
        languages = rows[article["file"]]["languages"].split(",")
        assert article["title"], article
        assert article["version"] >= 0 and article["published"], article  # Belga counts from 0
        assert "und" in languages or article["lang"] in languages, article
    malformed = [name for name, n in expected.items() if n is None]
    assert malformed and all(name in refused for name in malformed)
    for name in malformed:
        assert "malformed XML" in refused[name] and "\n" not in refused[name]


def test_withheld_items_are_stored_with_their_status_and_never_form_an_incident(replayed):
    with Store(replayed) as store:
        withheld = store.query(
            "SELECT a.id, e.reason FROM articles a JOIN extractions e ON e.article_id = a.id"
            " WHERE a.pub_status = 'withheld'"
        )
        linked = store.query(
            "SELECT count(*) AS n FROM incident_articles i JOIN articles a ON a.id = i.article_id"
            " WHERE a.pub_status IS NOT NULL"
        )[0]["n"]
    assert withheld and all(row["reason"] == "withdrawn" for row in withheld)
    assert linked == 0


def test_skipped_items_are_reported_one_line_each(replayed):
    with Store(replayed) as store:
        problems = " | ".join(row["error"] or "" for row in store.query("SELECT error FROM polls"))
    for kind in ("picture item", "packageItem", "conceptItem", "knowledgeItem", "photo item"):
        assert kind in problems
