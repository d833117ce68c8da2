"""canonical_url, redact_url and the SSRF guard check_public_url (with an injected resolver)."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from crawler.errors import FeedError
from crawler.urls import (
    _rebuilt,
    address_problem,
    canonical_url,
    check_public_url,
    is_canonical,
    public_url,
    redact_url,
)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("HTTP://Example.COM:80/a?b=1#frag", None, "http://example.com/a?b=1"),
        ("https://example.com:443", None, "https://example.com/"),
        ("https://example.com:8443/x", None, "https://example.com:8443/x"),
        ("https://example.com./x", None, "https://example.com/x"),
        (
            "https://ex.com/a?utm_source=rss&id=7&utm_medium=feed&fbclid=Z&xtor=RSS-1",
            None,
            "https://ex.com/a?id=7",
        ),
        ("https://ex.com/a?z=1&a=2&a=1&m=%20x", None, "https://ex.com/a?a=2&a=1&m=%20x&z=1"),
        (
            "https://ex.com/a?gclid=1&mc_cid=2&mc_eid=3&at_medium=4&ocid=5&cmpid=6",
            None,
            "https://ex.com/a",
        ),
        (
            "/news/2020/02/16/rockets",
            "https://ex.com/feed.xml",
            "https://ex.com/news/2020/02/16/rockets",
        ),
        ("story.html", "https://ex.com/fr/rss/", "https://ex.com/fr/rss/story.html"),
        ("  https://ex.com/a  ", None, "https://ex.com/a"),
        ("https://[2001:DB8::1]:443/a", None, "https://[2001:db8::1]/a"),
        ("mailto:desk@example.com", None, None),
        ("javascript:alert(1)", None, None),
        ("tag:example.com,2020:1", None, None),
        ("", None, None),
        ("https://ex.com:99999/a", None, None),
        ("https:///nohost", None, None),
    ],
)
def test_canonical_url(url, base, expected):
    assert canonical_url(url, base) == expected


@pytest.mark.parametrize(
    ("url", "fast"),
    [
        ("https://www.example.com/monde/2020/02/16/roquettes-bagdad_123.html", True),
        ("http://ex.com/", True),
        ("https://ex.com/a?a=2&a=1&b=%20x&Z=1", True),
        ("https://ex.com/a@b/c;p=1/%C3%A9/الخبر", True),
        ("https://ex.com//double/slash", True),
        ("https://1.2.3.4/a", True),
        ("https://ex.com", False),  # the path "/" is added
        ("https://Ex.com/a", False),
        ("HTTPS://ex.com/a", False),
        ("https://ex.com./a", False),
        ("https://ex.com:443/a", False),
        ("https://ex.com:8443/a", False),
        ("https://user:pw@ex.com/a", False),
        ("https://ex.com/a#frag", False),
        ("https://ex.com/a#", False),
        ("https://ex.com/a?", False),
        ("https://ex.com/a?b=1&a=2", False),
        ("https://ex.com/a?a=1&&b=2", False),
        ("https://ex.com/a?utm_source=rss", False),
        ("https://ex.com/a?id=1&xtor=RSS-3", False),
        ("https://ex.com/a\tb", False),
        ("https://ex.com/a b", False),
        ("https://[2001:db8::1]/a", False),
        ("ftp://ex.com/a", False),
        ("https://ex_host.com/a", False),
    ],
)
def test_links_already_canonical_are_returned_as_they_are(url, fast):
    assert is_canonical(url) is fast
    assert canonical_url(url) == _rebuilt(url, None)


def test_canonical_url_is_idempotent():
    once = canonical_url("HTTPS://Ex.com:443/a?b=2&a=1&utm_campaign=x#top")
    assert canonical_url(once) == once == "https://ex.com/a?a=1&b=2"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:hunter2@feeds.example.com/rss", "https://***@feeds.example.com/rss"),
        ("https://TOKEN123@feeds.example.com/rss", "https://***@feeds.example.com/rss"),
        ("https://ex.com/rss?token=abc&lang=fr", "https://ex.com/rss?token=***&lang=fr"),
        (
            "https://ex.com/rss?api_key=abc&apikey=d&Key=e",
            "https://ex.com/rss?api_key=***&apikey=***&Key=***",
        ),
        ("https://ex.com/cb#access_token=abc&x=1", "https://ex.com/cb#access_token=***&x=1"),
        ("https://ex.com/rss?lang=ar", "https://ex.com/rss?lang=ar"),
    ],
)
def test_redact_url(url, expected):
    assert redact_url(url) == expected


def test_redact_url_never_raises_on_garbage():
    assert "hunter2" not in redact_url("http://[bad:hunter2@x")


def resolver_for(*addresses: str):
    """A getaddrinfo stand-in returning ``addresses`` for any host."""

    def resolve(host, port, type=0):  # noqa: A002 - same keyword as socket.getaddrinfo
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    return resolve


# (address, refused?) — every special-purpose range the fetcher must not reach.
ADDRESS_TABLE = [
    ("93.184.216.34", False),
    ("2606:2800:220:1:248:1893:25c8:1946", False),
    ("127.0.0.1", True),
    ("127.8.8.8", True),
    ("10.1.2.3", True),
    ("172.16.0.1", True),
    ("172.31.255.255", True),
    ("172.32.0.1", False),
    ("192.168.1.1", True),
    ("169.254.169.254", True),
    ("100.64.0.1", True),
    ("100.127.255.254", True),
    ("0.0.0.0", True),
    ("224.0.0.1", True),
    ("240.0.0.1", True),
    ("255.255.255.255", True),
    ("192.0.2.10", True),
    ("198.18.0.1", True),
    ("::1", True),
    ("::", True),
    ("fe80::1", True),
    ("fc00::1", True),
    ("fd12:3456::1", True),
    ("ff02::1", True),
    ("::ffff:127.0.0.1", True),
    ("::ffff:10.0.0.1", True),
    ("::ffff:93.184.216.34", False),
    ("64:ff9b::a9fe:a9fe", True),  # NAT64 of 169.254.169.254
    ("2002:7f00:1::1", True),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", True),  # 6to4 of 192.168.1.1
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", True),  # Teredo, client 10.0.0.1
]


@pytest.mark.parametrize(("address", "refused"), ADDRESS_TABLE)
def test_check_public_url_address_table(address, refused):
    url = "https://feeds.example.com/rss"
    if refused:
        with pytest.raises(FeedError, match="not allowed"):
            check_public_url(url, resolve=resolver_for(address))
        check_public_url(url, resolve=resolver_for(address), allow_private=True)
    else:
        check_public_url(url, resolve=resolver_for(address))
    assert (address_problem(ipaddress.ip_address(address)) is not None) is refused


def test_every_resolved_address_must_be_public():
    with pytest.raises(FeedError, match="10.0.0.5"):
        check_public_url("https://x.example/", resolve=resolver_for("93.184.216.34", "10.0.0.5"))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://127.1/",
        "http://localhost:8000/feed",
        "http://api.localhost/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://printer.local/",
    ],
)
def test_literal_and_local_hosts_refused_without_resolving(url):
    def must_not_resolve(*args, **kwargs):
        raise AssertionError("literal or local host must be judged without DNS")

    with pytest.raises(FeedError, match="not allowed"):
        check_public_url(url, resolve=must_not_resolve)


@pytest.mark.parametrize(
    "url", ["ftp://ex.com/feed", "file:///etc/passwd", "gopher://ex.com/", "ex.com/feed"]
)
def test_only_http_and_https(url):
    with pytest.raises(FeedError, match="not allowed: scheme"):
        check_public_url(url, resolve=resolver_for("93.184.216.34"), allow_private=True)


def test_unresolvable_host_is_refused_with_redacted_url():
    def fail(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(FeedError, match="DNS lookup failed for nowhere.example") as caught:
        check_public_url("https://u:secret@nowhere.example/?token=abc", resolve=fail)
    assert "secret" not in str(caught.value) and "abc" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pa%40ss@wire.example/feed", "https://wire.example/feed"),
        ("https://tok3n@wire.example:8443/feed?lang=fr", "https://wire.example:8443/feed?lang=fr"),
        (
            "https://wire.example/rss?apikey=abc&lang=ar&access_token=x",
            "https://wire.example/rss?apikey=***&lang=ar&access_token=***",
        ),
        ("file:///srv/archive/feed.xml", "file:///srv/archive/feed.xml"),
    ],
)
def test_public_url_drops_user_info_and_masks_secret_parameters(url, shown):
    assert public_url(url) == shown
