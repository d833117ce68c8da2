"""Who may push: bearer tokens and HMAC signatures, compared in constant time.

A feed that takes HTTP pushes names a ``push_token`` (the agency sends
``Authorization: Bearer <token>``), a ``push_secret`` (the agency signs the body:
``X-Wirewatch-Signature: sha256=<hex HMAC-SHA256 of the body>``), or both (either one then
suffices). A feed with neither takes no pushes.

Every comparison goes through :func:`hmac.compare_digest`. What this module leaves to others:
reading requests (crawler.push.server).
"""

from __future__ import annotations

import hashlib
import hmac

from crawler.config import FeedConfig

SIGNATURE_HEADER = "X-Wirewatch-Signature"


def push_refusal(
    feed: FeedConfig, authorization: str | None, signature: str | None, body: bytes
) -> str | None:
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
        if signature_matches(signature, secret.encode(), body):
            return None
    if signature or authorization:
        return "bad signature or wrong token"
    return "no credentials (send Authorization: Bearer, or " + SIGNATURE_HEADER + ")"


def signature_matches(header: str, secret: bytes, body: bytes) -> bool:
    """Does ``header`` (``sha256=<hexdigest>``) sign ``body`` with ``secret``?"""
    method, _, given = header.strip().partition("=")
    if method.lower() != "sha256" or not given:
        return False
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())
