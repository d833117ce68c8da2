"""Who may push: bearer tokens and HMAC signatures, compared in constant time.

A feed that takes HTTP pushes names a ``push_token`` (the agency sends
``Authorization: Bearer <token>``), a ``push_secret`` (the agency signs the body:
``X-Wirewatch-Signature: sha256=<hex HMAC-SHA256 of the body>``), or both (either one then
suffices). A feed with neither takes no pushes. WebSub notifications are signed the way the
W3C Recommendation says (``X-Hub-Signature: <method>=<hex>``, sha1, sha256, sha384 or sha512)
with the secret wirewatch gave the hub, derived per feed from ``push.websub.secret`` so that
no secret is stored in the database.

Every comparison goes through :func:`hmac.compare_digest`. What this module leaves to others:
reading requests (crawler.push.server).
"""

from __future__ import annotations

import hashlib
import hmac

from crawler.config import FeedConfig

SIGNATURE_HEADER = "X-Wirewatch-Signature"
WEBSUB_SIGNATURE_HEADER = "X-Hub-Signature"
WEBSUB_METHODS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256,
                  "sha384": hashlib.sha384, "sha512": hashlib.sha512}  # fmt: skip


def push_refusal(
    feed: FeedConfig, authorization: str | None, signature: str | None, body: bytes
) -> str | None:  # noqa: E501
    """Why this push is not authenticated for ``feed``, or None when it is."""
    token = feed.push_token.get_secret_value() if feed.push_token else None
    secret = feed.push_secret.get_secret_value() if feed.push_secret else None
    if token is None and secret is None:
        return f"feed {feed.name!r} takes no pushes (give it push_token or push_secret)"
    if token is not None and authorization:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return None
    if secret is not None and signature:
        if signature_matches(signature, secret.encode(), body, methods=("sha256",)):
            return None
    if signature or authorization:
        return "bad signature or wrong token"
    return "no credentials (send Authorization: Bearer, or " + SIGNATURE_HEADER + ")"


def signature_matches(
    header: str, secret: bytes, body: bytes, *, methods: tuple[str, ...] = tuple(WEBSUB_METHODS)
) -> bool:
    """Does ``header`` (``method=hexdigest``) sign ``body`` with ``secret``?"""
    method, _, given = header.strip().partition("=")
    digest = WEBSUB_METHODS.get(method.lower()) if method.lower() in methods else None
    if digest is None or not given:
        return False
    expected = hmac.new(secret, body, digest).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def websub_secret(master: str, feed: str) -> bytes:
    """The hub.secret given to the hub of ``feed``: an HMAC of the feed name (hex, 64 chars,
    within the 200 bytes the Recommendation allows)."""
    return hmac.new(master.encode(), f"websub:{feed}".encode(), hashlib.sha256).hexdigest().encode()
