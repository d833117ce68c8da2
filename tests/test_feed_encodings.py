"""Feeds in legacy encodings that do not say which: every title stored exactly.

Each feed is our own short dispatch in a language written in that encoding, served over real
local HTTP with no charset in the Content-Type and no encoding in the XML declaration, polled by
the real `wirewatch poll`; the stored titles must equal the originals. Then the labels: a feed
declared ISO-8859-1 whose bytes use Windows punctuation is read as windows-1252, as the WHATWG
Encoding Standard says (a ’ stays a ’, not a control character).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from werkzeug import Response

from crawler.feeds import parse_feed
from crawler.storage import Store

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)

# Three headlines and a body per language, written for this test.
DISPATCHES = {
    "big5": (
        "zh",
        ["伊拉克北部發生汽車炸彈爆炸", "安全部隊封鎖現場展開調查", "巴格達機場附近遭火箭彈襲擊"],
        "伊拉克北部一個檢查站附近發生汽車炸彈爆炸，造成多人死傷。安全部隊隨即封鎖了現場。",
    ),
    "gb2312": (
        "zh",
        ["伊拉克北部发生汽车炸弹爆炸", "安全部队封锁现场展开调查", "巴格达机场附近遭火箭弹袭击"],
        "伊拉克北部一个检查站附近发生汽车炸弹爆炸，造成多人死伤。安全部队随即封锁了现场。",
    ),
    "euc_jp": (
        "ja",
        ["イラク北部で自動車爆弾が爆発", "治安部隊が現場を封鎖", "バグダッド空港付近にロケット弾"],
        "イラク北部の検問所付近で自動車爆弾が爆発し、多数の死傷者が出た。治安部隊が現場を封鎖した。",
    ),
    "shift_jis": (
        "ja",
        ["モスル近郊で路肩爆弾が爆発", "警察官二人が負傷", "国境付近で無人機による攻撃"],
        "モスル近郊の道路で路肩爆弾が爆発し、警察官二人が負傷した。当局は調査を始めた。",
    ),
    "euc_kr": (
        "ko",
        ["이라크 북부에서 차량 폭탄 폭발", "보안군 현장 봉쇄", "바그다드 공항 인근에 로켓 공격"],
        "이라크 북부의 검문소 근처에서 차량 폭탄이 폭발해 여러 명이 숨지거나 다쳤다. 보안군이 현장을 봉쇄했다.",
    ),
    "koi8_r": (
        "ru",
        ["Взрыв заминированного автомобиля на севере Ирака", "Силы безопасности оцепили район",
         "Ракетный обстрел вблизи аэропорта Багдада"],
        "На севере Ирака у блокпоста взорвался заминированный автомобиль, есть погибшие и раненые.",
    ),
    "tis_620": (
        "th",
        ["ระเบิดรถยนต์ทางตอนเหนือของอิรัก", "กองกำลังความมั่นคงปิดล้อมพื้นที่",
         "จรวดโจมตีใกล้สนามบินแบกแดด"],
        "เกิดเหตุระเบิดรถยนต์ใกล้จุดตรวจทางตอนเหนือของอิรัก มีผู้เสียชีวิตและบาดเจ็บหลายราย",
    ),
    "cp1255": (
        "he",
        ["פיצוץ מכונית תופת בצפון עיראק", "כוחות הביטחון סגרו את האזור", "רקטות נורו לעבר שדה התעופה"],
        "מכונית תופת התפוצצה ליד מחסום בצפון עיראק, ויש הרוגים ופצועים רבים בין העוברים.",
    ),
    "cp1256": (
        "ar",
        ["انفجار سيارة مفخخة شمالي العراق", "قوات الأمن تطوق المكان", "صواريخ قرب مطار بغداد"],
        "انفجرت سيارة مفخخة قرب نقطة تفتيش شمالي العراق ما أسفر عن سقوط قتلى وجرحى.",
    ),
}  # fmt: skip


def feed_body(encoding: str) -> bytes:
    lang, titles, body = DISPATCHES[encoding]
    items = "".join(
        f"<item><guid>{encoding}-{n}</guid><title>{title}</title>"
        f"<link>https://wire.example/{encoding}/{n}</link><description>{body}</description>"
        f"<pubDate>Sun, 01 Mar 2026 0{n}:00:00 GMT</pubDate></item>"
        for n, title in enumerate(titles)
    )
    document = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://wire.example/</link><language>{lang}</language>{items}</channel></rss>"
    )
    return document.encode(encoding)


@pytest.mark.parametrize("encoding", sorted(DISPATCHES))
def test_an_undeclared_legacy_encoding_is_detected(encoding):
    parsed = parse_feed(feed_body(encoding), url="https://wire.example/rss", now=NOW)
    assert [entry.title for entry in parsed.entries] == DISPATCHES[encoding][1]


def test_iso_8859_1_is_read_as_windows_1252():
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Fil</title>'
        "<item><guid>1</guid><title>Irak : l’armée dément – « aucune victime »</title></item>"
        "</channel></rss>"
    ).encode("cp1252")
    parsed = parse_feed(body, url="https://wire.example/rss", now=NOW)
    assert parsed.entries[0].title == "Irak : l’armée dément – « aucune victime »"
    assert not parsed.problems


@pytest.mark.slow
def test_polled_feeds_in_legacy_encodings_store_their_titles_exactly(tmp_path, httpserver):
    for encoding in DISPATCHES:
        httpserver.expect_request(f"/{encoding}.xml").respond_with_response(
            Response(feed_body(encoding), content_type="application/rss+xml")
        )
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": "w.db",
                "fetch": {"contact": "tests@localhost", "timeout": "5s"},
                "feeds": [
                    {
                        "name": encoding.replace("_", "-"),
                        "url": httpserver.url_for(f"/{encoding}.xml"),
                        "allow_private": True,
                        "obey_robots": False,
                    }
                    for encoding in DISPATCHES
                ],  # fmt: skip
                "alerts": {"channels": []},
            }
        )
    )
    polled = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), "poll", "--all"],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert polled.returncode == 0, polled.stderr
    with Store(tmp_path / "w.db") as store:
        rows = store.query("SELECT feed, title FROM articles ORDER BY guid")
    for encoding, (_, titles, _) in DISPATCHES.items():
        stored = [r["title"] for r in rows if r["feed"] == encoding.replace("_", "-")]
        assert stored == titles, encoding
