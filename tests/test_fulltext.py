"""extract_article_text on article pages written for the tests (navigation, ads, comments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.fulltext import extract_article_text

PAGES = Path(__file__).parent / "data" / "pages"


@pytest.mark.parametrize(
    ("page", "kept", "dropped"),
    [
        (
            "article_fr.html",
            ["BAGDAD, 16 fév 2020 (AFP) - Plusieurs roquettes", "vers 00H30 GMT", "19e attaque"],
            ["Accueil", "Publicité", "lecteur123", "Mentions légales", "dataLayer"],
        ),
        (
            "article_en.html",
            ["BAGHDAD (Reuters) - Several rockets", "no immediate reports of casualties"],
            ["Sign in", "Ten tips", "ADVERTISEMENT", "user88", "Cookie settings"],
        ),
    ],
)
def test_article_text_keeps_the_story_and_drops_the_page_furniture(page, kept, dropped):
    html = (PAGES / page).read_bytes()
    text = extract_article_text(html, f"https://news.example.com/{page}")
    assert text is not None
    for phrase in kept:
        assert phrase in text
    for phrase in dropped:
        assert phrase not in text


def test_str_input_gives_the_same_text_as_bytes():
    html = (PAGES / "article_en.html").read_bytes()
    url = "https://news.example.com/a"
    assert extract_article_text(html.decode(), url) == extract_article_text(html, url)


@pytest.mark.parametrize("html", [b"", "   ", "<html><body><nav>Home</nav></body></html>"])
def test_no_article_gives_none(html):
    assert extract_article_text(html, "https://news.example.com/empty") is None
