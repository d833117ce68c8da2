"""URL hygiene: canonical links for deduplication, redaction for logs, and the SSRF guard.

* :func:`canonical_url` turns a feed link into the one spelling wirewatch stores, so that the same
  story reached through a newsletter, a social post or a feed compares equal.
* :func:`redact_url` masks credentials before a URL reaches a log line or an error message;
  :func:`public_url` is a feed's URL as stored and shown, its user info dropped.
* :func:`check_public_url` refuses URLs whose host is not on the public Internet; the fetcher
  calls it on the first URL and again on every redirect (a public host may redirect to
  ``http://169.254.169.254/``).

Canonicalisation rules (in order):

1. surrounding whitespace is removed; a relative link is resolved against ``base`` (the feed URL);
2. only ``http`` and ``https`` survive (``mailto:``, ``javascript:``, ``tag:`` ... give None);
3. scheme and host are lower-cased, a trailing dot on the host is dropped, and the default port
   (80 for http, 443 for https) is removed;
4. an empty path becomes ``/``; the path is otherwise kept byte for byte (no re-encoding, since
   servers differ on what ``%2F`` means);
5. the fragment is dropped: it never selects a different story;
6. tracking parameters are dropped (``utm_*`` and the names in :data:`TRACKING_PARAMS`);
7. the remaining query parameters are sorted by name with a *stable* sort: two links that differ
   only in parameter order are the same page on every news site we know, while the relative order
   of a repeated name (``a=1&a=2``), the one case where order can carry meaning, is preserved.
   Parameters keep their original percent-encoding.

What this module leaves to others: fetching (spiders/), and deciding what counts as the same
story beyond the URL (crawler.dedupe).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from crawler.errors import FeedError

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only tell the publisher where a click came from (analytics, ad and
# newsletter systems); removing them never changes the page that is served.
TRACKING_PARAMS = frozenset(
    """fbclid gclid dclid gbraid wbraid msclkid yclid twclid igshid mc_cid mc_eid _ga _gl xtor
    xtref at_medium at_campaign at_custom1 at_custom2 at_custom3 at_custom4 at_format at_link
    at_ptr_name ocid cmpid ns_mchannel ns_source ns_campaign ns_linkname ns_fee wt.mc_id wt_mc
    smid smtyp s_cid ito __twitter_impression mkt_tok oly_anon_id oly_enc_id""".split()
)
TRACKING_PREFIXES = ("utm_",)

# Query parameter names whose value is a secret: masked by redact_url. A name also counts when
# it ends with one of SECRET_SUFFIXES (api_key, subscription-key, access_token ...).
SECRET_PARAMS = frozenset(
    """token key apikey secret password passwd pwd sig signature auth session sessionid sid code
    credential jwt""".split()
)
SECRET_SUFFIXES = ("token", "key", "secret", "password", "signature")
REDACTED = "***"

# Host names that designate the machine itself or a private network whatever DNS says.
PRIVATE_HOSTNAMES = frozenset(
    {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
)
PRIVATE_HOST_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet")

# Shared address space for carrier-grade NAT (RFC 6598): not global, yet older Pythons do not
# classify it as private, so it is named explicitly.
CGNAT_NETWORK = ipaddress.ip_network("100.64.0.0/10")
NAT64_NETWORK = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[..., list]

# A link every rule above leaves as it is: lower-case http(s) scheme and host name, no user
# info, no port, a path, no fragment, no whitespace; and a query (checked apart) that is
# non-empty, without tracking parameters and already sorted. Most feed links are spelled so,
# and recognising them costs a regex match instead of a urlsplit and a urlunsplit (a quarter of
# the time of reading a feed, bench/poll.py).
_CANONICAL_SHAPE = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*/[^?#\s]*(?:\?(?P<query>[^#\s]+))?", re.ASCII
)


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Return the canonical spelling of ``url`` (rules in the module docstring), or None.

    None means "not a web link": empty, unparseable, or a scheme other than http(s).
    """
    if not url or not url.strip():
        return None
    raw = url.strip()
    if not base and is_canonical(raw):
        return raw
    return _rebuilt(raw, base)


def is_canonical(url: str) -> bool:
    """True when ``url`` is a stripped link that :func:`canonical_url` would return unchanged
    (a cheap test: False only means "rebuild it to know")."""
    shape = _CANONICAL_SHAPE.fullmatch(url)
    if shape is None:
        return False
    query = shape["query"]
    return query is None or _clean_query(query) == query


