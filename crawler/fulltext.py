"""Full article text from an article page's HTML, with trafilatura, without fetching anything.

Feeds often carry only a headline and a line; when the spiders fetch the article page they
hand its HTML here. :func:`extract_article_text` runs ``trafilatura.extract`` on that HTML only:
it never calls ``trafilatura.fetch_url`` (whose downloader retries *without certificate
verification* after an SSL error: ``INSECURE_SSL_FALLBACK`` must never come into play, and
fetching belongs to the spiders, behind crawler.urls.check_public_url). Settings favour
precision over recall (a wrong paragraph misleads the extractor more than a missing one), drop
comments, tables, images and links, and disable trafilatura's signal-based extraction timeout,
which only works in the main thread. Pages larger than :data:`ARTICLE_MAX_CHARS` characters
(or bytes) are cut before parsing to bound time and memory.

What this module leaves to others: fetching the page (spiders/), and reading the text
(crawler.extract).
"""

from __future__ import annotations

import logging
from copy import deepcopy

import trafilatura
from trafilatura.settings import DEFAULT_CONFIG

logger = logging.getLogger(__name__)

# News article pages are 50-500 KB of HTML; 3 MB keeps heavy pages and bounds the worst case.
ARTICLE_MAX_CHARS = 3_000_000
# The shortest wire brief is a couple of sentences; less is a menu, a paywall or an error page.
ARTICLE_MIN_CHARS = 80

_CONFIG = deepcopy(DEFAULT_CONFIG)
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
_CONFIG.set("DEFAULT", "INSECURE_SSL_FALLBACK", "off")


def extract_article_text(html: bytes | str, url: str) -> str | None:
    """The main text of an article page, paragraphs separated by newlines.

    None when nothing of at least :data:`ARTICLE_MIN_CHARS` characters looks like an article.
    """
    # Bytes go to trafilatura as they are: it reads the page's own charset declaration.
    if not html.strip():
        return None
    text = trafilatura.extract(
        html[:ARTICLE_MAX_CHARS],
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        output_format="txt",
        config=_CONFIG,
    )
    text = (text or "").strip()
    if len(text) < ARTICLE_MIN_CHARS:
        logger.debug("no article text url=%s chars=%d", url, len(text))
        return None
    return text
