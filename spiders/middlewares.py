"""Downloader middleware: the SSRF guard in front of every feed and page request.

A request whose meta carries ``public_only: True`` (feeds and pages without ``allow_private``)
is checked with :func:`crawler.urls.check_public_url` before it is sent. Redirects are new
requests that pass through the downloader middlewares again with the same meta, so every hop
of a redirect chain is checked, not just the first URL.

The check resolves the host name, a blocking call, so it runs in Twisted's thread pool. What it
leaves to others: the decision itself (crawler.urls), and the resolution Scrapy does again to
connect (a host that changes its answer between the two lookups is not caught here).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.errors import FeedError
from crawler.urls import check_public_url

PUBLIC_ONLY = "public_only"


class PublicAddressGuard:
    """Refuse requests to loopback, private, link-local ... addresses (see crawler.urls)."""

    async def process_request(self, request: Request) -> None:
        if not request.meta.get(PUBLIC_ONLY) or not request.url.startswith(("http:", "https:")):
            return None
        try:
            await maybe_deferred_to_future(deferToThread(check_public_url, request.url))
        except FeedError as e:
            raise IgnoreRequest(str(e)) from e
        return None