def _rebuilt(raw: str, base: str | None) -> str | None:
    try:
        if base:
            raw = urljoin(base.strip(), raw)
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ALLOWED_SCHEMES or not host:
        return None
    netloc = _netloc(parts.username, parts.password, host, port, scheme)
    query = _clean_query(parts.query)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _netloc(
    user: str | None, password: str | None, host: str, port: int | None, scheme: str
) -> str:
    if ":" in host:  # an IPv6 literal needs its brackets back
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if user is not None:
        userinfo = user if password is None else f"{user}:{password}"
        netloc = f"{userinfo}@{netloc}"
    return netloc


def _clean_query(query: str) -> str:
    if not query:
        return ""
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(_param_name(pair))]
    kept.sort(key=_param_name)  # list.sort is stable: repeated names keep their order
    return "&".join(kept)


def _param_name(pair: str) -> str:
    return unquote_plus(pair.split("=", 1)[0]).lower()


def _is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def public_url(url: str) -> str:
    """``url`` as wirewatch stores and shows it (the feeds table, Datasette, ``status``): without
    its user info, and with the value of every parameter named like a secret masked. The full
    URL stays in the configuration, which is where the fetcher reads it. Never raises."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(
        (parts.scheme, host, parts.path, _mask_params(parts.query), _mask_params(parts.fragment))
    )


def redact_url(url: str) -> str:
    """Return ``url`` with its secrets masked, for logs and error messages. Never raises.

    Masks the whole userinfo (``https://user:pass@host`` -> ``https://***@host``: a lone user name
    is often a token) and the value of every query or fragment parameter named like a secret.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    return urlunsplit(
        (parts.scheme, netloc, parts.path, _mask_params(parts.query), _mask_params(parts.fragment))
    )


def _mask_params(params: str) -> str:
    if "=" not in params:
        return params
    masked = []
    for pair in params.split("&"):
        name, sep, _value = pair.partition("=")
        if sep and _is_secret(unquote_plus(name).lower()):
            pair = f"{name}={REDACTED}"
        masked.append(pair)
    return "&".join(masked)


def _is_secret(name: str) -> bool:
    return name in SECRET_PARAMS or name.endswith(SECRET_SUFFIXES)


def check_public_url(
    url: str, *, allow_private: bool = False, resolve: Resolver = socket.getaddrinfo
) -> None:
    """Raise FeedError unless ``url`` is http(s) and every address its host resolves to is public.

    ``allow_private=True`` (an intranet feed the operator configured on purpose) keeps the scheme
    check but accepts any address. ``resolve`` has the signature of :func:`socket.getaddrinfo`;
    tests inject a fake. Every resolved address must pass, not just the first: a host with one
    public and one private record would otherwise let the connection pick the private one.
    """
    shown = redact_url(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError as e:
        raise FeedError(f"{shown} not allowed: unparseable URL ({e})") from e
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FeedError(f"{shown} not allowed: scheme {scheme or '(none)'!r} is not http or https")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FeedError(f"{shown} not allowed: no host")
    if allow_private:
        return
    if host in PRIVATE_HOSTNAMES or host.endswith(PRIVATE_HOST_SUFFIXES):
        raise FeedError(f"{shown} not allowed: host {host!r} names a local or private machine")
    for address in _addresses(host, port, resolve, shown):
        why = address_problem(address)
        if why:
            raise FeedError(f"{shown} not allowed: {host} resolves to {address}, {why}")


def _addresses(host: str, port: int, resolve: Resolver, shown: str) -> list[ipaddress._BaseAddress]:
    literal = _ip_literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as e:  # a failure, not a refusal: said as such
        reason = getattr(e, "strerror", None) or str(e)
        raise FeedError(f"DNS lookup failed for {host} ({reason})") from e
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise FeedError(f"{shown} not allowed: host {host!r} resolves to no address")
    return addresses


def _ip_literal(host: str) -> ipaddress._BaseAddress | None:
    """Read ``host`` as an IP address, including the shorthand IPv4 forms that resolvers accept
    (``127.1``, ``0x7f.0.0.1``, ``2130706433``) so they cannot slip past as "host names"."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if all(c in "0123456789abcdefx." for c in host) and any(c.isdigit() for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def address_problem(address: ipaddress._BaseAddress) -> str | None:
    """Why ``address`` may not be fetched (e.g. "loopback"), or None when it is public.

    IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the
    IPv4 address they carry, since that is where the packets end up.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            why = address_problem(embedded)
            return f"which embeds {embedded}, {why}" if why else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("carrier-grade NAT", address in CGNAT_NETWORK),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return f"a {name} address"
    if not address.is_global:
        return "not a globally routable address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64_NETWORK:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # (server, client): the client is the host behind it
    return None
